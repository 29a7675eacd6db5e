import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import { SignInForm } from '../shared/SignInForm';
import { SavedWorkNotice } from './offline/SavedWorkNotice';

export function FieldSignIn() {
  const { t } = useTranslation();
  const { status } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  if (status === 'signedIn') return <Navigate to={from} replace />;
  return (
    <div className="m-page m-sign-in">
      <div className="m-top">
        <h1>{t('common.fieldTitle')}</h1>
        <LangSwitch className="m-btn m-btn-ghost" />
      </div>
      <h2>{t('signIn.title')}</h2>
      <SavedWorkNotice />
      <SignInForm onDone={() => navigate(from, { replace: true })} />
    </div>
  );
}
