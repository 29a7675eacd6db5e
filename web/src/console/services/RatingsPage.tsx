import '../../shared/i18n/services-console';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { floorPercent } from '../../shared/percent';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import { FollowupPanel } from './FollowupPanel';
import { shanghaiToday } from './guide-form';
import { ServiceSettingsPanel } from './ServiceSettingsPanel';
import { isBadRating, type Rating, type RatingKpi } from './types';
import { useServiceNames } from './use-service-names';
import { PointFilter } from './PointFilter';
import './services.css';
import { DateInput } from '../../shared/date-input/DateInput';
import { LoadMore } from '../../shared/LoadMore';

/** A Shanghai calendar day's start as an instant with its offset (the API's from/to). */
const PAGE = 200;
const dayStart = (day: string) => `${day}T00:00:00+08:00`;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const monthEnd = (day: string) => {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

function followupState(r: Rating): 'waiting_callback' | 'waiting_resolution' | 'resolved' | 'closed' {
  if (r.caseStatus === 'closed' || r.caseStatus === 'cancelled') return 'closed';
  if (r.resolution) return 'resolved';
  if (r.callbackAt) return 'waiting_resolution';
  return 'waiting_callback';
}

/** 好差评: the KPI (named 差评 followed up on time, target 100 %), the ratings, and a 差评's follow-up. */
export function RatingsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useUrlState();
  const today = shanghaiToday();
  const from = params.get('from') ?? `${today.slice(0, 7)}-01`;
  // The KPI counts 差评 whose deadline falls in the period: by default the whole current month.
  const to = params.get('to') ?? monthEnd(today);
  const badOnly = params.get('bad') === '1';
  const pointId = params.get('point') ?? '';
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const [selected, setSelected] = useState<string | null>(null);
  const names = useServiceNames();
  const range = { from: dayStart(from), to: dayStart(nextDay(to >= from ? to : from)) };
  const kpi = useApi(() => api.get<RatingKpi>('/api/services/ratings/kpi', range), [from, to]);
  const ratings = useKeysetList<Rating>(
    (after) => api.get('/api/services/ratings', { ...range, bad: badOnly ? 'true' : undefined, pointId: pointId || undefined, limit: PAGE, after }),
    [from, to, badOnly, pointId],
  );
  const items = ratings.items;
  const chosen = items.find((r) => r.id === selected) ?? null;
  const reload = () => { kpi.reload(); ratings.reload(); };
  const pct = kpi.data ? floorPercent(kpi.data.onTime, kpi.data.due) : '—';

  return (
    <section className="yw-page" data-testid="yw-ratings-page">
      <div className="page-head">
        <h1>{t('yw.ratings.title')}</h1>
        {can('services.ratings.ranking') ? <Link to="/services/ranking" className="btn" data-testid="yw-rat-ranking">{t('yw.ranking.title')}</Link> : null}
      </div>
      <p className="muted">{t('yw.ratings.hint')}</p>
      <div className="filters yw-filters-end">
        <label className="field"><span>{t('yw.ratings.from')}</span><DateInput value={from} onChange={(v) => setParam('from', v || null)} data-testid="yw-rat-from" /></label>
        <label className="field"><span>{t('yw.ratings.to')}</span><DateInput value={to} onChange={(v) => setParam('to', v || null)} data-testid="yw-rat-to" /></label>
        <PointFilter value={pointId} points={names.points} onChange={(v) => setParam('point', v)} testId="yw-rat-point" />
        <label><input type="checkbox" checked={badOnly} onChange={(e) => setParam('bad', e.target.checked ? '1' : null)} data-testid="yw-rat-bad" /> {t('yw.ratings.badOnly')}</label>
      </div>
      <div className="yw-kpis">
        <div className={`card yw-kpi${kpi.data && kpi.data.rate !== null && kpi.data.rate < 1 ? ' bad' : ''}`} data-testid="yw-rat-kpi">
          <span>{t('yw.ratings.kpi')}</span>
          <strong data-testid="yw-rat-kpi-rate">{pct}</strong>
          <small className="muted">{kpi.data ? t('yw.ratings.kpiOf', { due: kpi.data.due, onTime: kpi.data.onTime }) : ''} · {t('yw.ratings.target')}</small>
        </div>
        <div className="card yw-kpi" data-testid="yw-rat-open">
          <span>{t('yw.ratings.open', { n: kpi.data?.open ?? 0 })}</span>
        </div>
      </div>
      {kpi.error ? <p className="alert alert-error">{errorText(t, kpi.error)}</p> : null}
      {ratings.error ? <p className="alert alert-error">{errorText(t, ratings.error)}</p> : null}
      <div className="yw-split">
        <div className="yw-list">
          {!ratings.loading && !ratings.error && !items.length ? <p className="muted">{t('yw.ratings.empty')}</p> : null}
          {items.length ? (
            <table className="table" data-testid="yw-ratings">
              <thead>
                <tr><th>{t('yw.ratings.ratedAt')}</th><th>{t('yw.ratings.level')}</th><th>{t('yw.ratings.point')}</th><th>{t('yw.ratings.stateLabel')}</th></tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id} className={r.id === selected ? 'selected' : undefined} data-testid={`yw-rating-${r.recordId ?? r.id}`} data-bad={isBadRating(r.level)}>
                    {/* The date and the time each kept whole: a narrow column breaks between them, never inside "2026-12-03". */}
                    <td data-testid="yw-rating-at">{formatStamp(r.ratedAt).split(' ').map((part, i) => <Fragment key={i}>{i ? ' ' : null}<span className="yw-nowrap">{part}</span></Fragment>)}</td>
                    <td className={isBadRating(r.level) ? 'yw-overdue' : undefined}>
                      {'★'.repeat(r.level)} {t(`yw.ratings.levels.l${r.level}`)} {r.named ? '' : <small className="muted">{t('yw.ratings.anonymous')}</small>}
                      {r.comment ? <div className="muted">{r.comment}</div> : null}
                    </td>
                    <td>{names.pointName(r.pointId)}<div className="muted">{names.itemName(r.itemId)}</div></td>
                    <td>
                      {r.voidedAt ? t('yw.ratings.voided') : isBadRating(r.level) ? (
                        <button type="button" className="btn btn-small" onClick={() => setSelected(r.id)} data-testid={`yw-rating-open-${r.recordId ?? r.id}`}>
                          {t(`yw.ratings.states.${followupState(r)}`)}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <LoadMore list={ratings} testId="yw-rat-more" />
        </div>
        <div>
          {chosen && isBadRating(chosen.level) ? <FollowupPanel key={chosen.id} rating={chosen} onChanged={reload} />
            : items.some((r) => isBadRating(r.level) && !r.voidedAt) ? <p className="card yw-panel muted" data-testid="yw-followup-none">{t('yw.ratings.chooseBad')}</p> : null}
        </div>
      </div>
      {can('services.settings') ? <ServiceSettingsPanel /> : null}
    </section>
  );
}
