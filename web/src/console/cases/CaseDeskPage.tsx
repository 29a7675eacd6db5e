import '../../shared/i18n/cases';
import '../../shared/i18n/console';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { CASE_SOURCES, CASE_STATUSES, type CaseListItem, type CasePage, type CaseQueue, type CategoryNode, DESK_QUEUES, label } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import { BulkDispatch, type BulkResult } from './BulkDispatch';
import './cases.css';
import { DateInput } from '../../shared/date-input/DateInput';

type Counts = Record<string, { count: number; capped: boolean }>;

const flatCategories = (tree: CategoryNode[]) => {
  const out: { id: string; depth: number; node: CategoryNode }[] = [];
  const walk = (n: CategoryNode, depth: number) => {
    out.push({ id: n.id, depth, node: n });
    n.children.forEach((c) => walk(c, depth + 1));
  };
  tree.forEach((n) => walk(n, 0));
  return out;
};

/** Shanghai calendar date (yyyy-mm-dd) → the UTC instant of its midnight. */
const shanghaiMidnight = (d: string, plusDays = 0) => {
  const t = new Date(`${d}T00:00:00+08:00`).getTime() + plusDays * 86_400_000;
  return new Date(t).toISOString();
};

/** The case desk: queues with counts, filters and search, keyset "load more", bulk dispatch. */
export function CaseDeskPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { places } = useMe();
  const { me } = useAuth();
  const isDesk = me?.user.role === 'operator' || me?.user.role === 'admin';
  const [params, setParams] = useUrlState();
  const queue = (params.get('queue') as CaseQueue) || (isDesk ? 'to_file' : 'all');
  const f = {
    committeeId: params.get('committeeId') ?? '',
    categoryId: params.get('categoryId') ?? '',
    source: params.get('source') ?? '',
    status: params.get('status') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    q: params.get('q') ?? '',
  };
  const [search, setSearch] = useState(f.q);
  const set = (k: string, v: string) =>
    setParams((p) => {
      const n = new URLSearchParams(p);
      if (v) n.set(k, v);
      else n.delete(k);
      return n;
    });
  const counts = useApi(() => api.get<Counts>('/api/cases/queues'), []);
  const catalogue = useApi(() => api.get<{ items: CategoryNode[] }>('/api/catalogue'), []);
  const query = {
    queue,
    committeeId: f.committeeId || undefined,
    categoryId: f.categoryId || undefined,
    source: f.source || undefined,
    status: f.status || undefined,
    from: f.from ? shanghaiMidnight(f.from) : undefined,
    to: f.to ? shanghaiMidnight(f.to, 1) : undefined,
    q: f.q || undefined,
  };
  const key = JSON.stringify(query);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [tick, setTick] = useState(0);
  const [bulkResult, setBulkResult] = useState<BulkResult | null>(null);
  const { items, cursor, loading, error, loadMore } = useKeysetList<CaseListItem>(
    (after) => api.get<CasePage>('/api/cases', { ...query, after, limit: 50 }),
    [key, tick],
  );
  useEffect(() => setSelected(new Set()), [key, tick]);
  useEffect(() => setBulkResult(null), [key]);

  const selectable = (c: CaseListItem) => isDesk && c.status === 'filed';
  const toggle = (id: string) => {
    setBulkResult(null);
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  };
  const count = (q: CaseQueue) => {
    const c = counts.data?.[q];
    return c ? `${c.count}${c.capped ? '+' : ''}` : '';
  };

  return (
    <section className="case-desk">
      <div className="page-head">
        <h1>{t('cases.desk.title')}</h1>
        {isDesk ? <Link className="btn btn-primary" to="/cases/new" data-testid="new-case">+ {t('console.newCase.open')}</Link> : null}
      </div>
      <nav className="case-queues" data-testid="case-queues">
        {DESK_QUEUES.map((q) => (
          <button key={q} type="button" className={`btn ${q === queue ? '' : 'btn-ghost'}`} aria-pressed={q === queue} data-testid={`queue-${q}`} onClick={() => set('queue', q)}>
            {t(`cases.queues.${q}`)} {q !== 'all' ? <span className="badge" data-testid={`count-${q}`}>{count(q)}</span> : null}
          </button>
        ))}
      </nav>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', search.trim());
        }}
      >
        <label className="field">
          <span>{t('cases.filter.committee')}</span>
          <select value={f.committeeId} onChange={(e) => set('committeeId', e.target.value)} data-testid="filter-committee">
            <option value="">{t('cases.filter.any')}</option>
            {places.committees.map((c) => <option key={c.id} value={c.id}>{lang === 'en' ? c.nameEn : c.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('cases.filter.category')}</span>
          <select value={f.categoryId} onChange={(e) => set('categoryId', e.target.value)} data-testid="filter-category">
            <option value="">{t('cases.filter.any')}</option>
            {flatCategories(catalogue.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>{'\u3000'.repeat(c.depth)}{lang === 'en' ? c.node.nameEn : c.node.nameZh}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('cases.filter.source')}</span>
          <select value={f.source} onChange={(e) => set('source', e.target.value)} data-testid="filter-source">
            <option value="">{t('cases.filter.any')}</option>
            {CASE_SOURCES.map((s) => <option key={s} value={s}>{t(`cases.source.${s}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('cases.filter.status')}</span>
          <select value={f.status} onChange={(e) => set('status', e.target.value)} data-testid="filter-status">
            <option value="">{t('cases.filter.any')}</option>
            {CASE_STATUSES.map((s) => <option key={s} value={s}>{t(`cases.status.${s}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('cases.filter.from')}</span>
          <DateInput value={f.from} onChange={(v) => set('from', v)} data-testid="filter-from" />
        </label>
        <label className="field">
          <span>{t('cases.filter.to')}</span>
          <DateInput value={f.to} onChange={(v) => set('to', v)} data-testid="filter-to" />
        </label>
        <label className="field">
          <span>{t('cases.desk.search')}</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="case-search" />
        </label>
        {/* Enter searches: with the date fields the form has several text fields, and then browsers submit on Enter only through a submit button. */}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true">{t('cases.desk.search')}</button>
      </form>
      {error ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {isDesk && selected.size ? (
        <BulkDispatch
          cases={items.filter((c) => selected.has(c.id))}
          onDone={(result) => {
            setBulkResult(result);
            counts.reload();
            setTick((n) => n + 1);
          }}
        />
      ) : null}
      {bulkResult ? <p className={bulkResult.ok ? 'alert alert-info' : 'alert alert-error'} data-testid="bulk-result">{bulkResult.text}</p> : null}
      <table className="table" data-testid="case-table">
        <thead>
          <tr>
            {isDesk ? <th /> : null}
            <th>{t('cases.col.number')}</th><th>{t('cases.col.category')}</th><th>{t('cases.col.site')}</th><th>{t('cases.col.committee')}</th>
            <th>{t('cases.col.status')}</th><th>{t('cases.col.reported')}</th><th>{t('cases.col.due')}</th><th>{t('cases.col.unit')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-id={c.id} data-number={c.number}>
              {isDesk ? (
                <td>{selectable(c) ? <input type="checkbox" aria-label={c.number} checked={selected.has(c.id)} onChange={() => toggle(c.id)} data-testid={`select-${c.id}`} /> : null}</td>
              ) : null}
              <td><Link to={`/cases/${c.id}`} data-testid={`open-${c.id}`}>{c.number}</Link></td>
              <td>{lang === 'en' ? c.categoryNameEn : c.categoryNameZh}</td>
              <td>{c.siteName ?? ''}</td>
              <td>{c.committeeName}</td>
              <td>{label(c.statusLabel, lang)}</td>
              <td>{formatTime(c.reportedAt, lang)}</td>
              <td className={c.overdueAt ? 'case-overdue' : ''}>{formatTime(c.stageDueAt, lang)}</td>
              <td data-testid={`unit-${c.id}`}>{c.assignedUnitName ?? c.responsibleUnitName ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && !items.length ? <p className="muted" data-testid="case-empty">{t('cases.desk.empty')}</p> : null}
      {loading ? <p className="muted">{t('common.loading')}</p> : null}
      {cursor && !loading ? (
        <button type="button" className="btn btn-ghost" data-testid="load-more" onClick={loadMore}>
          {t('cases.desk.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
