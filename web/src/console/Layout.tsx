import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import '../shared/i18n/patrol';
import '../shared/i18n/dashboard';
import '../shared/i18n/enforcement';
import '../shared/i18n/cases';

/** Navigation entries, each offered only to roles holding its permission. */
const NAV = [
  { to: '/dashboard', label: 'dash.nav', permission: 'dashboard.read', testId: 'nav-dashboard' },
  { to: '/cases', label: 'cases.nav', permission: 'cases.read', testId: 'nav-cases' },
  { to: '/sites', label: 'nav.sites', permission: 'registry.read', testId: 'nav-sites' },
  { to: '/staff', label: 'nav.staff', permission: 'staff.read', testId: 'nav-staff' },
  { to: '/coverage', label: 'patrol.nav.coverage', permission: 'coverage.read', testId: 'nav-coverage' },
  { to: '/checklists', label: 'patrol.nav.checklists', permission: 'checklists.write', testId: 'nav-checklists' },
  { to: '/campaigns', label: 'patrol.nav.campaigns', permission: 'coverage.read', testId: 'nav-campaigns' },
  { to: '/enforcement', label: 'enforcement.nav', permission: 'enforcement.read', testId: 'nav-enforcement' },
] as const;

export function Layout() {
  const { t } = useTranslation();
  const { can, signOut } = useAuth();
  const me = useMe();
  const navigate = useNavigate();
  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <strong>{t('common.appName')}</strong>
          <span>{t('common.consoleTitle')}</span>
        </div>
        <nav className="mainnav">
          {NAV.filter((n) => can(n.permission)).map((n) => (
            <NavLink key={n.to} to={n.to} data-testid={n.testId}>
              {t(n.label)}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span data-testid="who">
            {me.user.displayName} · {t(`roles.${me.user.role}`)}
          </span>
          <LangSwitch />
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="sign-out"
            onClick={async () => {
              await signOut();
              navigate('/sign-in');
            }}
          >
            {t('common.signOut')}
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
