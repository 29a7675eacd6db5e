import '../../shared/i18n/console';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';

type Kind = 'shop' | 'institution' | 'bin_room';
type Grade = 'red' | 'yellow' | 'green';
type Table = Record<Kind, Record<Grade, number>>;
const KINDS: Kind[] = ['shop', 'institution', 'bin_room'];
const GRADES: Grade[] = ['red', 'yellow', 'green'];

/** Days between inspections by site kind and compliance grade (N for shops, M for units); administrators change them. */
export function IntervalsForm() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const { places } = useMe();
  const editable = can('grades.write');
  const [subdistrictId, setSubdistrictId] = useState(places.subdistricts[0]?.id ?? '');
  const r = useApi(() => (subdistrictId ? api.get<Table>('/api/coverage/intervals', { subdistrictId }) : Promise.resolve(null)), [subdistrictId]);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft({}), [r.data]);
  const cell = (k: Kind, g: Grade) => draft[`${k}.${g}`] ?? String(r.data?.[k][g] ?? '');

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!r.data) return;
    setBusy(true);
    setMsg(null);
    const done: string[] = [];
    try {
      for (const k of KINDS)
        for (const g of GRADES) {
          const v = draft[`${k}.${g}`];
          if (v === undefined || Number(v) === r.data[k][g]) continue;
          const res = await request<{ rescheduled: number }>('PUT', '/api/coverage/intervals', { subdistrictId, siteKind: k, grade: g, days: Number(v) });
          done.push(t('console.coverage.saved', { kind: t(`patrol.kinds.${k}`), grade: t(`console.history.grades.${g}`), days: v, n: res.rescheduled }));
        }
      setMsg({ ok: true, text: done.join('；') });
    } catch (err) {
      setMsg({ ok: false, text: [...done, errorText(t, err)].join('；') });
    } finally {
      setBusy(false);
      r.reload();
    }
  }

  return (
    <form className="card" onSubmit={save} data-testid="intervals-form">
      <h2>{t('console.coverage.intervals')}</h2>
      <p className="muted">{t('console.coverage.intervalsHint')}</p>
      {places.subdistricts.length > 1 ? (
        <label className="field">
          <span>{t('console.coverage.subdistrict')}</span>
          <select value={subdistrictId} onChange={(e) => setSubdistrictId(e.target.value)}>
            {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{i18n.language === 'en' ? s.nameEn : s.name}</option>)}
          </select>
        </label>
      ) : null}
      {r.error ? <p className="alert alert-error">{errorText(t, r.error)}</p> : null}
      <table className="table">
        <thead>
          <tr><th>{t('console.coverage.kind')}</th>{GRADES.map((g) => <th key={g}><span className={`grade grade-${g}`}>{t(`console.history.grades.${g}`)}</span></th>)}</tr>
        </thead>
        <tbody>
          {KINDS.map((k) => (
            <tr key={k}>
              <th>{t(`patrol.kinds.${k}`)}</th>
              {GRADES.map((g) => (
                <td key={g}>
                  <input
                    type="number" min={1} max={366} step={1} required disabled={!editable || !r.data} value={cell(k, g)}
                    onChange={(e) => setDraft((d) => ({ ...d, [`${k}.${g}`]: e.target.value }))}
                    data-testid={`interval-${k}-${g}`} aria-label={`${t(`patrol.kinds.${k}`)} ${t(`console.history.grades.${g}`)}`}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {editable ? <button type="submit" className="btn btn-primary" disabled={busy || !Object.keys(draft).length} data-testid="intervals-save">{t('console.coverage.save')}</button> : null}
      {msg ? <p className={`alert ${msg.ok ? 'alert-ok' : 'alert-error'}`} data-testid="intervals-msg">{msg.text}</p> : null}
    </form>
  );
}
