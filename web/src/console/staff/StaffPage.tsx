import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, withQuery } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { ROLES, type Page, type Staff } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import { ImportButton } from '../excel/ImportButton';
import { MaskedPhone } from '../../shared/MaskedPhone';

const PAGE_SIZE = 100;

export function StaffPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const { places } = useMe();
  const en = i18n.language === 'en';
  const [params, setParams] = useUrlState();
  const query = useMemo(() => {
    const q: Record<string, string> = {};
    for (const k of ['role', 'committeeId', 'q']) if (params.get(k)) q[k] = params.get(k)!;
    return q;
  }, [params]);
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);
  const [extra, setExtra] = useState<Staff[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useApi(() => api.get<Page<Staff>>('/api/staff', { ...query, limit: PAGE_SIZE }), [JSON.stringify(query)]);
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  const set = (k: string, v: string) =>
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      if (v) p.set(k, v);
      else p.delete(k);
      return p;
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set('q', text.trim());
  };
  async function loadMore() {
    if (!cursor) return;
    const next = await api.get<Page<Staff>>('/api/staff', { ...query, limit: PAGE_SIZE, after: cursor });
    setExtra((xs) => [...xs, ...next.items]);
    setCursor(next.nextCursor);
  }
  const items = [...(list.data?.items ?? []), ...extra];
  const scopeText = (s: Staff) =>
    s.scopes.map((sc) => (sc.committeeId ? (en ? places.committees.find((c) => c.id === sc.committeeId)?.nameEn : sc.committeeName) : t('staff.wholeSubdistrict'))).join(', ');

  return (
    <section className="staff-page">
      <div className="page-head">
        <h1>{t('staff.title')}</h1>
        <div className="actions">
          {can('staff.write') ? (
            <Link className="btn btn-primary" to="/staff/new" data-testid="staff-add">
              {t('staff.add')}
            </Link>
          ) : null}
          {can('registry.import') ? <ImportButton endpoint="/api/import/staff" testId="staff-import" onImported={list.reload} /> : null}
          {can('registry.export') ? (
            <a className="btn" data-testid="staff-export" href={withQuery('/api/export/staff.xlsx', query)} download>
              {t('excel.export')}
            </a>
          ) : null}
        </div>
      </div>
      <form className="filters" role="search" onSubmit={submit}>
        <input type="search" data-testid="staff-search" placeholder={t('staff.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="btn btn-primary">{t('common.search')}</button>
        <select aria-label={t('staff.role')} value={query.role ?? ''} onChange={(e) => set('role', e.target.value)}>
          <option value="">{t('staff.allRoles')}</option>
          {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
        </select>
        <select aria-label={t('sites.committee')} value={query.committeeId ?? ''} onChange={(e) => set('committeeId', e.target.value)}>
          <option value="">{t('staff.allCommittees')}</option>
          {places.committees.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.name}</option>)}
        </select>
      </form>
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {list.data && !items.length ? <p className="empty">{t('staff.empty')}</p> : null}
      {items.length ? (
        <table className="table" data-testid="staff-table">
          <thead>
            <tr>
              <th>{t('staff.displayName')}</th>
              <th>{t('staff.username')}</th>
              <th>{t('staff.role')}</th>
              <th>{t('staff.phone')}</th>
              <th>{t('staff.scope')}</th>
              <th>{t('staff.status')}</th>
              {can('staff.write') ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-username={s.username}>
                <td>{s.displayName}</td>
                <td>{s.username}</td>
                <td>{t(`roles.${s.role}`)}</td>
                <td><MaskedPhone phone={s.phone} kind="staff" id={s.id} tel={false} /></td>
                <td>{scopeText(s)}</td>
                <td>{t(`userStatuses.${s.status}`)}</td>
                {can('staff.write') ? (
                  <td>
                    <Link to={`/staff/${s.id}/edit`}>{t('common.edit')}</Link>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? <button type="button" className="btn" onClick={() => void loadMore()}>{t('common.loadMore')}</button> : null}
    </section>
  );
}
