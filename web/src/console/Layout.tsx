import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import '../shared/i18n/patrol';
import '../shared/i18n/dashboard';
import '../shared/i18n/enforcement';
import '../shared/i18n/cases';
import '../shared/i18n/console';
import { canOpenCatalogue } from './catalogue/CataloguePage';
import './inbox/inbox.css';
import { useUnreadCount } from './inbox/use-unread';

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
  { to: '/catalogue', label: 'console.nav.catalogue', permission: 'catalogue.read', testId: 'nav-catalogue' },
  { to: '/notifications', label: 'console.nav.notifications', permission: 'notifications.admin', testId: 'nav-notifications' },
] as const;

export function Layout() {
  const { t } = useTranslation();
  const { can, signOut } = useAuth();
  const me = useMe();
  const navigate = useNavigate();
  const unread = useUnreadCount();
  const shown = (n: (typeof NAV)[number]) => can(n.permission) && (n.to !== '/catalogue' || canOpenCatalogue(can, me.user.role));
  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <strong>{t('common.appName')}</strong>
          <span>{t('common.consoleTitle')}</span>
        </div>
        <nav className="mainnav">
          {NAV.filter(shown).map((n) => (
            <NavLink key={n.to} to={n.to} data-testid={n.testId}>
              {t(n.label)}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <NavLink to="/inbox" className="inbox-link" data-testid="nav-inbox" aria-label={unread ? t('console.inbox.unreadBadge', { n: unread }) : t('console.nav.inbox')}>
            {t('console.nav.inbox')}
            {unread ? <span className="nav-badge" data-testid="inbox-badge">{unread > 99 ? '99+' : unread}</span> : null}
          </NavLink>
          {can('tokens.manage') ? <NavLink to="/tokens" data-testid="nav-tokens">{t('console.nav.tokens')}</NavLink> : null}
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
