import '../../shared/i18n/account';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { DateInput } from '../../shared/date-input/DateInput';

interface AuditItem {
  seq: number;
  at: string;
  actorUsername: string;
  actorRole: string;
  ip: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}
interface Filter { who: string; action: string; entity: string; entityId: string; fromDay: string; toDay: string }
const EMPTY: Filter = { who: '', action: '', entity: '', entityId: '', fromDay: '', toDay: '' };

/** A Shanghai calendar day as the instant it starts (the API filters on instants). */
const dayStart = (day: string) => `${day}T00:00:00+08:00`;
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The query string of GET /api/audit and its CSV export: actor, action (or `area.`), target, days (to inclusive). */
export function auditQuery(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  if (f.who.trim()) q.set('who', f.who.trim());
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.entity.trim()) q.set('entity', f.entity.trim());
  if (f.entityId.trim()) q.set('entityId', f.entityId.trim());
  if (f.fromDay) q.set('from', dayStart(f.fromDay));
  if (f.toDay) q.set('to', dayStart(nextDay(f.toDay)));
  return q;
}

const brief = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v).slice(0, 300));

/** 审计日志: search the administrative audit log and export what was found (CSV, opens in Excel). */
export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [items, setItems] = useState<AuditItem[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (f: Filter, before: number | null) => {
    setLoading(true);
    setError(null);
    try {
      const q = auditQuery(f);
      if (before !== null) q.set('before', String(before));
      const page = await api.get<{ items: AuditItem[]; nextBefore: number | null }>(`/api/audit?${q}`);
      setItems((old) => (before === null ? page.items : [...old, ...page.items]));
      setNext(page.nextBefore);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filter, null);
  }, [filter, load]);

  const set = (patch: Partial<Filter>) => setDraft((d) => ({ ...d, ...patch }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  const input = (name: keyof Filter, label: string) => (
    <label className="field">
      <span>{label}</span>
      <input name={name} value={draft[name]} onChange={(e) => set({ [name]: e.target.value })} />
    </label>
  );
  const day = (name: 'fromDay' | 'toDay', label: string) => (
    <label className="field">
      <span>{label}</span>
      <DateInput name={name} value={draft[name]} onChange={(v) => set({ [name]: v })} />
    </label>
  );

  return (
    <section className="audit-log">
      <h1>{t('account.audit.title')}</h1>
      <form className="card filters" onSubmit={submit} data-testid="audit-filters">
        {input('who', t('account.audit.who'))}
        {input('action', t('account.audit.action'))}
        {input('entity', t('account.audit.entity'))}
        {input('entityId', t('account.audit.entityId'))}
        {day('fromDay', t('account.audit.from'))}
        {day('toDay', t('account.audit.to'))}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="audit-search">{t('account.audit.search')}</button>
          <a className="btn" data-testid="audit-export" href={`/api/audit/export.csv?${auditQuery(filter)}`} download>
            {t('account.audit.export')}
          </a>
        </div>
      </form>
      {error ? <p className="alert alert-error" role="alert">{errorText(t, error)}</p> : null}
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('account.audit.at')}</th>
            <th>{t('account.audit.who')}</th>
            <th>{t('account.audit.ip')}</th>
            <th>{t('account.audit.action')}</th>
            <th>{t('account.audit.target')}</th>
            <th>{t('account.audit.before')}</th>
            <th>{t('account.audit.after')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.seq} data-seq={e.seq}>
              <td>{formatTime(e.at, i18n.language)}</td>
              <td>{e.actorUsername} <span className="muted">({t(`roles.${e.actorRole}`, { defaultValue: e.actorRole })})</span></td>
              <td>{e.ip ?? '—'}</td>
              <td><code>{e.action}</code></td>
              <td>{e.entity}{e.entityId ? <span className="muted"> {e.entityId}</span> : null}</td>
              <td className="mono small">{brief(e.before)}</td>
              <td className="mono small">{brief(e.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 ? <p className="muted" data-testid="audit-empty">{t('account.audit.empty')}</p> : null}
      {next !== null ? (
        <button type="button" className="btn" disabled={loading} onClick={() => void load(filter, next)} data-testid="audit-more">
          {t('account.audit.more')}
        </button>
      ) : null}
    </section>
  );
}
