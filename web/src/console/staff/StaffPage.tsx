import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { withQuery } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { LoadMore } from '../../shared/LoadMore';
import { MaskedPhone } from '../../shared/MaskedPhone';
import { ROLES, type Staff } from '../../shared/types';
import { useUrlState, withParam } from '../../shared/use-url-state';
import { RegisterHead } from '../registry/RegisterHead';
import { PlaceOptions } from '../registry/PlaceOptions';
import { RegisterRows } from '../registry/RegisterTable';
import { useRegisterList } from '../registry/use-register-list';

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
  const list = useRegisterList<Staff>('/api/staff', query, PAGE_SIZE);

  const set = (k: string, v: string) => setParams(withParam(k, v));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set('q', text.trim());
  };
  const scopeText = (s: Staff) =>
    s.scopes.map((sc) => (sc.committeeId ? (en ? places.committees.find((c) => c.id === sc.committeeId)?.nameEn : sc.committeeName) : t('staff.wholeSubdistrict'))).join(', ');

  return (
    <section className="staff-page">
      <RegisterHead
        title={t('staff.title')}
        add={{ to: '/staff/new', label: t('staff.add'), testId: 'staff-add', permission: 'staff.write' }}
        importer={{ endpoint: '/api/import/staff', testId: 'staff-import', onImported: list.reload }}
        exporter={{ href: withQuery('/api/export/staff.xlsx', query), testId: 'staff-export' }}
      />
      <form className="filters" role="search" onSubmit={submit}>
        <input type="search" data-testid="staff-search" placeholder={t('staff.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="btn btn-primary">{t('common.search')}</button>
        <select aria-label={t('staff.role')} value={query.role ?? ''} onChange={(e) => set('role', e.target.value)}>
          <option value="">{t('staff.allRoles')}</option>
          {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
        </select>
        <select aria-label={t('sites.committee')} value={query.committeeId ?? ''} onChange={(e) => set('committeeId', e.target.value)}>
          <option value="">{t('staff.allCommittees')}</option>
          <PlaceOptions places={places.committees} />
        </select>
      </form>
      <RegisterRows
        error={list.error}
        loaded={list.loaded}
        empty={t('staff.empty')}
        testId="staff-table"
        items={list.items}
        rowAttrs={(s) => ({ 'data-username': s.username })}
        columns={[
          { header: t('staff.displayName'), cell: (s) => s.displayName },
          { header: t('staff.username'), cell: (s) => s.username },
          { header: t('staff.role'), cell: (s) => t(`roles.${s.role}`) },
          { header: t('staff.phone'), cell: (s) => <MaskedPhone phone={s.phone} kind="staff" id={s.id} tel={false} /> },
          { header: t('staff.scope'), cell: scopeText },
          { header: t('staff.status'), cell: (s) => t(`userStatuses.${s.status}`) },
          can('staff.write') && { header: null, cell: (s) => <Link to={`/staff/${s.id}/edit`}>{t('common.edit')}</Link> },
        ]}
      />
      <LoadMore list={list} testId="staff-load-more" />
    </section>
  );
}
