import '../../shared/i18n/enforcement';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth } from '../../shared/auth';
import type { DueTask, EnforcementCounts, LadderSummary, Stage } from '../../shared/enforcement-types';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import { VerifyBox } from './VerifyBox';
import { LoadMore } from '../../shared/LoadMore';

const STAGES: Stage[] = ['opened', 'ordered', 'order_failed', 'noticed', 'notice_failed', 'decided', 'closed'];

/** The enforcement desk: re-inspections due today, overdue fines, penalty decisions not served in time, and ladders by stage. */
export function DeskPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.language;
  const [stage, setStage] = useState<Stage | ''>('');
  const due = useApi(() => api.getAll<DueTask>('/api/enforcement/reinspections/due-today'), []);
  const overdue = useKeysetList<LadderSummary>((after) => api.get<KeysetPage<LadderSummary>>('/api/enforcement/cases', { view: 'overdue_fines', limit: 50, after }), []);
  // Penalty decisions the party was absent for and not served within their seven days (行政处罚法 art. 61).
  const unserved = useKeysetList<LadderSummary>((after) => api.get<KeysetPage<LadderSummary>>('/api/enforcement/cases', { view: 'overdue_service', limit: 50, after }), []);
  // The desk's figures (their open-now part: the period is this month so far); the badges count
  // the whole of each list, not only its first page.
  const counts = useApi(() => {
    const now = new Date();
    return api.get<EnforcementCounts>('/api/enforcement/counts', { from: new Date(now.getFullYear(), now.getMonth(), 1).toISOString(), to: now.toISOString() });
  }, []);
  const ladders = useKeysetList<LadderSummary>(
    (after) => api.get<KeysetPage<LadderSummary>>('/api/enforcement/cases', { view: stage ? 'all' : 'open', stage: stage || undefined, limit: 100, after }),
    [stage],
  );
  const err = due.error ?? overdue.error ?? unserved.error ?? ladders.error;
  return (
    <section className="enforcement-desk">
      <div className="page-head">
        <h1>{t('enforcement.desk.title')}</h1>
        {can('enforcement.act') ? <Link to="/enforcement/new" className="btn" data-testid="enf-open-from-case">{t('enforcement.open.title')}</Link> : null}
      </div>
      {err ? <p className="alert alert-error">{errorText(t, err)}</p> : null}
      <div className="detail-grid">
        <div className="card">
          <h2>{t('enforcement.desk.dueToday')} <span className="badge" data-testid="due-count">{due.data?.items.length ?? 0}</span></h2>
          {due.data && !due.data.items.length ? <p className="muted">{t('enforcement.desk.empty')}</p> : null}
          <ul data-testid="due-list">
            {(due.data?.items ?? []).map((d) => (
              <li key={d.id}>
                <Link to={`/enforcement/${d.enforcementCaseId}`}>{d.siteName ?? d.partyName}</Link> · {t(`enforcement.stages.${d.stage}`)} ·{' '}
                <span className={d.overdue ? 'field-error' : ''}>{t('enforcement.col.due')} {formatTime(d.dueAt, lang)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <h2>{t('enforcement.desk.overdueFines')} <span className="badge" data-testid="overdue-count">{counts.data?.overdueFines ?? `${overdue.items.length}${overdue.cursor ? '+' : ''}`}</span></h2>
          {!overdue.loading && !overdue.error && !overdue.items.length ? <p className="muted">{t('enforcement.desk.empty')}</p> : null}
          <ul>
            {overdue.items.map((l) => (
              <li key={l.id}>
                <Link to={`/enforcement/${l.id}`}>{l.partyName}</Link> · {t('enforcement.amount', { amount: l.fineAmount })} · {t('enforcement.col.paymentDue')} {formatTime(l.paymentDueAt, lang)}
              </li>
            ))}
          </ul>
          <LoadMore list={overdue} testId="overdue-more" />
        </div>
        <div className="card">
          <h2>{t('enforcement.desk.overdueService')} <span className="badge" data-testid="unserved-count">{counts.data?.overdueService ?? `${unserved.items.length}${unserved.cursor ? '+' : ''}`}</span></h2>
          {!unserved.loading && !unserved.error && !unserved.items.length ? <p className="muted">{t('enforcement.desk.empty')}</p> : null}
          <ul data-testid="unserved-list">
            {unserved.items.map((l) => (
              <li key={l.id}>
                <Link to={`/enforcement/${l.id}`}>{l.partyName}</Link> · {l.caseNumber} · <span className="field-error">{t('enforcement.service.dueCol')} {formatTime(l.serviceDueAt, lang)}</span>
              </li>
            ))}
          </ul>
          <LoadMore list={unserved} testId="unserved-more" />
        </div>
        <VerifyBox />
      </div>
      <h2>{t('enforcement.desk.ladders')}</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>{t('enforcement.desk.stage')}</span>
          <select value={stage} onChange={(e) => setStage(e.target.value as Stage | '')} data-testid="stage-filter">
            <option value="">{t('enforcement.desk.all')}</option>
            {STAGES.map((s) => <option key={s} value={s}>{t(`enforcement.stages.${s}`)}</option>)}
          </select>
        </label>
      </form>
      <table className="table" data-testid="ladder-table">
        <thead>
          <tr>
            <th>{t('enforcement.col.subject')}</th><th>{t('enforcement.col.site')}</th><th>{t('enforcement.desk.stage')}</th>
            <th>{t('enforcement.col.deadline')}</th><th>{t('enforcement.col.fine')}</th><th>{t('enforcement.col.caseNo')}</th><th>{t('enforcement.col.opened')}</th>
          </tr>
        </thead>
        <tbody>
          {ladders.items.map((l) => (
            <tr key={l.id} data-id={l.id}>
              <td>
                <Link to={`/enforcement/${l.id}`}>{l.partyName}</Link>
                {l.priorViolations > 0 ? <Link to={`/enforcement/subjects/${l.partyId}`} className="badge badge-retired" data-testid="repeat-badge"> {t('enforcement.history.repeat', { n: l.priorViolations })}</Link> : null}
              </td>
              <td>{l.siteName}<br /><small className="muted">{l.siteAddress}</small></td>
              <td>{t(`enforcement.stages.${l.stage}`)}{l.outcome ? ` · ${t(`enforcement.outcome.${l.outcome}`)}` : ''}</td>
              <td>{formatTime(l.deadlineAt, lang)}</td>
              <td>{l.fineAmount ?? ''}</td>
              <td>{l.caseNumber}</td>
              <td>{formatTime(l.openedAt, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!ladders.loading && !ladders.error && !ladders.items.length ? <p className="muted">{t('enforcement.desk.empty')}</p> : null}
      <LoadMore list={ladders} testId="ladders-more" />
    </section>
  );
}
