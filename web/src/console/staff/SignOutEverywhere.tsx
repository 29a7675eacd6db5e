import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import '../../shared/i18n/account';

/** An administrator ends every session of a staff member (lost phone, leaver); audited by the API. */
export function SignOutEverywhere({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    if (!window.confirm(t('account.signOutAll.confirm'))) return;
    setBusy(true);
    try {
      const res = await api.post<{ ended: number }>(`/api/staff/${encodeURIComponent(userId)}/sign-out-all`);
      setMessage(t('account.signOutAll.done', { count: res.ended }));
    } catch (err) {
      setMessage(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="btn" data-testid="staff-sign-out-all" disabled={busy} onClick={() => void run()}>
        {t('account.signOutAll.button')}
      </button>
      {message ? <span role="status" data-testid="staff-sign-out-all-result">{message}</span> : null}
    </>
  );
}
