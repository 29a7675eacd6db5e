import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { KIND_COLORS } from '../../shared/map/kind-colors';
import type { Site } from '../../shared/types';

export function SiteTable({ items, onLocate }: { items: Site[]; onLocate(id: string): void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  if (!items.length) return <p className="empty">{t('sites.empty')}</p>;
  return (
    <table className="table" data-testid="site-table">
      <thead>
        <tr>
          <th>{t('sites.name')}</th>
          <th>{t('sites.kind')}</th>
          <th>{t('sites.address')}</th>
          <th>{t('sites.committee')}</th>
          <th>{t('sites.status')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((s) => (
          <tr key={s.id} data-site-id={s.id}>
            <td>
              <Link to={`/sites/${s.id}`}>{s.name}</Link>
            </td>
            <td>
              <span className="kind-dot" style={{ background: KIND_COLORS[s.kind] }} />
              {t(`kinds.${s.kind}`)}
            </td>
            <td>{s.address}</td>
            <td>{en ? s.committeeNameEn : s.committeeName}</td>
            <td>
              <span className={`badge badge-${s.status}`}>{t(`statuses.${s.status}`)}</span>
            </td>
            <td>
              <button type="button" className="btn btn-ghost btn-small" onClick={() => onLocate(s.id)}>
                {t('sites.locate')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
