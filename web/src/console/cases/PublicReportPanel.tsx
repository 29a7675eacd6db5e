import '../../shared/i18n/public-report';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';

interface PublicSide {
  channel: 'web' | 'open311' | 'hotline';
  abusive: boolean;
  abusiveReason: string | null;
  feedback: 'confirmed' | 'contested' | null;
}

/** Roles that may mark abuse (server rule: open311.moderate in src/domain/auth/permissions.ts). */
const MODERATORS = ['operator', 'admin'];

/** On a case from the public page or an integration: its channel, the reporter's answer to the fix, and "mark abusive" (audited). */
export function PublicReportPanel({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const r = useApi(() => api.get<{ item: PublicSide | null }>(`/api/cases/${encodeURIComponent(caseId)}/public-report`), [caseId]);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const side = r.data?.item;
  if (!side) return null;

  async function mark() {
    setBusy(true);
    setError('');
    try {
      await api.post(`/api/cases/${encodeURIComponent(caseId)}/abusive`, { reason });
      setOpen(false);
      r.reload();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card" data-testid="public-report" data-abusive={side.abusive ? '1' : '0'}>
      <h2>{t('pub.console.title')}</h2>
      <p>{t(`pub.console.channel.${side.channel}`)}</p>
      {side.feedback ? <p className="alert alert-info" data-testid="public-feedback">{t(`pub.console.feedback.${side.feedback}`)}</p> : null}
      {side.abusive ? <p className="alert alert-error" data-testid="public-abusive">{t('pub.console.abusive', { reason: side.abusiveReason ?? '' })}</p> : null}
      {!side.abusive && MODERATORS.includes(me.user.role) ? (
        open ? (
          <div>
            <label className="field">
              <span>{t('pub.console.reason')}</span>
              <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="abusive-reason" />
            </label>
            <button type="button" className="btn" disabled={busy || !reason.trim()} onClick={() => void mark()} data-testid="abusive-confirm">{t('pub.console.confirmMark')}</button>
          </div>
        ) : (
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="mark-abusive">{t('pub.console.mark')}</button>
        )
      ) : null}
      {error ? <p className="alert alert-error">{error}</p> : null}
    </div>
  );
}
