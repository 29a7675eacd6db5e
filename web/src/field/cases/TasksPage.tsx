import '../../shared/i18n/cases';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { type CaseListItem, type CasePage, label } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useKeysetList } from '../../shared/use-keyset-list';
import { TopBar } from '../TopBar';
import { LoadMore } from '../../shared/LoadMore';

/** My tasks: cases waiting on me or my unit (to handle) and handled cases I reported (to check). */
export function TasksPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const r = useKeysetList<CaseListItem, CasePage>((after) => api.get<CasePage>('/api/me/tasks', { limit: 100, after }), []);
  const items = r.items;
  const groups = [
    { key: 'toHandle', list: items.filter((c) => c.status === 'dispatched') },
    { key: 'toCheck', list: items.filter((c) => c.status === 'handled') },
  ];
  return (
    <div className="m-page">
      <TopBar title={t('cases.field.tasks')} />
      {r.error ? <p className="field-error">{errorText(t, r.error)}</p> : null}
      {!r.loading && !r.error && !items.length ? <p className="m-note" data-testid="tasks-empty">{t('cases.field.empty')}</p> : null}
      {groups.filter((g) => g.list.length).map((g) => (
        <section key={g.key}>
          <h2>{t(`cases.field.${g.key}`)}</h2>
          <ul className="m-list" data-testid={`tasks-${g.key}`}>
            {g.list.map((c) => (
              <li key={c.id}>
                <Link className="m-item" to={`/cases/${c.id}`} data-case-id={c.id} data-number={c.number}>
                  <strong>{c.number} · {lang === 'en' ? c.categoryNameEn : c.categoryNameZh}</strong>
                  <small>{c.siteName ?? c.committeeName} · {label(c.statusLabel, lang)}</small>
                  <small className={c.overdueAt ? 'field-error' : 'hint'}>{formatTime(c.stageDueAt, lang)}</small>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <LoadMore list={r} testId="tasks-more" className="m-btn m-btn-block" />
    </div>
  );
}
