import '../../shared/i18n/services-console';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import { RECORD_STATUSES, type ServiceRecord } from './types';
import { useServiceNames } from './use-service-names';
import './services.css';
import { LoadMore } from '../../shared/LoadMore';

const PAGE = 200;

/** 办件: the records of the points in scope, filtered by point, item, status and overdue; ID numbers masked. */
export function RecordsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useUrlState();
  const pointId = params.get('point') ?? '';
  const itemId = params.get('item') ?? '';
  const status = params.get('status') ?? '';
  const overdue = params.get('overdue') === '1';
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const names = useServiceNames();
  const { items, cursor, loading, error, loadMore } = useKeysetList<ServiceRecord>(
    (after) => api.get('/api/services/records', {
      pointId: pointId || undefined, itemId: itemId || undefined, status: status || undefined, overdue: overdue ? 'true' : undefined, limit: PAGE, after,
    }),
    [pointId, itemId, status, overdue],
  );

  return (
    <section className="yw-page" data-testid="yw-records-page">
      <div className="page-head"><h1>{t('yw.records.title')}</h1></div>
      <p className="muted">{t('yw.records.hint')}</p>
      <div className="filters">
        <select value={pointId} onChange={(e) => setParam('point', e.target.value || null)} data-testid="yw-rec-point" aria-label={t('yw.records.point')}>
          <option value="">{t('yw.records.allPoints')}</option>
          {names.points.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <select value={itemId} onChange={(e) => setParam('item', e.target.value || null)} data-testid="yw-rec-item" aria-label={t('yw.records.item')}>
          <option value="">{t('yw.records.allItems')}</option>
          {names.items.map((i) => <option key={i.id} value={i.id}>{names.itemName(i.id)}</option>)}
        </select>
        <select value={status} onChange={(e) => setParam('status', e.target.value || null)} data-testid="yw-rec-status" aria-label={t('yw.records.status')}>
          <option value="">{t('yw.records.allStatuses')}</option>
          {RECORD_STATUSES.map((s) => <option key={s} value={s}>{t(`yw.records.statuses.${s}`)}</option>)}
        </select>
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setParam('overdue', e.target.checked ? '1' : null)} data-testid="yw-rec-overdue" /> {t('yw.records.overdueOnly')}
        </label>
      </div>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      <p className="muted" data-testid="yw-rec-count">
        {loading && !items.length ? t('common.loading') : cursor ? t('yw.records.shownMore', { count: items.length }) : t('common.total', { count: items.length })}
      </p>
      {!loading && !error && !items.length ? <p className="muted">{t('yw.records.empty')}</p> : null}
      {items.length ? (
        <table className="table" data-testid="yw-records">
          <thead>
            <tr>
              <th>{t('yw.records.number')}</th><th>{t('yw.records.item')}</th><th>{t('yw.records.point')}</th><th>{t('yw.records.applicant')}</th>
              <th>{t('yw.records.status')}</th><th>{t('yw.records.acceptedAt')}</th><th>{t('yw.records.dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid={`yw-record-${r.number}`}>
                <td><Link to={`/services/records/${r.id}`}>{r.number}</Link></td>
                <td>{names.itemName(r.itemId)}</td>
                <td>{names.pointName(r.pointId)}</td>
                <td>{r.applicant.name} <small className="muted">{r.applicant.idNumber}</small></td>
                <td>{t(`yw.records.statuses.${r.status}`)}</td>
                <td>{formatStamp(r.acceptedAt)}</td>
                <td>{formatStamp(r.dueAt)} {r.overdue ? <span className="yw-overdue">{t('yw.records.overdue')}</span> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={{ cursor, loading, loadMore }} testId="yw-rec-more" />
    </section>
  );
}
