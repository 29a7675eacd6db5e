import '../shared/i18n/field-map';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../shared/api';
import { errorText } from '../shared/errors';
import type { LngLat } from '../shared/geo/gcj02';
import { SiteMap } from '../shared/map/SiteMap';
import type { Marker } from '../shared/types';
import { useApi } from '../shared/use-api';
import { navigateElement } from './NavigateLinks';
import { RouteLegend } from './patrol/RouteLegend';
import { useTodaysRoute } from './patrol/use-todays-route';
import { TopBar } from './TopBar';

/**
 * The field map: nearby sites (clustered) around my position, or today's route as numbered
 * stops joined in walking order. Every site's popup offers "navigate there". `?site=<id>`
 * opens on one site; `?show=route` on today's route.
 */
export function FieldMapPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const showRoute = params.get('show') === 'route';
  const focusId = params.get('site');
  const { pos, here, list, stops } = useTodaysRoute();
  const all = useApi(() => api.get<{ items: Marker[] }>('/api/sites/markers'), []);

  const markers = useMemo(() => {
    if (!showRoute) return (all.data?.items ?? []).filter((m) => m.status === 'active');
    return stops.map((s, i) => ({ id: s.id, kind: s.kind, name: s.name, lng: s.lng, lat: s.lat, status: 'active' as const, committeeId: '', label: String(i + 1) }));
  }, [showRoute, all.data, stops]);
  const line = useMemo<LngLat[] | null>(() => (showRoute && stops.length ? [...(here ? [here] : []), ...stops] : null), [showRoute, stops, here]);
  const error = showRoute ? list.error : all.error;

  const tab = (route: boolean) => (
    <button type="button" className="m-btn" aria-pressed={showRoute === route} data-testid={route ? 'map-tab-route' : 'map-tab-nearby'} onClick={() => setParams(route ? { show: 'route' } : {}, { replace: true })}>
      {t(route ? 'fmap.tabRoute' : 'fmap.tabNearby')}
    </button>
  );
  return (
    <div className="m-page">
      <TopBar title={t('fmap.title')} />
      <div className="m-tabs">
        {tab(false)}
        {tab(true)}
      </div>
      {pos.status === 'unavailable' ? <p className="m-notice m-notice-warn">{t('fmap.noPosition')}</p> : null}
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      <SiteMap
        className="m-map"
        markers={markers}
        // Nearby: open on me (or on the site asked for), not on the whole registry.
        fit={showRoute}
        focusId={focusId}
        pin={here}
        centerOnPin={!showRoute && !focusId}
        route={line}
        detailHref={(id) => `/m/sites/${id}`}
        onOpen={(id) => navigate(`/sites/${id}`)}
        popupExtra={(m) => navigateElement(m, m.name, t)}
      />
      {showRoute ? <RouteLegend /> : null}
    </div>
  );
}
