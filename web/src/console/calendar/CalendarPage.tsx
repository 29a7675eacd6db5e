import '../../shared/i18n/console';
import './calendar.css';
import { type ChangeEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, type FieldError, request } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { shanghaiToday } from '../../shared/dates';
import { formatTime, subdistrictName } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { DateInput } from '../../shared/date-input/DateInput';

interface Override { id: string; date: string; kind: 'holiday' | 'workday'; note: string; subdistrictId: string | null }
interface Retimed { examined: number; moved: number; records: number; enforcement: number; cases: { caseId: string; number: string; dueBefore: string; dueAfter: string }[] }
/** What the signed-in person may write (GET /api/calendar/overrides): global rows, and their whole subdistricts. */
interface Writable { global: boolean; subdistricts: string[] }
/** Scope choices besides one subdistrict (subdistrict ids are never these). */
const GLOBAL = '*';
const MINE = 'mine';
interface YearImport { year: number; listed: number; holidays: number; workdays: number; written: number; replaced: number; applied: boolean; retimed: Retimed; cancelledBookings: number }

/**
 * Working-day calendar (administrators): import a year's official holiday schedule with a preview of
 * every open deadline it moves and how many appointments it cancels, and set or remove single days.
 * The server re-times open deadlines and cancels unserved bookings in the same transaction as each
 * change (docs/calendar.md).
 */
export function CalendarPage() {
  const { t, i18n } = useTranslation();
  // Service records and enforcement periods follow the same calendar; said only when some moved.
  const alsoMoved = (r: Retimed) => (r.records || r.enforcement ? ` ${t('console.calendar.alsoMoved', { records: r.records ?? 0, enforcement: r.enforcement ?? 0 })}` : '');
  const lang = i18n.language;
  const me = useMe();
  // The choices this person has: everywhere only when their scope covers every subdistrict of the
  // instance, "all my subdistricts" (one override each) when they have several, and each of theirs.
  const writable = useApi(() => api.get<{ writable: Writable }>('/api/calendar/overrides', { limit: 1 }), []);
  const w = writable.data?.writable ?? null;
  const choices = useMemo(() => (w ? [...(w.global ? [GLOBAL] : []), ...(w.subdistricts.length > 1 ? [MINE] : []), ...w.subdistricts] : []), [w]);
  const [year, setYear] = useState(() => Number(shanghaiToday().slice(0, 4)) + 1);
  const [chosen, setScope] = useState<string | null>(null);
  const scope = chosen !== null && choices.includes(chosen) ? chosen : w?.subdistricts.length === 1 ? w.subdistricts[0]! : (choices[0] ?? '');
  const [schedule, setSchedule] = useState('');
  const [previewed, setPreviewed] = useState<{ text: string; result: YearImport } | null>(null);
  const [result, setResult] = useState<YearImport | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [day, setDay] = useState({ date: '', kind: 'holiday' as Override['kind'], note: '' });
  const [dayMsg, setDayMsg] = useState<string | null>(null);
  const list = useApi(() => api.getAll<Override>('/api/calendar/overrides', { from: `${year}-01-01`, to: `${year}-12-31` }), [year]);
  /** The request's scope fields for the chosen scope. */
  const scopeBody = scope === MINE ? { scope: 'my_subdistricts' as const } : { subdistrictId: scope === GLOBAL ? null : scope };

  const fail = (err: unknown) => {
    setError(err);
    setErrors(err instanceof ApiError ? err.fields : []);
  };
  async function run(apply: boolean) {
    setError(null);
    setErrors([]);
    setBusy(true);
    try {
      const r = await api.post<YearImport>(`/api/calendar/years/${year}${apply ? '' : '/preview'}`, { schedule, ...scopeBody });
      if (apply) {
        setResult(r);
        setPreviewed(null);
        list.reload();
      } else {
        setPreviewed({ text: `${year}|${scope}|${schedule}`, result: r });
        setResult(null);
      }
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  }
  async function loadFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (file) setSchedule(await file.text());
  }
  async function saveDay() {
    setError(null);
    setErrors([]);
    setDayMsg(null);
    try {
      const r = await request<{ retimed: Retimed }>('PUT', '/api/calendar/overrides', { date: day.date, kind: day.kind, ...(day.note.trim() ? { note: day.note.trim() } : {}), ...scopeBody });
      setDayMsg(`${t('console.calendar.daySaved', { moved: r.retimed.moved })}${alsoMoved(r.retimed)}`);
      list.reload();
    } catch (err) {
      fail(err);
    }
  }
  async function removeDay(id: string) {
    setError(null);
    setDayMsg(null);
    try {
      const r = await request<{ retimed: Retimed }>('DELETE', `/api/calendar/overrides/${encodeURIComponent(id)}`);
      setDayMsg(`${t('console.calendar.dayRemoved', { moved: r.retimed.moved })}${alsoMoved(r.retimed)}`);
      list.reload();
    } catch (err) {
      fail(err);
    }
  }

  const shown = result ?? previewed?.result ?? null;
  const canApply = previewed !== null && previewed.text === `${year}|${scope}|${schedule}`;
  return (
    <section data-testid="calendar-page" className="calendar-page">
      <div className="page-head">
        <h1>{t('console.calendar.title')}</h1>
      </div>
      <p className="muted">{t('console.calendar.hint')}</p>
      <div className="card">
        <div className="calendar-row">
          <Field label={t('console.calendar.year')} name="year" errors={errors}>
            <input type="number" min={2000} max={2100} value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="calendar-year" />
          </Field>
          <Field label={t('console.calendar.scope')} name="subdistrictId" errors={errors}>
            <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="calendar-scope">
              {choices.map((s) => (
                <option key={s} value={s}>
                  {s === GLOBAL ? t('console.calendar.everywhere') : s === MINE ? t('console.calendar.mySubdistricts') : subdistrictName(me.places, s, lang)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </div>
      <div className="card">
        <h2>{t('console.calendar.importTitle')}</h2>
        <p className="muted">{t('console.calendar.importHint')}</p>
        <Field label={t('console.calendar.schedule')} name="schedule" errors={errors}>
          <textarea rows={8} value={schedule} onChange={(e) => setSchedule(e.target.value)} data-testid="calendar-schedule" placeholder={'2027-01-01 休 元旦\n2027-02-06..2027-02-12 休 春节\n2027-02-14 班 春节调休'} />
        </Field>
        <label className="field">
          <span>{t('console.calendar.loadFile')}</span>
          <input type="file" accept=".txt,text/plain" onChange={(e) => void loadFile(e)} data-testid="calendar-file" />
        </label>
        <div className="calendar-row">
          <button type="button" className="btn" disabled={busy || !scope || !schedule.trim()} onClick={() => void run(false)} data-testid="calendar-preview">{t('console.calendar.preview')}</button>
          <button type="button" className="btn btn-primary" disabled={busy || !canApply} title={canApply ? undefined : t('console.calendar.applyNeedsPreview')} onClick={() => void run(true)} data-testid="calendar-apply">{t('console.calendar.apply')}</button>
        </div>
        {shown ? (
          <div data-testid={shown.applied ? 'calendar-imported' : 'calendar-previewed'}>
            <h3>{t(shown.applied ? 'console.calendar.importedTitle' : 'console.calendar.previewTitle', { year: shown.year })}</h3>
            <p>{t('console.calendar.summary', { listed: shown.listed, holidays: shown.holidays, workdays: shown.workdays, written: shown.written, replaced: shown.replaced })}</p>
            <p data-testid="calendar-moved">{t(shown.applied ? 'console.calendar.movedApplied' : 'console.calendar.moved', { examined: shown.retimed.examined, moved: shown.retimed.moved })}{alsoMoved(shown.retimed)}</p>
            <p data-testid="calendar-bookings" data-count={shown.cancelledBookings}>{t(shown.applied ? 'console.calendar.bookingsApplied' : 'console.calendar.bookings', { count: shown.cancelledBookings })}</p>
            {shown.retimed.cases.length ? (
              <table className="table" data-testid="calendar-moved-table">
                <thead>
                  <tr><th>{t('console.calendar.caseNumber')}</th><th>{t('console.calendar.dueBefore')}</th><th>{t('console.calendar.dueAfter')}</th></tr>
                </thead>
                <tbody>
                  {shown.retimed.cases.map((c) => (
                    <tr key={c.caseId} data-testid="calendar-moved-row">
                      <td><Link to={`/cases/${c.caseId}`}>{c.number}</Link></td>
                      <td>{formatTime(c.dueBefore, lang)}</td>
                      <td>{formatTime(c.dueAfter, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <p className="muted">{t('console.calendar.noneMoved')}</p>}
          </div>
        ) : null}
      </div>
      <div className="card">
        <h2>{t('console.calendar.dayTitle')}</h2>
        <div className="calendar-row">
          <Field label={t('console.calendar.date')} name="date" errors={errors}>
            <DateInput value={day.date} onChange={(v) => setDay({ ...day, date: v })} data-testid="calendar-day-date" />
          </Field>
          <Field label={t('console.calendar.kind')} name="kind" errors={errors}>
            <select value={day.kind} onChange={(e) => setDay({ ...day, kind: e.target.value as Override['kind'] })} data-testid="calendar-day-kind">
              <option value="holiday">{t('console.calendar.holiday')}</option>
              <option value="workday">{t('console.calendar.workday')}</option>
            </select>
          </Field>
          <Field label={t('console.calendar.note')} name="note" errors={errors}>
            <input value={day.note} maxLength={200} onChange={(e) => setDay({ ...day, note: e.target.value })} data-testid="calendar-day-note" />
          </Field>
          <button type="button" className="btn btn-primary" disabled={!day.date || !scope} onClick={() => void saveDay()} data-testid="calendar-day-save">{t('console.calendar.save')}</button>
        </div>
        {dayMsg ? <p className="alert alert-ok" data-testid="calendar-day-result">{dayMsg}</p> : null}
      </div>
      {error && !errors.length ? <p className="alert alert-error" data-testid="calendar-error">{errorText(t, error)}</p> : null}
      <div className="card">
        <h2>{t('console.calendar.overrides', { year })}</h2>
        <table className="table" data-testid="calendar-overrides">
          <tbody>
            {(list.data?.items ?? []).map((o) => (
              <tr key={o.id} data-testid="calendar-override" data-date={o.date} data-kind={o.kind}>
                <td>{o.date}</td>
                <td>{t(`console.calendar.${o.kind}`)}</td>
                <td>{o.subdistrictId ? subdistrictName(me.places, o.subdistrictId, lang) : t('console.calendar.global')}</td>
                <td>{o.note}</td>
                <td>
                  {o.subdistrictId || w?.global ? (
                    <button type="button" className="btn btn-small" onClick={() => void removeDay(o.id)} data-testid="calendar-override-remove">{t('console.calendar.remove')}</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && !list.data.items.length ? <p className="muted">{t('console.calendar.empty')}</p> : null}
      </div>
    </section>
  );
}
