import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, withQuery } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { SiteMap } from '../../shared/map/SiteMap';
import type { Marker, Page, Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { ImportButton } from '../excel/ImportButton';
import { SiteFilters } from './SiteFilters';
import { filterQuery, readFilter, toParams } from './site-filter';
import { SiteTable } from './SiteTable';

const PAGE_SIZE = 50;

export function SitesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useUrlState();
  const filter = useMemo(() => readFilter(params), [params]);
  const query = useMemo(() => filterQuery(filter), [filter]);
  const key = JSON.stringify(query);
  const [extra, setExtra] = useState<Site[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);

  const list = useApi(() => api.get<Page<Site>>('/api/sites', { ...query, limit: PAGE_SIZE }), [key]);
  const markers = useApi(() => api.get<{ items: Marker[]; capped: boolean }>('/api/sites/markers', query), [key]);
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  async function loadMore() {
    if (!cursor) return;
    const next = await api.get<Page<Site>>('/api/sites', { ...query, limit: PAGE_SIZE, after: cursor });
    setExtra((xs) => [...xs, ...next.items]);
    setCursor(next.nextCursor);
  }

  const items = [...(list.data?.items ?? []), ...extra];
  const markerItems = useMemo(() => markers.data?.items ?? [], [markers.data]);

  return (
    <section className="sites-page">
      <div className="page-head">
        <h1>{t('sites.title')}</h1>
        <div className="actions">
          {can('registry.write') ? (
            <Link className="btn btn-primary" to="/sites/new" data-testid="site-add">
              {t('sites.add')}
            </Link>
          ) : null}
          {can('registry.import') ? (
            <ImportButton endpoint="/api/import/sites" testId="site-import" onImported={() => { list.reload(); markers.reload(); }} />
          ) : null}
          {can('registry.export') ? (
            <a className="btn" data-testid="site-export" href={withQuery('/api/export/sites.xlsx', query)} download>
              {t('excel.export')}
            </a>
          ) : null}
        </div>
      </div>
      <SiteFilters value={filter} onChange={(patch) => setParams((prev) => toParams({ ...readFilter(prev), ...patch }))} />
      <div className="split">
        <div className="split-list">
          {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
          <p className="muted" data-testid="site-total">
            {list.data ? t('common.total', { count: list.data.total ?? items.length }) : t('common.loading')}
          </p>
          {markers.data?.capped ? (
            <p className="alert" role="status" data-testid="markers-capped">{t('sites.markersCapped', { count: markers.data.items.length })}</p>
          ) : null}
          <SiteTable items={items} onLocate={setFocusId} />
          {cursor ? (
            <button type="button" className="btn" onClick={() => void loadMore()}>
              {t('common.loadMore')}
            </button>
          ) : null}
        </div>
        <SiteMap
          className="split-map"
          markers={markerItems}
          focusId={focusId}
          detailHref={(id) => `/sites/${id}`}
          onOpen={(id) => navigate(`/sites/${id}`)}
        />
      </div>
    </section>
  );
}
