import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import { SignInForm } from '../shared/SignInForm';

export function SignInPage() {
  const { t } = useTranslation();
  const { status } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  if (status === 'signedIn') return <Navigate to={from} replace />;
  return (
    <div className="sign-in-page">
      <div className="card sign-in-card">
        <div className="sign-in-head">
          <h1>
            {t('common.appName')} · {t('common.consoleTitle')}
          </h1>
          <LangSwitch />
        </div>
        <h2>{t('signIn.title')}</h2>
        <SignInForm onDone={() => navigate(from, { replace: true })} />
      </div>
    </div>
  );
}
