import '../../shared/i18n/services-console';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import { TERMINAL_LIST_STATES, type TerminalPage, type TerminalStatus } from './types';
import './services.css';
import { LoadMore } from '../../shared/LoadMore';

const PAGE = 200;

/**
 * 自助终端: the self-service terminals and zones in scope with their health (down ones first), the
 * maintenance case of an open outage, and — for administrators — the device token a terminal
 * signs its heartbeats with (issued or replaced here, shown once).
 */
export function TerminalsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useUrlState();
  const state = params.get('state') ?? '';
  const [totals, setTotals] = useState<TerminalPage['totals'] | null>(null);
  const [issued, setIssued] = useState<{ code: string; token: string } | null>(null);
  const { items, cursor, loading, error, setError, reload, loadMore } = useKeysetList<TerminalStatus, TerminalPage>(
    (after) => api.get<TerminalPage>('/api/services/terminals', { state: state || undefined, limit: PAGE, after }),
    [state],
    (page) => setTotals(page.totals),
  );

  async function issue(tm: TerminalStatus) {
    if (tm.tokenIssuedAt && !window.confirm(t('yw.terminals.replaceConfirm', { code: tm.code }))) return;
    setError(null);
    setIssued(null);
    try {
      const r = await api.post<{ token: string }>(`/api/services/points/${encodeURIComponent(tm.pointId)}/terminal-token`);
      setIssued({ code: tm.code, token: r.token });
      reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="yw-page" data-testid="yw-terminals-page">
      <div className="page-head">
        <h1>{t('yw.terminals.title')}</h1>
      </div>
      <p className="muted">{t('yw.terminals.hint')}</p>
      <div className="filters">
        <select
          value={state} aria-label={t('yw.terminals.state')} data-testid="yw-term-state"
          onChange={(e) => setParams((p) => { if (e.target.value) p.set('state', e.target.value); else p.delete('state'); return p; })}
        >
          <option value="">{t('yw.terminals.allStates')}</option>
          {TERMINAL_LIST_STATES.map((s) => <option key={s} value={s}>{t(`yw.terminals.states.${s}`)}</option>)}
        </select>
      </div>
      {totals ? <p data-testid="yw-term-totals">{t('yw.terminals.totals', totals)}</p> : null}
      {issued ? (
        <div className="alert alert-ok" data-testid="yw-term-token-box">
          <p>{t('yw.terminals.issued', { code: issued.code })}</p>
          <code data-testid="yw-term-token">{issued.token}</code>{' '}
          <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(issued.token)}>{t('yw.terminals.copy')}</button>
        </div>
      ) : null}
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {!loading && !items.length && !error ? <p className="muted">{t('yw.terminals.empty')}</p> : null}
      {items.length ? (
        <table className="table" data-testid="yw-terminals">
          <thead>
            <tr>
              <th>{t('yw.terminals.name')}</th><th>{t('yw.terminals.state')}</th><th>{t('yw.terminals.lastSeen')}</th>
              <th>{t('yw.terminals.fault')}</th><th>{t('yw.terminals.case')}</th>{can('services.network.write') ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((tm) => (
              <tr key={tm.pointId} data-testid={`yw-term-${tm.code}`} data-state={tm.state}>
                <td>{tm.name} <small className="muted">{tm.code} · {t(`yw.kinds.${tm.kind}`)}</small></td>
                <td>
                  <span className={`badge ${tm.state === 'up' ? 'badge-ok' : tm.state === 'down' ? 'badge-warn' : ''}`} data-col="state">
                    {tm.state === 'down' && tm.downReason ? t(`yw.terminals.down.${tm.downReason}`) : t(`yw.terminals.states.${tm.state}`)}
                  </span>
                  {tm.downSince ? <small className="muted"> {t('yw.terminals.since', { at: formatTime(tm.downSince) })}</small> : null}
                </td>
                <td>{tm.lastSeenAt ? formatTime(tm.lastSeenAt) : '—'}{tm.appVersion ? <small className="muted"> v{tm.appVersion}</small> : null}</td>
                <td data-col="fault">{tm.faultCode && tm.state === 'down' ? `${tm.faultCode} ${tm.faultText ?? ''}` : '—'}</td>
                <td>{tm.openCase ? <Link to={`/cases/${tm.openCase.id}`} data-testid="yw-term-case">{tm.openCase.number}</Link> : '—'}</td>
                {can('services.network.write') ? (
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => void issue(tm)} data-testid="yw-term-issue">
                      {tm.tokenIssuedAt ? t('yw.terminals.replace') : t('yw.terminals.issue')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={{ cursor, loading, loadMore }} testId="yw-term-more" />
      {loading ? <p className="muted">{t('common.loading')}</p> : null}
    </section>
  );
}
