import '../../shared/i18n/patrol';
import '../../shared/i18n/ux';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';

interface Item { code: string; text: string; textEn: string; photoRequiredOnFail: boolean }
interface Checklist { id: string; subdistrictId: string; siteKind: string; version: number; name: string; nameEn: string; items: Item[] }

/** Checklist versions per kind; administrators publish a new version (past records keep theirs). */
export function ChecklistsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const { places } = useMe();
  const [kind, setKind] = useState('bin_room');
  const [subdistrictId, setSubdistrictId] = useState(places.subdistricts[0]?.id ?? '');
  const list = useApi(() => api.get<{ items: Checklist[] }>('/api/checklists', { siteKind: kind, subdistrictId }), [kind, subdistrictId]);
  const latestId = list.data?.items[0]?.id;
  const latest = useApi(() => (latestId ? api.get<Checklist>(`/api/checklists/${latestId}`) : Promise.resolve(null)), [latestId]);
  const [draft, setDraft] = useState<Checklist | null>(null);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState('');
  useEffect(() => setDraft(latest.data ? structuredClone(latest.data) : null), [latest.data]);
  const en = i18n.language === 'en';
  const setItem = (i: number, patch: Partial<Item>) => setDraft((d) => (d ? { ...d, items: d.items.map((x, j) => (j === i ? { ...x, ...patch } : x)) } : d));

  async function publish() {
    if (!draft) return;
    setErr('');
    try {
      // A new version carries the items' content only; ids and positions belong to the version published before.
      const items = draft.items.map(({ code, text, textEn, photoRequiredOnFail }) => ({ code, text, textEn, photoRequiredOnFail }));
      const c = await api.post<Checklist>('/api/checklists', { subdistrictId, siteKind: kind, name: draft.name, nameEn: draft.nameEn, items });
      setMsg(t('patrol.checklists.published', { v: c.version }));
      list.reload();
    } catch (e) {
      setErr(errorText(t, e));
    }
  }
  const editable = can('checklists.write');
  // A cell's input is read by its column and row: "编码（第 2 行）".
  const cell = (column: string, i: number) => t('ux.rowField', { column: t(`patrol.checklists.${column}`), n: i + 1 });
  return (
    <section data-testid="checklists-page">
      <div className="page-head"><h1>{t('patrol.checklists.title')}</h1></div>
      <div className="filters">
        <select value={subdistrictId} onChange={(e) => setSubdistrictId(e.target.value)} aria-label={t('sites.subdistrict')}>
          {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{en ? s.nameEn : s.name}</option>)}
        </select>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t('sites.kind')} data-testid="checklist-kind">
          {['bin_room', 'shop', 'institution'].map((k) => <option key={k} value={k}>{t(`patrol.kinds.${k}`)}</option>)}
        </select>
        <span className="muted">{t('patrol.checklists.version')}: {(list.data?.items ?? []).map((c) => `v${c.version}`).join(' · ')}</span>
      </div>
      {msg ? <p className="alert alert-ok" data-testid="checklist-published">{msg}</p> : null}
      {err ? <p className="alert alert-error">{err}</p> : null}
      {draft ? (
        <div className="card">
          <label className="field"><span>{t('patrol.checklists.name')}</span><input value={draft.name} disabled={!editable} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
          <label className="field"><span>{t('patrol.checklists.nameEn')}</span><input value={draft.nameEn} disabled={!editable} onChange={(e) => setDraft({ ...draft, nameEn: e.target.value })} /></label>
          <table className="table" data-testid="checklist-items">
            <thead><tr><th>{t('patrol.checklists.code')}</th><th>{t('patrol.checklists.text')}</th><th>{t('patrol.checklists.textEn')}</th><th>{t('patrol.checklists.photoOnFail')}</th><th /></tr></thead>
            <tbody>
              {draft.items.map((it, i) => (
                <tr key={i}>
                  <td><input aria-label={cell('code', i)} value={it.code} disabled={!editable} onChange={(e) => setItem(i, { code: e.target.value })} /></td>
                  <td><input aria-label={cell('text', i)} value={it.text} disabled={!editable} onChange={(e) => setItem(i, { text: e.target.value })} /></td>
                  <td><input aria-label={cell('textEn', i)} value={it.textEn} disabled={!editable} onChange={(e) => setItem(i, { textEn: e.target.value })} /></td>
                  <td><input type="checkbox" aria-label={cell('photoOnFail', i)} checked={it.photoRequiredOnFail} disabled={!editable} onChange={(e) => setItem(i, { photoRequiredOnFail: e.target.checked })} /></td>
                  <td>{editable ? <button type="button" className="btn btn-small" aria-label={cell('remove', i)} onClick={() => setDraft({ ...draft, items: draft.items.filter((_, j) => j !== i) })}>{t('patrol.checklists.remove')}</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {editable ? (
            <div className="form-actions">
              <button type="button" className="btn" onClick={() => setDraft({ ...draft, items: [...draft.items, { code: '', text: '', textEn: '', photoRequiredOnFail: true }] })}>{t('patrol.checklists.addItem')}</button>
              <button type="button" className="btn btn-primary" data-testid="checklist-publish" onClick={publish}>{t('patrol.checklists.newVersion')}</button>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
