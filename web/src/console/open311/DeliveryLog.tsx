import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import { type Delivery, DELIVERY_STATUSES, type DeliveryStatus } from './types';
import { LoadMore } from '../../shared/LoadMore';

/** One key's webhook deliveries, newest first, filtered by state; a failed one can be sent again (audited). */
export function DeliveryLog({ keyId, name, live }: { keyId: string; name: string; live: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<DeliveryStatus | ''>('');
  const [info, setInfo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = useKeysetList<Delivery>(
    (after) => api.get<KeysetPage<Delivery>>(`/api/open311/keys/${encodeURIComponent(keyId)}/deliveries`, { status: state || undefined, limit: 100, after }),
    [keyId, state],
  );

  async function retry(id: string) {
    setInfo('');
    setError(null);
    try {
      await api.post(`/api/open311/keys/${encodeURIComponent(keyId)}/deliveries/${encodeURIComponent(id)}/retry`);
      setInfo(t('o311.log.retried'));
      list.reload();
    } catch (e) {
      setError(e);
    }
  }
  const items = list.items;
  return (
    <div className="card o311-log stack-gap" data-testid="o311-deliveries" data-key-id={keyId}>
      <h3>{t('o311.log.title', { name })}</h3>
      <div className="filters">
        <label className="field">
          <span>{t('o311.log.state')}</span>
          <select value={state} onChange={(e) => setState(e.target.value as DeliveryStatus | '')} data-testid="o311-delivery-state">
            <option value="">{t('o311.log.any')}</option>
            {DELIVERY_STATUSES.map((s) => <option key={s} value={s}>{t(`o311.log.states.${s}`)}</option>)}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={list.reload} data-testid="o311-delivery-refresh">{t('o311.log.refresh')}</button>
      </div>
      {info ? <p className="alert alert-ok" data-testid="o311-delivery-info">{info}</p> : null}
      {error || list.error ? <p className="alert alert-error">{errorText(t, error ?? list.error)}</p> : null}
      <div className="o311-table-wrap">
        <table className="table" data-testid="o311-delivery-table">
          <thead>
            <tr>
              <th>{t('o311.log.createdAt')}</th><th>{t('o311.log.request')}</th><th>{t('o311.log.event')}</th><th>{t('o311.log.state')}</th>
              <th>{t('o311.log.attempts')}</th><th>{t('o311.log.code')}</th><th>{t('o311.log.error')}</th><th>{t('o311.log.next')}</th>
              <th>{t('o311.log.sent')}</th><th>{t('o311.log.delivery')}</th><th />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="o311-delivery-row" data-id={d.id} data-status={d.status}>
                <td>{formatStamp(d.createdAt)}</td>
                <td data-col="request">{d.serviceRequestId}</td>
                <td data-col="event" title={d.eventDescription}>{t(`o311.updateStatus.${d.eventStatus}`, { defaultValue: d.eventStatus })}</td>
                <td data-col="state">{t(`o311.log.states.${d.status}`)}</td>
                <td data-col="attempts">{d.attempts}</td>
                <td data-col="code">{d.responseCode ?? ''}</td>
                <td className="error-cell" data-col="error">{d.lastError ?? ''}</td>
                <td>{formatStamp(d.nextAttemptAt)}</td>
                <td data-col="sent">{formatStamp(d.sentAt)}</td>
                <td><code>{d.id}</code></td>
                <td>
                  {d.status === 'failed' && live ? (
                    <button type="button" className="btn btn-small" onClick={() => void retry(d.id)} data-testid="o311-delivery-retry">{t('o311.log.retry')}</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore list={list} testId="o311-delivery-more" className="btn btn-small" />
      {!list.loading && !list.error && !items.length ? <p className="muted" data-testid="o311-delivery-empty">{t('o311.log.empty')}</p> : null}
    </div>
  );
}
