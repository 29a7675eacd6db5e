import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { KIND_COLORS } from '../../shared/map/kind-colors';
import type { Site } from '../../shared/types';
import { RegisterTable } from '../registry/RegisterTable';

export function SiteTable({ items, onLocate }: { items: Site[]; onLocate(id: string): void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  if (!items.length) return <p className="empty">{t('sites.empty')}</p>;
  return (
    <RegisterTable
      testId="site-table"
      items={items}
      rowAttrs={(s) => ({ 'data-site-id': s.id })}
      columns={[
        { header: t('sites.name'), cell: (s) => <Link to={`/sites/${s.id}`}>{s.name}</Link> },
        {
          header: t('sites.kind'),
          cell: (s) => (
            <>
              <span className="kind-dot" style={{ background: KIND_COLORS[s.kind] }} />
              {t(`kinds.${s.kind}`)}
            </>
          ),
        },
        { header: t('sites.address'), cell: (s) => s.address },
        { header: t('sites.committee'), cell: (s) => (en ? s.committeeNameEn : s.committeeName) },
        { header: t('sites.status'), cell: (s) => <span className={`badge badge-${s.status}`}>{t(`statuses.${s.status}`)}</span> },
        {
          header: null,
          cell: (s) => (
            <button type="button" className="btn btn-ghost btn-small" onClick={() => onLocate(s.id)}>
              {t('sites.locate')}
            </button>
          ),
        },
      ]}
    />
  );
}
