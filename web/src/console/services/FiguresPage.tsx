import '../../shared/i18n/services-console';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { shanghaiToday } from '../../shared/dates';
import { DateInput } from '../../shared/date-input/DateInput';
import { errorText } from '../../shared/errors';
import { LoadMore } from '../../shared/LoadMore';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import type { WaitingFigure, WaitingFigures } from './types';
import { useServiceNames } from './use-service-names';
import { PointFilter } from './PointFilter';
import './services.css';

const PAGE = 200;
const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Seconds as people read a wait: "45 秒", "3 分 20 秒", "1 小时 5 分". */
export function duration(t: TFunction, s: number | null): string {
  if (s === null) return '—';
  const r = Math.round(s);
  if (r < 60) return t('yw.figures.sec', { s: r });
  if (r < 3600) return t('yw.figures.minSec', { m: Math.floor(r / 60), s: r % 60 });
  const m = Math.round(r / 60); // whole minutes first: 7170 s is 2 小时 0 分, not 1 小时 60 分
  return t('yw.figures.hourMin', { h: Math.floor(m / 60), m: m % 60 });
}

/**
 * 排队与办理时长: the queue's figures per point, item and day (GET /api/services/reports/waiting-times)
 * — a day across every point in scope, or one point across a range of days; by item on request.
 * How long people wait and how long a service takes, so "half an hour in the lunch break" and
 * "three minutes at the terminal" are read off, not guessed.
 */
export function FiguresPage() {
  const { t } = useTranslation();
  const [params, setParams] = useUrlState();
  const names = useServiceNames();
  const today = shanghaiToday();
  const pointId = params.get('point') ?? '';
  const byItem = params.get('items') === '1';
  // All points: one day (default today). One point: a range of days (default the last 7).
  const day = params.get('day') ?? today;
  const to = params.get('to') ?? today;
  const from = params.get('from') ?? addDays(to, -6);
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const range = pointId ? { from, to: to >= from ? to : from } : { from: day, to: day };
  const list = useKeysetList<WaitingFigure>(
    async (after) => {
      const r = await api.get<WaitingFigures>('/api/services/reports/waiting-times', { ...range, pointId: pointId || undefined, limit: PAGE, after });
      return { items: byItem ? r.byItem : r.byPoint, nextCursor: r.nextCursor };
    },
    [pointId, byItem, range.from, range.to],
  );
  // One point's days newest first; a day's points by name.
  const rows = pointId
    ? [...list.items].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0))
    : [...list.items].sort((a, b) => names.pointName(a.pointId).localeCompare(names.pointName(b.pointId), 'zh-CN'));

  return (
    <section className="yw-page" data-testid="yw-figures-page">
      <div className="page-head"><h1>{t('yw.figures.title')}</h1></div>
      <p className="muted">{t('yw.figures.hint')}</p>
      <div className="filters yw-filters-end">
        <PointFilter value={pointId} points={names.points} onChange={(v) => setParam('point', v)} testId="yw-fig-point" />
        {pointId ? (
          <>
            <label className="field"><span>{t('yw.ratings.from')}</span><DateInput value={from} onChange={(v) => setParam('from', v || null)} data-testid="yw-fig-from" /></label>
            <label className="field"><span>{t('yw.ratings.to')}</span><DateInput value={to} onChange={(v) => setParam('to', v || null)} data-testid="yw-fig-to" /></label>
          </>
        ) : (
          <label className="field"><span>{t('yw.figures.day')}</span><DateInput value={day} onChange={(v) => setParam('day', v || null)} data-testid="yw-fig-day" /></label>
        )}
        <label><input type="checkbox" checked={byItem} onChange={(e) => setParam('items', e.target.checked ? '1' : null)} data-testid="yw-fig-by-item" /> {t('yw.figures.byItem')}</label>
      </div>
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {!list.loading && !list.error && !rows.length ? <p className="muted" data-testid="yw-fig-empty">{t('yw.figures.empty')}</p> : null}
      {rows.length ? (
        <div className="yw-ranking-scroll">
          <table className="table yw-ranking" data-testid="yw-figures">
            <thead>
              <tr>
                <th>{pointId ? t('yw.figures.dayCol') : t('yw.ratings.point')}</th>
                {byItem ? <th>{t('yw.figures.item')}</th> : null}
                <th className="num">{t('yw.figures.tickets')}</th><th className="num">{t('yw.figures.served')}</th><th className="num">{t('yw.figures.skipped')}</th>
                <th className="num">{t('yw.figures.waitMedian')}</th><th className="num">{t('yw.figures.waitP90')}</th>
                <th className="num">{t('yw.figures.serviceMedian')}</th><th className="num">{t('yw.figures.serviceP90')}</th>
                <th className="num">{t('yw.figures.appointments')}</th><th className="num">{t('yw.figures.checkedIn')}</th><th className="num">{t('yw.figures.noShows')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.pointId}/${r.itemId ?? ''}/${r.day}`} data-testid={`yw-fig-${r.pointId}-${r.day}${r.itemId ? `-${r.itemId}` : ''}`}>
                  <td>{pointId ? r.day : names.pointName(r.pointId)}</td>
                  {byItem ? <td>{r.itemId ? names.itemName(r.itemId) : ''}</td> : null}
                  <td className="num">{r.tickets}{r.walkIns && r.walkIns !== r.tickets ? <small className="muted"> ({t('yw.figures.walkIns', { n: r.walkIns })})</small> : null}</td>
                  <td className="num">{r.served}{r.selfService ? <small className="muted"> ({t('yw.figures.selfService', { n: r.selfService })})</small> : null}</td>
                  <td className="num">{r.skipped}</td>
                  <td className="num" data-testid="wait-median">{duration(t, r.waitMedianS)}</td>
                  <td className="num">{duration(t, r.waitP90S)}</td>
                  <td className="num" data-testid="service-median">{duration(t, r.serviceMedianS)}</td>
                  <td className="num">{duration(t, r.serviceP90S)}</td>
                  <td className="num">{r.appointments}{r.cancelled ? <small className="muted"> ({t('yw.figures.cancelled', { n: r.cancelled })})</small> : null}</td>
                  <td className="num">{r.checkedIn}</td>
                  <td className={`num${r.noShows ? ' yw-overdue' : ''}`}>{r.noShows}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore list={list} testId="yw-fig-more" />
      <p className="muted yw-note">{t('yw.figures.definitions')}</p>
    </section>
  );
}
