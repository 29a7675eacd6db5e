import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api';
import { useAuth } from './auth';
import { errorText } from './errors';
import './i18n/account';

/**
 * The forced password change: shown instead of every page while GET /api/me says
 * mustChangePassword (an administrator created the account or reset its password). Every other
 * API answers 403 password_change_required until it is done.
 */
export function ChangePasswordForm({ pageClassName = 'sign-in-page', className = 'card sign-in-card sign-in-form' }: { pageClassName?: string; className?: string }) {
  const { t } = useTranslation();
  const { reload, signOut } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) {
      setError(t('account.change.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/me/password', { currentPassword: current, newPassword: next });
      await reload();
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  }

  return (
    <div className={pageClassName}>
      <form className={className} onSubmit={submit} data-testid="change-password-form">
        <h2>{t('account.change.title')}</h2>
        <p className="muted">{t('account.change.intro')}</p>
        <label className="field">
          <span>{t('account.change.current')}</span>
          <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('account.change.next')}</span>
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('account.change.repeat')}</span>
          <input name="repeatPassword" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {error ? (
          <p className="alert alert-error" role="alert" data-testid="change-password-error">
            {error}
          </p>
        ) : null}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy} data-testid="change-password-submit">
          {busy ? t('account.change.submitting') : t('account.change.submit')}
        </button>
        <button className="btn btn-block" type="button" onClick={() => void signOut()}>
          {t('account.change.signOut')}
        </button>
      </form>
    </div>
  );
}
