import '../../shared/i18n/outbox';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAuth } from '../../shared/auth';
import { SignedOutTop } from '../SignedOutTop';
import { SavedWorkNotice } from './SavedWorkNotice';

/**
 * The session could not be checked (no network, the server down). Not signed out: the saved work
 * stays in sight, and the check runs again by itself when the connection returns (auth.tsx).
 */
export function UnreachablePage() {
  const { t } = useTranslation();
  const { reload } = useAuth();
  const [busy, setBusy] = useState(false);
  return (
    <div className="m-page m-sign-in">
      <SignedOutTop />
      <h2>{t('outbox.owner.unreachableTitle')}</h2>
      <p className="alert alert-error" data-testid="auth-unreachable">{t('outbox.owner.unreachable')}</p>
      <SavedWorkNotice />
      <button
        type="button"
        className="m-btn m-btn-primary m-btn-block"
        data-testid="auth-check-again"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          await reload();
          setBusy(false);
        }}
      >
        {t('outbox.owner.checkAgain')}
      </button>
      <Link className="m-btn m-btn-block" to="/sign-in">{t('outbox.owner.signIn')}</Link>
    </div>
  );
}
