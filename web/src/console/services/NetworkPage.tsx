import '../../shared/i18n/services-console';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { GridCoverageReport } from './GridCoverageReport';
import { shanghaiToday } from './guide-form';
import { LifeCircleReport } from './LifeCircleReport';
import { NetworkMap } from './NetworkMap';
import type { MapLayer } from './network-map-view';
import { GRID_COLORS, OUT_OF_REACH, POINT_COLORS, pointColor } from './point-colors';
import { PointDetail } from './PointDetail';
import { PointTable } from './PointTable';
import { type GridCoverage, type LifeCircle, POINT_KINDS, POINT_STATUSES, type ServicePoint } from './types';
import { inPlaceOrder, useServiceNames } from './use-service-names';
import './services.css';

/** 服务网络: the points on the map and in a list, the police grids, the grid-coverage and life-circle reports. */
export function NetworkPage() {
  const { t } = useTranslation();
  const [params, setParams] = useUrlState();
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? '';
  const showGrids = params.get('grids') === '1';
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const [selected, setSelected] = useState<string | null>(null);
  const [lifeCircle, setLifeCircle] = useState<LifeCircle | null>(null);
  const today = shanghaiToday();
  const [asOf, setAsOf] = useState(today);
  const [by, setBy] = useState(`${today.slice(0, 4)}-12-31`);
  const names = useServiceNames();

  const points = useApi(
    async () => ({ items: inPlaceOrder((await api.getAll<ServicePoint>('/api/services/points', { kind: kind || undefined, status: status || undefined })).items) }),
    [kind, status],
  );
  const coverage = useApi(() => api.get<GridCoverage>('/api/services/reports/grid-coverage', { asOf, by: by >= asOf ? by : undefined }), [asOf, by]);
  const list = useMemo(() => points.data?.items ?? [], [points.data]);

  const layers = useMemo<MapLayer[]>(() => {
    const out: MapLayer[] = [];
    if (showGrids && coverage.data) {
      out.push({
        id: 'grids',
        dots: coverage.data.grids.map((g) => ({
          id: `grid-${g.id}`, lng: g.lng, lat: g.lat, color: GRID_COLORS[g.state], radius: 11, hollow: true,
          title: t('yw.network.gridLabel', { code: g.code, name: g.name }), subtitle: `${g.subdistrictName} · ${t(`yw.coverage.states.${g.state}`)}`,
        })),
      });
    }
    if (lifeCircle) {
      out.push({
        id: 'reach',
        dots: lifeCircle.points.map((p) => ({ id: `reach-${p.id}`, lng: p.lng, lat: p.lat, color: POINT_COLORS[p.kind], radius: 3, reachM: lifeCircle.distanceM, title: p.name })),
      });
      out.push({
        id: 'out-of-reach',
        dots: [
          ...lifeCircle.uncoveredSites.map((s) => ({ id: `site-${s.id}`, lng: s.lng, lat: s.lat, color: OUT_OF_REACH, radius: 4, title: s.name })),
          ...lifeCircle.committees.filter((c) => !c.covered).map((c) => ({
            id: `committee-${c.id}`, lng: c.lng, lat: c.lat, color: OUT_OF_REACH, radius: 10, hollow: true, title: c.name,
            subtitle: t('yw.lifeCircle.committeesOut'),
          })),
        ],
      });
    }
    out.push({
      id: 'points',
      dots: list.map((p) => ({
        id: p.id, lng: p.lng, lat: p.lat, color: pointColor(p.kind, p.status), hollow: p.status === 'planned', radius: p.kind === 'centre' ? 8 : 6,
        title: p.name, subtitle: `${t(`yw.kinds.${p.kind}`)} · ${t(`yw.pointStatus.${p.status}`)}`,
      })),
    });
    return out;
  }, [list, showGrids, coverage.data, lifeCircle, t]);

  return (
    <section className="yw-page" data-testid="yw-network-page">
      <div className="page-head">
        <h1>{t('yw.network.title')}</h1>
      </div>
      <p className="muted">{t('yw.network.hint')}</p>
      <div className="filters">
        <select value={kind} onChange={(e) => setParam('kind', e.target.value || null)} data-testid="yw-net-kind" aria-label={t('yw.network.kind')}>
          <option value="">{t('yw.network.allKinds')}</option>
          {POINT_KINDS.map((k) => <option key={k} value={k}>{t(`yw.kinds.${k}`)}</option>)}
        </select>
        <select value={status} onChange={(e) => setParam('status', e.target.value || null)} data-testid="yw-net-status" aria-label={t('yw.network.status')}>
          <option value="">{t('yw.network.allStatuses')}</option>
          {POINT_STATUSES.map((s) => <option key={s} value={s}>{t(`yw.pointStatus.${s}`)}</option>)}
        </select>
        <label>
          <input type="checkbox" checked={showGrids} onChange={(e) => setParam('grids', e.target.checked ? '1' : null)} data-testid="yw-net-grids" /> {t('yw.network.showGrids')}
        </label>
      </div>
      <div className="yw-legend">
        {POINT_KINDS.map((k) => <span key={k}><span className="yw-swatch" style={{ background: POINT_COLORS[k] }} />{t(`yw.kinds.${k}`)}</span>)}
      </div>
      {points.error ? <p className="alert alert-error">{errorText(t, points.error)}</p> : null}
      <div className="split">
        <div className="split-list">
          <p className="muted" data-testid="yw-net-count">{points.data ? t('yw.network.count', { count: list.length }) : t('common.loading')}</p>
          <PointTable points={list} selectedId={selected} onSelect={setSelected} />
          {selected ? <PointDetail id={selected} itemName={names.itemName} /> : null}
        </div>
        <NetworkMap layers={layers} focusId={selected} />
      </div>
      <LifeCircleReport items={names.items} itemName={names.itemName} result={lifeCircle} onResult={setLifeCircle} />
      <GridCoverageReport data={coverage.data} asOf={asOf} by={by} onDates={(a, b) => { setAsOf(a); setBy(b); }} />
      {coverage.error ? <p className="alert alert-error">{errorText(t, coverage.error)}</p> : null}
    </section>
  );
}
