import '../../shared/i18n/services-console';
import '../../shared/i18n/services-window';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { shanghaiToday } from '../../shared/dates';
import { DateInput } from '../../shared/date-input/DateInput';
import { errorText } from '../../shared/errors';
import { formatStamp } from '../../shared/format';
import { LoadMore } from '../../shared/LoadMore';
import { useKeysetList } from '../../shared/use-keyset-list';
import { useUrlState } from '../../shared/use-url-state';
import type { Appointment } from '../window/types';
import { useServiceNames } from './use-service-names';
import { PointFilter } from './PointFilter';
import './services.css';

const PAGE = 500;
const STATUSES = ['booked', 'checked_in', 'no_show', 'cancelled'] as const;

interface Booking extends Appointment {
  bookedAt: string;
  checkedInAt: string | null;
  cancelledAt: string | null;
  noShowAt: string | null;
}

/**
 * 预约: the bookings of a day (today or any other) across the points in scope, in slot order — who
 * comes when, for what, and what became of each booking — or the one with a booking code.
 * Checking in is the window screen's; this is the desk's overview.
 */
export function AppointmentsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useUrlState();
  const names = useServiceNames();
  const day = params.get('day') ?? shanghaiToday();
  const pointId = params.get('point') ?? '';
  const status = params.get('status') ?? '';
  const code = params.get('code') ?? '';
  const setParam = (k: string, v: string | null) => setParams((p) => { if (v) p.set(k, v); else p.delete(k); return p; });
  const list = useKeysetList<Booking>(
    (after) => api.get('/api/services/appointments', code ? { code, limit: PAGE, after } : { day, pointId: pointId || undefined, status: status || undefined, limit: PAGE, after }),
    [day, pointId, status, code],
  );
  const counts = STATUSES.map((s) => [s, list.items.filter((a) => a.status === s).length] as const);

  return (
    <section className="yw-page" data-testid="yw-appointments-page">
      <div className="page-head"><h1>{t('yw.appointments.title')}</h1></div>
      <p className="muted">{t('yw.appointments.hint')}</p>
      <div className="filters yw-filters-end">
        <label className="field"><span>{t('yw.figures.day')}</span><DateInput value={day} onChange={(v) => setParam('day', v || null)} disabled={!!code} data-testid="yw-appt-day" /></label>
        <PointFilter value={pointId} points={names.points} onChange={(v) => setParam('point', v)} disabled={!!code} testId="yw-appt-point" />
        <label className="field">
          <span>{t('yw.appointments.status')}</span>
          <select value={status} onChange={(e) => setParam('status', e.target.value || null)} disabled={!!code} data-testid="yw-appt-status">
            <option value="">{t('yw.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`ywWin.appointments.status.${s}`)}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('ywWin.appointments.code')}</span>
          <input
            type="search" defaultValue={code} placeholder={t('yw.appointments.codeHint')} data-testid="yw-appt-code" maxLength={12}
            onKeyDown={(e) => { if (e.key === 'Enter') setParam('code', e.currentTarget.value.trim() || null); }}
            onBlur={(e) => setParam('code', e.currentTarget.value.trim() || null)}
          />
          {code ? <small className="why-disabled" data-testid="yw-appt-code-why">{t('yw.appointments.codeOnly')}</small> : null}
        </label>
      </div>
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {!code && list.items.length ? (
        <p className="muted" data-testid="yw-appt-counts">
          {counts.filter(([, n]) => n).map(([s, n]) => `${t(`ywWin.appointments.status.${s}`)} ${n}`).join(' · ')}{list.cursor ? ` · ${t('yw.appointments.more')}` : ''}
        </p>
      ) : null}
      {!list.loading && !list.error && !list.items.length ? <p className="muted" data-testid="yw-appt-empty">{t('yw.appointments.empty')}</p> : null}
      {list.items.length ? (
        <div className="yw-ranking-scroll">
          <table className="table" data-testid="yw-appointments">
            <thead>
              <tr>
                <th>{t('yw.appointments.slot')}</th><th>{t('yw.ratings.point')}</th><th>{t('yw.figures.item')}</th><th>{t('yw.appointments.who')}</th>
                <th>{t('ywWin.appointments.code')}</th><th>{t('yw.appointments.status')}</th><th>{t('yw.appointments.bookedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id} data-testid={`yw-appt-${a.code}`} data-status={a.status}>
                  <td>{code ? `${a.day} ` : ''}{a.starts}–{a.ends}</td>
                  <td>{names.pointName(a.pointId)}</td>
                  <td>{names.itemName(a.itemId)}</td>
                  <td>{a.name}{a.phone ? <div className="muted">{a.phone}</div> : null}</td>
                  <td><code>{a.code}</code></td>
                  <td className={a.status === 'no_show' ? 'yw-overdue' : undefined}>
                    {t(`ywWin.appointments.status.${a.status}`)}
                    {a.checkedInAt ? <div className="muted">{formatStamp(a.checkedInAt)}</div> : a.cancelledAt ? <div className="muted">{formatStamp(a.cancelledAt)}</div> : null}
                  </td>
                  <td>{formatStamp(a.bookedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore list={list} testId="yw-appt-more" />
    </section>
  );
}
