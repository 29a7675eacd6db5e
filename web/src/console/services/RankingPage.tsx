import '../../shared/i18n/services-console';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, withQuery } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { shanghaiToday } from './guide-form';
import { RANKING_DIMENSIONS, type RankingDimension, type RatingRanking } from './types';
import './services.css';
import { floorPercent } from '../../shared/percent';

/** The last `n` Shanghai calendar months, newest first ('YYYY-MM'). */
function recentMonths(today: string, n: number): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const k = y * 12 + (m - 1) - i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

const num = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/**
 * 好差评月度排名: the month's points, staff or items ranked by 好评率 (then the average level), with
 * the last ones marked and those last two months running due a talk (约谈).
 */
export function RankingPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useUrlState();
  const months = recentMonths(shanghaiToday(), 13);
  const month = params.get('month') ?? months[0]!;
  const by = (RANKING_DIMENSIONS as readonly string[]).includes(params.get('by') ?? '') ? (params.get('by') as RankingDimension) : 'point';
  const setParam = (k: string, v: string) => setParams((p) => { p.set(k, v); return p; });
  const ranking = useApi(() => api.get<RatingRanking>('/api/services/ratings/ranking', { month, by }), [month, by]);
  const data = ranking.data;
  const talks = data?.entries.filter((e) => e.talk) ?? [];
  const en = i18n.language.startsWith('en');

  return (
    <section className="yw-page" data-testid="yw-ranking-page">
      <div className="page-head">
        <h1>{t('yw.ranking.title')}</h1>
        <div className="yw-segmented">
          <a className="btn" href={withQuery('/api/services/ratings/ranking.xlsx', { month })} data-testid="yw-rank-xlsx">{t('yw.ranking.xlsx')}</a>
          <Link to="/services/ratings" className="btn">{t('yw.ranking.toRatings')}</Link>
        </div>
      </div>
      <p className="muted">{t('yw.ranking.hint', { min: data?.minRatings ?? 10 })}</p>
      <div className="filters yw-filters-end">
        <label className="field">
          <span>{t('yw.ranking.month')}</span>
          <select value={month} onChange={(e) => setParam('month', e.target.value)} data-testid="yw-rank-month">
            {(months.includes(month) ? months : [month, ...months]).map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <div className="field">
          <span>{t('yw.ranking.by')}</span>
          <div className="yw-segmented" role="group" aria-label={t('yw.ranking.by')}>
            {RANKING_DIMENSIONS.map((d) => (
              <button key={d} type="button" className={`btn${d === by ? ' btn-primary' : ''}`} aria-pressed={d === by} onClick={() => setParam('by', d)} data-testid={`yw-rank-by-${d}`}>
                {t(`yw.ranking.dims.${d}`)}
              </button>
            ))}
          </div>
        </div>
      </div>
      {ranking.error ? <p className="alert alert-error">{errorText(t, ranking.error)}</p> : null}
      {talks.length ? (
        <p className="alert alert-error" data-testid="yw-rank-talks">{t('yw.ranking.talks', { names: talks.map((e) => e.name).join('、'), previous: data?.previousMonth })}</p>
      ) : null}
      {data && !data.entries.length ? <p className="muted" data-testid="yw-rank-empty">{t('yw.ranking.empty')}</p> : null}
      {data?.entries.length ? (
        <div className="yw-ranking-scroll">
          <table className="table yw-ranking" data-testid="yw-ranking">
            <thead>
              <tr>
                <th>{t('yw.ranking.rank')}</th><th>{t(`yw.ranking.dims.${by}`)}</th><th className="num">{t('yw.ranking.ratings')}</th>
                <th className="num">{t('yw.ranking.goodRate')}</th><th className="num">{t('yw.ranking.bad')}</th><th className="num">{t('yw.ranking.badOpen')}</th>
                <th className="num">{t('yw.ranking.average')}</th>
                <th className="num">{t('yw.ratings.scores.efficiency')}</th><th className="num">{t('yw.ratings.scores.skill')}</th><th className="num">{t('yw.ratings.scores.attitude')}</th>
                <th>{t('yw.ranking.mark')}</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id} data-testid={`yw-rank-${e.id}`} data-rank={e.rank ?? ''} data-bottom={e.bottom} data-talk={e.talk}>
                  <td>{e.rank ?? <span className="muted">{t('yw.ranking.unranked')}</span>}</td>
                  <td>{en && e.nameEn ? e.nameEn : e.name}</td>
                  <td className="num">{e.ratings}</td>
                  <td className="num">{floorPercent(e.good, e.ratings)}</td>
                  <td className={`num${e.bad ? ' yw-overdue' : ''}`}>{e.bad}</td>
                  <td className={`num${e.badOpen ? ' yw-overdue' : ''}`}>{e.badOpen}</td>
                  <td className="num">{num(e.averageLevel)}</td>
                  <td className="num">{num(e.scores.efficiency)}</td>
                  <td className="num">{num(e.scores.skill)}</td>
                  <td className="num">{num(e.scores.attitude)}</td>
                  <td>
                    {e.talk ? <span className="badge badge-talk">{t('yw.ranking.talk')}</span> : e.bottom ? <span className="badge badge-bottom">{t('yw.ranking.bottom')}</span> : null}
                    {!e.talk && e.bottomLastMonth ? <small className="muted"> {t('yw.ranking.bottomBefore')}</small> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
