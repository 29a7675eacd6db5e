import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { useAuth } from './auth';
import { errorText } from './errors';

export type PhoneKind = 'party' | 'unit' | 'staff';

/**
 * A phone number as the server sent it. A masked one (138****5678) gets a 显示 button for those who
 * may reveal it: the full number comes from POST /api/reveal/phone, which records the reveal in the
 * audit log; the server refuses roles that may not (the leader, or a kind their role never calls).
 */
export function MaskedPhone({ phone, kind, id, tel = true }: { phone: string | null; kind: PhoneKind; id: string; tel?: boolean }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [full, setFull] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!phone) return <>{t('common.none')}</>;
  const shown = full ?? phone;
  const masked = !full && phone.includes('*');
  async function reveal() {
    setError(null);
    try {
      setFull((await api.post<{ phone: string | null }>('/api/reveal/phone', { kind, id })).phone ?? '');
    } catch (err) {
      setError(err);
    }
  }
  return (
    <span data-testid="masked-phone" data-kind={kind}>
      {tel && !masked ? <a href={`tel:${shown}`}>{shown}</a> : <span data-testid="phone-value">{shown}</span>}
      {masked && can('contacts.reveal') ? (
        <>
          {' '}
          <button type="button" className="btn btn-small" onClick={() => void reveal()} data-testid="phone-reveal" title={t('common.revealed')}>
            {t('common.reveal')}
          </button>
        </>
      ) : null}
      {error ? <small className="field-error"> {errorText(t, error)}</small> : null}
    </span>
  );
}
