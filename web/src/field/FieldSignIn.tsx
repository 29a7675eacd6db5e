import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { SignedOutTop } from './SignedOutTop';
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
      <SignedOutTop />
      <h2>{t('signIn.title')}</h2>
      <SavedWorkNotice />
      <SignInForm onDone={() => navigate(from, { replace: true })} />
    </div>
  );
}
