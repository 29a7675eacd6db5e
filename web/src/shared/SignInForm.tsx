import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth';
import { errorText } from './errors';

/** Username + password; errors are shown by code (wrong credentials, locked, rate limited). */
export function SignInForm({ onDone }: { onDone?: () => void }) {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
      onDone?.();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="sign-in-form" onSubmit={submit}>
      <label className="field">
        <span>{t('signIn.username')}</span>
        <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('signIn.password')}</span>
        <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error ? (
        <p className="alert alert-error" role="alert" data-testid="sign-in-error">
          {errorText(t, error)}
        </p>
      ) : null}
      <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
        {busy ? t('signIn.submitting') : t('signIn.submit')}
      </button>
    </form>
  );
}
