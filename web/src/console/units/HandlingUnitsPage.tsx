import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { MaskedPhone } from '../../shared/MaskedPhone';
import { useApi } from '../../shared/use-api';
import { useUrlState } from '../../shared/use-url-state';
import '../../shared/i18n/handling-units';
import { type HandlingUnitRow, UNIT_KINDS } from './unit-types';
import './units.css';

/** The handling units of the administrator's subdistricts: the registry cases are dispatched to. */
export function HandlingUnitsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const { places } = useMe();
  const en = i18n.language === 'en';
  const [params, setParams] = useUrlState();
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? '';
  const list = useApi(() => api.get<{ items: HandlingUnitRow[] }>('/api/handling-units', kind ? { kind } : {}), [kind]);
  const items = useMemo(() => (list.data?.items ?? []).filter((u) => !status || u.status === status), [list.data, status]);
  const committee = (id: string | null) => {
    const c = id ? places.committees.find((x) => x.id === id) : undefined;
    return c ? (en ? c.nameEn : c.name) : '';
  };
  const set = (k: string, v: string) =>
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      if (v) p.set(k, v);
      else p.delete(k);
      return p;
    });

  return (
    <section className="units-page">
      <div className="page-head">
        <h1>{t('units.title')}</h1>
        <div className="actions">
          {can('registry.write') ? (
            <Link className="btn btn-primary" to="/handling-units/new" data-testid="units-add">
              {t('units.add')}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="muted">{t('units.hint')}</p>
      <div className="filters">
        <select aria-label={t('units.kind')} data-testid="units-kind" value={kind} onChange={(e) => set('kind', e.target.value)}>
          <option value="">{t('units.allKinds')}</option>
          {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`units.kinds.${k}`)}</option>)}
        </select>
        <select aria-label={t('units.status')} data-testid="units-status" value={status} onChange={(e) => set('status', e.target.value)}>
          <option value="">{t('units.allStatuses')}</option>
          <option value="active">{t('units.statuses.active')}</option>
          <option value="retired">{t('units.statuses.retired')}</option>
        </select>
      </div>
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {list.data && !items.length ? <p className="empty">{t('units.empty')}</p> : null}
      {items.length ? (
        <table className="table" data-testid="units-table">
          <thead>
            <tr>
              <th>{t('units.name')}</th>
              <th>{t('units.kind')}</th>
              <th>{t('units.contact')}</th>
              <th>{t('units.status')}</th>
              {can('registry.write') ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.id} data-testid="unit-row" data-name={u.name}>
                <td>
                  {en && u.nameEn ? u.nameEn : u.name}
                  {u.committeeId && u.kind !== 'committee' ? <small className="muted"> · {committee(u.committeeId)}</small> : null}
                </td>
                <td className="nowrap">{t(`units.kinds.${u.kind}`)}</td>
                <td>
                  {u.contactName ? <>{u.contactName} </> : null}
                  <MaskedPhone phone={u.contactPhone} kind="unit" id={u.id} tel={false} />
                </td>
                <td className="nowrap">
                  <span className={`badge${u.status === 'retired' ? ' badge-retired' : ''}`} data-testid="unit-status">{t(`units.statuses.${u.status}`)}</span>
                </td>
                {can('registry.write') ? (
                  <td className="nowrap">
                    <Link to={`/handling-units/${u.id}/edit`} data-testid="unit-edit">{t('common.edit')}</Link>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
