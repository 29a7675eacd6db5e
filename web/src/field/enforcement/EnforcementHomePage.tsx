import '../../shared/i18n/enforcement';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import type { DueTask, LadderSummary } from '../../shared/enforcement-types';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import { TopBar } from '../TopBar';
import { LoadMore } from '../../shared/LoadMore';

/** The officer's enforcement home: re-inspections the platform dispatched for today, and open ladders. */
export function EnforcementHomePage() {
  const { t, i18n } = useTranslation();
  const due = useApi(() => api.getAll<DueTask>('/api/enforcement/reinspections/due-today'), []);
  const open = useKeysetList<LadderSummary>((after) => api.get<KeysetPage<LadderSummary>>('/api/enforcement/cases', { view: 'open', limit: 100, after }), []);
  return (
    <div className="m-page">
      <TopBar title={t('enforcement.field.tile')} />
      {due.error || open.error ? <p className="alert alert-error">{errorText(t, due.error ?? open.error)}</p> : null}
      <Link to="/enforcement/new" className="m-btn m-btn-primary m-btn-block" data-testid="enf-new">{t('enforcement.field.open')}</Link>
      <h2 className="m-count">{t('enforcement.field.dueToday')} ({due.data?.items.length ?? 0})</h2>
      <ul className="m-list" data-testid="enf-due">
        {(due.data?.items ?? []).map((d) => (
          <li key={d.id}>
            <Link to={`/enforcement/${d.enforcementCaseId}`} className="m-item">
              <span className="m-item-name">{d.siteName ?? d.partyName}<small className="hint" style={{ display: 'block' }}>{d.siteAddress} · {formatTime(d.dueAt, i18n.language)}</small></span>
            </Link>
          </li>
        ))}
      </ul>
      <h2 className="m-count">{t('enforcement.field.mine')} ({open.items.length}{open.cursor ? '+' : ''})</h2>
      <ul className="m-list" data-testid="enf-open">
        {open.items.map((l) => (
          <li key={l.id}>
            <Link to={`/enforcement/${l.id}`} className="m-item">
              <span className="m-item-name">{l.siteName ?? l.partyName}<small className="hint" style={{ display: 'block' }}>{t(`enforcement.stages.${l.stage}`)}{l.deadlineAt ? ` · ${formatTime(l.deadlineAt, i18n.language)}` : ''}</small></span>
            </Link>
          </li>
        ))}
      </ul>
      <LoadMore list={open} testId="enf-open-more" className="m-btn m-btn-block" />
    </div>
  );
}
