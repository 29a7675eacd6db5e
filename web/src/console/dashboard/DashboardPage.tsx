import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, withQuery } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import '../../shared/i18n/dashboard';
import { SiteMap } from '../../shared/map/SiteMap';
import { useApi } from '../../shared/use-api';
import { Chart } from './Chart';
import { type LiveKpis, rolloverDelayMs, shownKpis } from './day-rollover';
import { ServicesBoard } from './ServicesBoard';
import { SourcesPanel } from './SourcesPanel';
import type { CategoryRow, DailyPoint, FeedCase, HourPoint, Kpis, MapSite, Rankings, ServicesBoard as Board, Summary } from './types';
import { useDashboardStream } from './use-stream';
import './dashboard.css';

type Win = 'today' | '7d' | '30d';
/** A ratio to a tenth of a percent, rounded down (with a nudge for float error): 999 of 1,000 never reads 100.0 %. */
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(Math.floor(v * 1000 + 1e-9) / 10).toFixed(1)}%`);
/** Refetch at most this often while events stream in. */
const REFRESH_DEBOUNCE_MS = 800;

function useLiveTick() {
  const [tick, setTick] = useState(0);
  const timer = useRef<number | null>(null);
  const bump = useCallback(() => {
    if (timer.current !== null) return;
    timer.current = window.setTimeout(() => {
      timer.current = null;
      setTick((n) => n + 1);
    }, REFRESH_DEBOUNCE_MS);
  }, []);
  return [tick, bump] as const;
}

/** The operations-centre dashboard; `wall` is the dark 1920×1080 big-screen variant (no controls). */
export function DashboardPage({ wall = false }: { wall?: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { can } = useAuth();
  const [win, setWin] = useState<Win>('today');
  const [tick, bump] = useLiveTick();
  const [liveKpis, setLiveKpis] = useState<LiveKpis<Kpis, Summary> | null>(null);
  const [liveBoard, setLiveBoard] = useState<Board | null>(null);
  // The summary on screen when live KPIs arrive: they are shown over that summary only (day-rollover.ts).
  const shownSummary = useRef<Summary | null>(null);
  const live = useDashboardStream({
    onCase: bump, onKpis: (k) => setLiveKpis({ kpis: k as Partial<Kpis>, base: shownSummary.current }), onServices: setLiveBoard, onReconnect: bump,
  });
  const q = { window: win };
  const summary = useApi(() => api.get<Summary & { window?: { to: string } }>('/api/dashboard/summary', q), [win, tick]);
  shownSummary.current = summary.data;
  // At Shanghai midnight every figure of the wall is read again for the new day (no event says so).
  const summaryDay = summary.data?.window?.to ?? null;
  useEffect(() => {
    const timer = window.setTimeout(bump, rolloverDelayMs(summaryDay, Date.now()));
    return () => window.clearTimeout(timer);
  }, [summary.data, summaryDay, bump]);
  const committees = useApi(() => api.get<Rankings>('/api/dashboard/rankings', { ...q, of: 'committee' }), [win, tick]);
  const units = useApi(() => api.get<Rankings>('/api/dashboard/rankings', { ...q, of: 'unit' }), [win, tick]);
  const daily = useApi(() => api.get<{ points: DailyPoint[] }>('/api/dashboard/trends/daily', { window: win === 'today' ? '7d' : win }), [win, tick]);
  const hourly = useApi(() => api.get<{ points: HourPoint[] }>('/api/dashboard/trends/hourly'), [tick]);
  const cats = useApi(() => api.get<{ rows: CategoryRow[] }>('/api/dashboard/categories', q), [win, tick]);
  const subdistricts: string[] = [...new Set(me.user.scope.map((s) => s.subdistrictId))];
  const mapSub = subdistricts.length === 1 ? subdistricts[0] : null;
  const map = useApi(() => (mapSub ? api.get<{ sites: MapSite[] }>('/api/dashboard/map', { subdistrictId: mapSub }) : Promise.resolve({ sites: [] })), [mapSub, tick]);
  const feed = useApi(() => api.get<{ cases: FeedCase[] }>('/api/dashboard/feed', { limit: wall ? 12 : 20 }), [tick]);
  // Read on load and after case events (a 差评's case closing changes the open count); pushed by the stream on front-office changes.
  const fetchedBoard = useApi(() => api.get<Board>('/api/dashboard/services'), [tick]);
  const board = [fetchedBoard.data, liveBoard].reduce<Board | null>((a, b) => (b && (!a || b.at >= a.at) ? b : a), null);

  const k: Partial<Kpis> = shownKpis(summary.data, liveKpis, win === 'today');
  const en = i18n.language === 'en';
  const theme = wall ? 'dark' : undefined;
  const cards: [string, string, string?, string?][] = [
    ['found', String(k.found ?? '—')],
    ['selfResolved', String(k.selfResolved ?? '—')],
    ['closed', String(k.closed ?? '—')],
    ['dueForClosure', String(k.dueForClosure ?? '—')],
    ['closureRate', pct(k.closureRate), undefined, k.dueForClosure ? t('dash.kpi.closureNote', { closed: k.dueClosed ?? 0, due: k.dueForClosure }) : undefined],
    ['onTimeHandlingRate', pct(k.onTimeHandlingRate)],
    ['reworkRate', pct(k.reworkRate)],
    // Red only when something is overdue: a red 0 reads as an alarm.
    ['overdueNow', String(summary.data?.open.overdueNow ?? '—'), summary.data?.open.overdueNow ? 'warn' : undefined],
    ['open', String(summary.data?.open.open ?? '—')],
    ['onHold', String(summary.data?.open.onHold ?? '—')],
    ['median', k.medianCloseMinutes === null || k.medianCloseMinutes === undefined ? '—' : t('dash.kpi.minutes', { n: k.medianCloseMinutes })],
    ['score', summary.data?.score === null || !summary.data ? '—' : `${summary.data.score} · ${summary.data.grade}`],
  ];
  // Penalty decisions the party was absent for and not served within seven days (行政处罚法 art. 61), for viewers of enforcement.
  const unserved = summary.data?.enforcement?.overdueService;
  if (unserved !== undefined) cards.push(['unservedDecisions', String(unserved), unserved ? 'warn' : undefined]);

  const dailyOption = useMemo(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: (daily.data?.points ?? []).map((p) => p.day.slice(5)) }, yAxis: { type: 'value' },
    series: [
      { name: t('dash.trend.found'), type: 'line', smooth: true, data: (daily.data?.points ?? []).map((p) => p.found) },
      { name: t('dash.trend.closed'), type: 'line', smooth: true, data: (daily.data?.points ?? []).map((p) => p.closed) },
      { name: t('dash.trend.overdue'), type: 'bar', data: (daily.data?.points ?? []).map((p) => p.overdue) },
    ],
    backgroundColor: 'transparent',
  }), [daily.data, t]);
  const hourlyOption = useMemo(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: (hourly.data?.points ?? []).map((p) => p.hour.slice(11)) }, yAxis: { type: 'value' },
    series: [
      { name: t('dash.trend.found'), type: 'bar', data: (hourly.data?.points ?? []).map((p) => p.found) },
      { name: t('dash.trend.closed'), type: 'bar', data: (hourly.data?.points ?? []).map((p) => p.closed) },
    ],
    backgroundColor: 'transparent',
  }), [hourly.data, t]);
  const catOption = useMemo(() => {
    const rows = (cats.data?.rows ?? []).slice(0, 10).reverse();
    return {
      tooltip: {}, grid: { left: 150, right: 16, top: 10, bottom: 24 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', data: rows.map((r) => (en ? r.en : r.zh).slice(0, 18)) },
      series: [{ name: t('dash.trend.found'), type: 'bar', data: rows.map((r) => r.found) }],
      backgroundColor: 'transparent',
    };
  }, [cats.data, en, t]);

  const ranking = (r: Rankings | null, title: string) => (
    <section className="dash-panel">
      <h3>{title}</h3>
      <div className="dash-redblack">
        {(['red', 'black'] as const).map((list) => (
          <div key={list} className={`dash-list dash-${list}`} data-testid={`rank-${r?.level ?? 'x'}-${list}`}>
            <h4>{t(`dash.ranks.${list}`)}</h4>
            <ol>
              {(r?.[list] ?? []).map((id) => {
                const row = r!.rows.find((x) => x.id === id)!;
                return <li key={id}><span>{row.name}</span><b>{row.score ?? '—'}</b></li>;
              })}
            </ol>
          </div>
        ))}
      </div>
    </section>
  );

  const openSites = useMemo(() => (map.data?.sites ?? []).filter((s) => s.openProblems > 0), [map.data]);
  const mapMarkers = useMemo(
    () => openSites.map((s) => ({ id: s.id, kind: s.kind, name: `${s.name} · ${t('dash.map.open', { n: s.openProblems })}`, lng: s.lng, lat: s.lat, status: 'active' as const, committeeId: s.committeeId })),
    [openSites, t],
  );
  return (
    <div className={wall ? 'dash dash-wall' : 'dash'} data-testid="dashboard">
      <header className="dash-head">
        <h2>{wall ? t('dash.wallTitle') : t('dash.title')}</h2>
        <span className={live ? 'dash-live on' : 'dash-live'} data-testid="dash-live">{live ? t('dash.live') : t('dash.offline')}</span>
        {!wall && (
          <div className="dash-controls">
            <label>
              {t('dash.window.label')}{' '}
              <select value={win} onChange={(e) => setWin(e.target.value as Win)} data-testid="dash-window">
                {(['today', '7d', '30d'] as const).map((w) => <option key={w} value={w}>{t(`dash.window.${w}`)}</option>)}
              </select>
            </label>
            <a className="btn" href={withQuery('/api/dashboard/export.xlsx', q)}>{t('dash.export.xlsx')}</a>
            <a className="btn" href={withQuery('/api/dashboard/report.pdf', { period: 'weekly', subdistrictId: mapSub })}>{t('dash.export.weekly')}</a>
            <a className="btn" href={withQuery('/api/dashboard/report.pdf', { period: 'monthly', subdistrictId: mapSub })}>{t('dash.export.monthly')}</a>
            <Link className="btn" to="/dashboard/wall">{t('dash.wall')}</Link>
            {can('dashboard.wall') ? <WallSetup /> : null}
          </div>
        )}
      </header>
      <section className="dash-cards" data-testid="dash-cards">
        {cards.map(([key, value, tone, note]) => (
          <div key={key} className={`dash-card ${tone ?? ''}`} data-testid={`kpi-${key}`}>
            <span>{t(`dash.kpi.${key}`)}</span>
            <b>{value}</b>
            {note ? <small className="dash-card-note">{note}</small> : null}
          </div>
        ))}
      </section>
      <div className="dash-top">
        {mapSub && (
          <section className="dash-panel dash-map" data-testid="dash-map">
            <h3>{t('dash.map.title')} ({openSites.length})</h3>
            {openSites.length ? null : <p className="dash-empty">{t('dash.map.none')}</p>}
            <SiteMap markers={mapMarkers} />
          </section>
        )}
        <section className="dash-panel dash-feed">
          <h3>{t('dash.feed.title')}</h3>
          {/* Scrolls on its own: reachable by keyboard, named for screen readers. */}
          <ul data-testid="dash-feed" tabIndex={0} aria-label={t('dash.feed.label')}>
            {(feed.data?.cases ?? []).map((c) => (
              <li key={c.id} data-testid="feed-item">
                {c.thumbUrl ? <img src={c.thumbUrl} alt="" loading="lazy" /> : <span className="dash-nothumb" />}
                <div>
                  <b>{c.number}</b> <em>{t(`dash.status.${c.status}`)}</em>
                  <p>{en ? c.category.en : c.category.zh} · {c.description}</p>
                  <small>{formatStamp(c.reportedAt)}</small>
                </div>
              </li>
            ))}
            {feed.data && !feed.data.cases.length && <li className="dash-empty">{t('dash.feed.empty')}</li>}
          </ul>
        </section>
      </div>
      {/* Below the map: the case map stays above the fold at 1366 × 768. */}
      <ServicesBoard board={board} wall={wall} />
      <div className="dash-grid">
        <section className="dash-panel"><h3>{t('dash.trend.daily')}</h3><Chart option={dailyOption} theme={theme} testId="chart-daily" /></section>
        <section className="dash-panel"><h3>{t('dash.trend.hourly')}</h3><Chart option={hourlyOption} theme={theme} testId="chart-hourly" /></section>
        <section className="dash-panel"><h3>{t('dash.trend.categories')}</h3><Chart option={catOption} theme={theme} height={300} testId="chart-categories" /></section>
        <SourcesPanel window={win} tick={tick} />
        {ranking(committees.data, committees.data?.level === 'subdistrict' ? t('dash.ranks.subdistrict') : t('dash.ranks.committee'))}
        {ranking(units.data, t('dash.ranks.unit'))}
      </div>
    </div>
  );
}

/**
 * Turns this browser into a wall display: this session is replaced by a read-only one without
 * idle limit (POST /api/me/wall-session), labelled so the audit log says which screen it is.
 */
function WallSetup() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return <button type="button" className="btn" data-testid="wall-setup" onClick={() => setOpen(true)}>{t('dash.wallSession.button')}</button>;
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/me/wall-session', { label: label.trim() });
      navigate('/dashboard/wall');
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <form className="dash-wall-setup" style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }} onSubmit={submit} data-testid="wall-setup-form">
      <label>
        {t('dash.wallSession.label')}{' '}
        <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={40} required placeholder={t('dash.wallSession.placeholder')} data-testid="wall-label" autoFocus />
      </label>
      <small>{t('dash.wallSession.note')}</small>
      <button type="submit" className="btn btn-primary" disabled={busy || !label.trim()} data-testid="wall-confirm">{t('dash.wallSession.confirm')}</button>
      <button type="button" className="btn" onClick={() => { setOpen(false); setError(null); }}>{t('dash.wallSession.cancel')}</button>
      {error ? <p className="alert alert-error" role="alert" data-testid="wall-error">{error}</p> : null}
    </form>
  );
}

/** Big-screen mode for the operations-centre wall. */
export function WallPage() {
  return <DashboardPage wall />;
}
