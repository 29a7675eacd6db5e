import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, withQuery } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { LoadMore } from '../../shared/LoadMore';
import { SiteMap } from '../../shared/map/SiteMap';
import type { Marker, Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { RegisterHead } from '../registry/RegisterHead';
import { useRegisterList } from '../registry/use-register-list';
import { SiteFilters } from './SiteFilters';
import { filterQuery, readFilter, toParams } from './site-filter';
import { SiteTable } from './SiteTable';

const PAGE_SIZE = 50;

export function SitesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useUrlState();
  const filter = useMemo(() => readFilter(params), [params]);
  const query = useMemo(() => filterQuery(filter), [filter]);
  const key = JSON.stringify(query);
  const [focusId, setFocusId] = useState<string | null>(null);

  const list = useRegisterList<Site>('/api/sites', query, PAGE_SIZE);
  const markers = useApi(() => api.get<{ items: Marker[]; capped: boolean }>('/api/sites/markers', query), [key]);
  const markerItems = useMemo(() => markers.data?.items ?? [], [markers.data]);

  return (
    <section className="sites-page">
      <RegisterHead
        title={t('sites.title')}
        add={{ to: '/sites/new', label: t('sites.add'), testId: 'site-add', permission: 'registry.write' }}
        importer={{ endpoint: '/api/import/sites', testId: 'site-import', onImported: () => { list.reload(); markers.reload(); } }}
        exporter={{ href: withQuery('/api/export/sites.xlsx', query), testId: 'site-export' }}
      />
      <SiteFilters value={filter} onChange={(patch) => setParams((prev) => toParams({ ...readFilter(prev), ...patch }))} />
      <div className="split">
        <div className="split-list">
          {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
          <p className="muted" data-testid="site-total">
            {list.loaded ? t('common.total', { count: list.total ?? list.items.length }) : t('common.loading')}
          </p>
          {markers.data?.capped ? (
            <p className="alert" role="status" data-testid="markers-capped">{t('sites.markersCapped', { count: markers.data.items.length })}</p>
          ) : null}
          <SiteTable items={list.items} onLocate={setFocusId} />
          <LoadMore list={list} testId="site-load-more" />
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
