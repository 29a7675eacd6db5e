import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import '../shared/i18n/patrol';
import '../shared/i18n/dashboard';
import '../shared/i18n/enforcement';
import '../shared/i18n/cases';
import '../shared/i18n/console';
import './inbox/inbox.css';
import { useUnreadCount } from './inbox/use-unread';
import { MenuBar } from './nav/MenuBar';


export function Layout() {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const me = useMe();
  const navigate = useNavigate();
  const unread = useUnreadCount();
  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <strong>{t('common.appName')}</strong>
          <span>{t('common.consoleTitle')}</span>
        </div>
        <MenuBar />
        <div className="who">
          {/* The link's name starts with what it shows (WCAG 2.5.3); the badge's count is read out as "n unread". */}
          <NavLink to="/inbox" className="inbox-link" data-testid="nav-inbox">
            {t('console.nav.inbox')}
            {unread ? (
              <>
                <span className="nav-badge" data-testid="inbox-badge" aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                <span className="visually-hidden">{t('console.inbox.unreadBadge', { n: unread })}</span>
              </>
            ) : null}
          </NavLink>
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
