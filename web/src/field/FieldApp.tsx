import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from '../shared/auth';
import { ChangePasswordForm } from '../shared/ChangePasswordForm';
import { FieldSignIn } from './FieldSignIn';
import { HomePage } from './HomePage';
import { OutboxPage } from './offline/OutboxPage';
import { UnreachablePage } from './offline/UnreachablePage';
import { useOutboxOwner } from './offline/use-outbox';
import { FIELD_ROUTES, ROLE_HOME } from './routes';

const RELOADED = (performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined)?.type === 'reload';

export function FieldApp() {
  const { status, me, can } = useAuth();
  const { t } = useTranslation();
  const location = useLocation();
  useOutboxOwner();
  // Arriving home — the app opened at /m, or signed in with no page asked for — opens the role's
  // own page instead; once any page has shown, home stays home (back from the role page, deep links,
  // reloading the home screen).
  const landing = useRef(!RELOADED);
  if (location.pathname === '/sign-in') landing.current = true;
  else if (status === 'signedIn' && location.pathname !== '/') landing.current = false;
  const roleHome = me ? FIELD_ROUTES.find((r) => r.path === ROLE_HOME[me.user.role] && r.tile && can(r.tile.permission)) : undefined;
  if (status === 'loading') return <p className="m-loading">{t('common.loading')}</p>;
  // Signed out or out of reach, the saved work stays in sight: the outbox opens read-only.
  if (status !== 'signedIn' && location.pathname === '/outbox') return <OutboxPage />;
  if (status === 'unreachable' && location.pathname !== '/sign-in') return <UnreachablePage />;
  if (status === 'signedOut' && location.pathname !== '/sign-in')
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (status === 'signedIn' && me?.user.mustChangePassword) return <ChangePasswordForm pageClassName="m-page m-sign-in" className="sign-in-form" />;
  return (
    <Routes>
      <Route path="/sign-in" element={<FieldSignIn />} />
      <Route index element={landing.current && roleHome ? <Navigate to={`/${roleHome.path}`} replace state={{ landed: true }} /> : <HomePage />} />
      {FIELD_ROUTES.map((r) => (
        <Route key={r.path} path={r.path} element={r.element} />
      ))}
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
