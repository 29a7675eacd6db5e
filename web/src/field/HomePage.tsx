import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth, useMe } from '../shared/auth';
import { LangSwitch } from '../shared/LangSwitch';
import { InboxBadge } from './inbox/InboxBadge';
import { FIELD_ROUTES, ROLE_HOME } from './routes';

export function HomePage() {
  const { t } = useTranslation();
  const { can, signOut } = useAuth();
  const me = useMe();
  const navigate = useNavigate();
  const first = ROLE_HOME[me.user.role];
  const tiles = FIELD_ROUTES.filter((r) => r.tile && can(r.tile.permission)).sort((a, b) => Number(b.path === first) - Number(a.path === first));
  return (
    <div className="m-page">
      <div className="m-top">
        <div>
          <h1 data-testid="m-hello">{t('field.hello', { name: me.user.displayName })}</h1>
          <p className="m-role">{t(`roles.${me.user.role}`)}</p>
        </div>
        <div className="m-inbox-top">
          <InboxBadge />
          <LangSwitch className="m-btn m-btn-ghost" />
        </div>
      </div>
      <nav className="m-tiles">
        {tiles.map((r) => (
          <Link key={r.path} to={`/${r.path}`} className={r.path === first ? 'm-tile m-tile-first' : 'm-tile'} data-testid={r.tile!.testId}>
            <span className="m-tile-icon" aria-hidden>
              {r.tile!.icon}
            </span>
            <strong>{t(r.tile!.label)}</strong>
            <small>{t(r.tile!.hint)}</small>
          </Link>
        ))}
      </nav>
      <button
        type="button"
        className="m-btn m-btn-block"
        data-testid="m-sign-out"
        onClick={async () => {
          await signOut();
          navigate('/sign-in');
        }}
      >
        {t('common.signOut')}
      </button>
    </div>
  );
}
