import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { MaskedPhone } from '../../shared/MaskedPhone';
import { useApi } from '../../shared/use-api';
import { useUrlState, withParam } from '../../shared/use-url-state';
import '../../shared/i18n/handling-units';
import { RegisterHead } from '../registry/RegisterHead';
import { RegisterRows } from '../registry/RegisterTable';
import { type HandlingUnitRow, UNIT_KINDS, UNIT_STATUSES } from './unit-types';
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
  const set = (k: string, v: string) => setParams(withParam(k, v));

  return (
    <section className="units-page">
      <RegisterHead title={t('units.title')} add={{ to: '/handling-units/new', label: t('units.add'), testId: 'units-add', permission: 'registry.write' }} />
      <p className="muted">{t('units.hint')}</p>
      <div className="filters">
        <select aria-label={t('units.kind')} data-testid="units-kind" value={kind} onChange={(e) => set('kind', e.target.value)}>
          <option value="">{t('units.allKinds')}</option>
          {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`units.kinds.${k}`)}</option>)}
        </select>
        <select aria-label={t('units.status')} data-testid="units-status" value={status} onChange={(e) => set('status', e.target.value)}>
          <option value="">{t('units.allStatuses')}</option>
          {UNIT_STATUSES.map((s) => <option key={s} value={s}>{t(`units.statuses.${s}`)}</option>)}
        </select>
      </div>
      <RegisterRows
        error={list.error}
        loaded={list.data !== null}
        empty={t('units.empty')}
        testId="units-table"
        items={items}
        rowAttrs={(u) => ({ 'data-testid': 'unit-row', 'data-name': u.name })}
        columns={[
          {
            header: t('units.name'),
            cell: (u) => (
              <>
                {en && u.nameEn ? u.nameEn : u.name}
                {u.committeeId && u.kind !== 'committee' ? <small className="muted"> · {committee(u.committeeId)}</small> : null}
              </>
            ),
          },
          { header: t('units.kind'), className: 'nowrap', cell: (u) => t(`units.kinds.${u.kind}`) },
          {
            header: t('units.contact'),
            cell: (u) => (
              <>
                {u.contactName ? <>{u.contactName} </> : null}
                <MaskedPhone phone={u.contactPhone} kind="unit" id={u.id} tel={false} />
              </>
            ),
          },
          {
            header: t('units.status'),
            className: 'nowrap',
            cell: (u) => <span className={`badge${u.status === 'retired' ? ' badge-retired' : ''}`} data-testid="unit-status">{t(`units.statuses.${u.status}`)}</span>,
          },
          can('registry.write') && {
            header: null,
            className: 'nowrap',
            cell: (u) => <Link to={`/handling-units/${u.id}/edit`} data-testid="unit-edit">{t('common.edit')}</Link>,
          },
        ]}
      />
    </section>
  );
}
