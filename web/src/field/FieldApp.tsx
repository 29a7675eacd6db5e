import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { ChangePasswordForm } from '../shared/ChangePasswordForm';
import { FieldSignIn } from './FieldSignIn';
import { HomePage } from './HomePage';
import { FIELD_ROUTES } from './routes';

export function FieldApp() {
  const { status, me } = useAuth();
  const { t } = useTranslation();
  const location = useLocation();
  if (status === 'loading') return <p className="m-loading">{t('common.loading')}</p>;
  if (status === 'signedOut' && location.pathname !== '/sign-in')
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (status === 'signedIn' && me?.user.mustChangePassword) return <ChangePasswordForm pageClassName="m-page m-sign-in" className="sign-in-form" />;
  return (
    <Routes>
      <Route path="/sign-in" element={<FieldSignIn />} />
      <Route index element={<HomePage />} />
      {FIELD_ROUTES.map((r) => (
        <Route key={r.path} path={r.path} element={r.element} />
      ))}
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
