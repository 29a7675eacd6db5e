import '../../shared/i18n/console';
import '../../shared/i18n/enforcement';
import './site-history.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';

/** GET /api/sites/:id/history (mirrors src/domain/site-history/timeline.ts). */
type Entry =
  | { type: 'checkin'; at: string; id: string; by: string; status: string; method: string; repeats: number; flags: number; offSiteReason: string | null }
  | { type: 'missed_checkin'; at: string; id: string; window: string }
  | { type: 'inspection'; at: string; id: string; by: string; outcome: string; failed: number; checklistVersion: number; flags: number }
  | { type: 'case'; at: string; id: string; number: string; status: string; source: string; description: string }
  | { type: 'grade_change'; at: string; id: string; from: string | null; to: string; reasons: string[] }
  | { type: 'enforcement'; at: string; id: string; enforcementCaseId: string; step: string; stage: string; result: string | null };
interface History {
  site: { id: string; grade: string | null; gradeSince: string | null; lastInspectedAt: string | null; nextDueAt: string | null };
  items: Entry[];
}
const TYPES: Entry['type'][] = ['checkin', 'missed_checkin', 'inspection', 'case', 'grade_change', 'enforcement'];
const PAGE = 50;

/** One timeline per site: check-ins, missed windows, inspections, cases, enforcement steps and grade changes, newest first. */
export function SiteHistory({ siteId }: { siteId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [limit, setLimit] = useState(PAGE);
  const [type, setType] = useState<Entry['type'] | ''>('');
  const h = useApi(() => api.get<History>(`/api/sites/${encodeURIComponent(siteId)}/history`, { limit }), [siteId, limit]);
  const grade = (g: string | null) => t(`console.history.grades.${g ?? 'none'}`);

  function line(e: Entry) {
    switch (e.type) {
      case 'checkin':
        return (
          <>
            {t('console.history.checkin', { by: e.by, status: t(`console.history.checkinStatus.${e.status}`) })} · {t(`console.history.methods.${e.method}`)}
            {e.repeats > 1 ? ` · ${t('console.history.repeats', { n: e.repeats })}` : ''}
            {e.flags ? <span className="history-flag"> · {t('console.history.flags', { n: e.flags })}</span> : null}
            {e.offSiteReason ? ` · ${t('console.history.offSite', { reason: e.offSiteReason })}` : ''}
          </>
        );
      case 'missed_checkin':
        return <span className="history-flag">{t('console.history.missed', { window: e.window.replace('@', ' ') })}</span>;
      case 'inspection':
        return (
          <>
            {t('console.history.inspection', { by: e.by, outcome: t(`console.history.outcomes.${e.outcome}`), failed: e.failed, v: e.checklistVersion })}
            {e.flags ? <span className="history-flag"> · {t('console.history.flags', { n: e.flags })}</span> : null}
          </>
        );
      case 'case':
        return (
          <>
            <Link to={`/cases/${e.id}`} data-testid="history-case-link">{e.number}</Link> · {t(`cases.source.${e.source}`)} · {t(`cases.status.${e.status}`)} · {e.description}
          </>
        );
      case 'grade_change':
        return (
          <>
            {t('console.history.gradeChange', { from: grade(e.from), to: grade(e.to) })}
            {e.reasons.length ? `（${e.reasons.map((r) => t(`console.history.reasons.${r}`, { defaultValue: r })).join('、')}）` : ''}
          </>
        );
      case 'enforcement':
        return (
          <>
            <Link to={`/enforcement/${e.enforcementCaseId}`}>{t('console.history.enforcementStep', { step: t(`enforcement.steps.${e.step}`) })}</Link>
            {' · '}{t(`enforcement.stages.${e.stage}`)}{e.result ? ` · ${t('console.history.result', { result: e.result })}` : ''}
          </>
        );
    }
  }

  if (h.error) return <p className="alert alert-error">{errorText(t, h.error)}</p>;
  const items = (h.data?.items ?? []).filter((e) => !type || e.type === type);
  const s = h.data?.site;
  return (
    <section className="card site-history" data-testid="site-history">
      <div className="page-head">
        <h2>{t('console.history.title')}</h2>
        <label className="field">
          <span>{t('console.history.filter')}</span>
          <select value={type} onChange={(e) => setType(e.target.value as Entry['type'] | '')} data-testid="history-type">
            <option value="">{t('console.history.all')}</option>
            {TYPES.map((k) => <option key={k} value={k}>{t(`console.history.types.${k}`)}</option>)}
          </select>
        </label>
      </div>
      {s ? (
        <p data-testid="history-grade" data-grade={s.grade ?? ''}>
          {t('console.history.grade')}：<span className={`grade grade-${s.grade ?? 'none'}`}>{grade(s.grade)}</span>
          {s.gradeSince ? ` ${t('console.history.gradeSince', { time: formatTime(s.gradeSince, lang) })}` : ''}
          {s.lastInspectedAt ? ` · ${t('console.history.lastInspected')} ${formatTime(s.lastInspectedAt, lang)}` : ''}
          {s.nextDueAt ? ` · ${t('console.history.nextDue')} ${formatTime(s.nextDueAt, lang)}` : ''}
        </p>
      ) : null}
      <ol className="history-list" data-testid="history-list">
        {items.map((e) => (
          <li key={`${e.type}-${e.id}`} className={`history-${e.type}`} data-testid="history-entry" data-type={e.type} data-id={e.id}>
            <span className="history-when">{formatTime(e.at, lang)}</span>
            <span className="history-type">{t(`console.history.types.${e.type}`)}</span>
            <span className="history-text">{line(e)}</span>
          </li>
        ))}
      </ol>
      {h.loading ? <p className="muted">{t('common.loading')}</p> : null}
      {!h.loading && !items.length ? <p className="muted" data-testid="history-empty">{t('console.history.empty')}</p> : null}
      {!h.loading && (h.data?.items.length ?? 0) >= limit && limit < 500 ? (
        <button type="button" className="btn btn-ghost" onClick={() => setLimit((n) => Math.min(500, n + PAGE * 2))} data-testid="history-more">{t('console.history.more')}</button>
      ) : null}
    </section>
  );
}
