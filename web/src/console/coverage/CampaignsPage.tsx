import '../../shared/i18n/patrol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { type KeysetPage, useKeysetList } from '../../shared/use-keyset-list';
import { DateInput } from '../../shared/date-input/DateInput';
import { LoadMore } from '../../shared/LoadMore';
import { floorPercent } from '../../shared/percent';

const EMPTY_FORM = { name: '', kinds: ['shop', 'institution'], startDate: '', endDate: '' };

interface Campaign { id: string; name: string; siteKinds: string[]; startDate: string; endDate: string; sites: number; inspected: number; progress: number }

/** Sweep campaigns (e.g. two weeks over every unit and shop) and their progress. */
export function CampaignsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { places } = useMe();
  const list = useKeysetList<Campaign>((after) => api.get<KeysetPage<Campaign>>('/api/campaigns', { after }), []);
  const [form, setForm] = useState(EMPTY_FORM);
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  async function create() {
    if (busy) return;
    setBusy(true);
    setErr('');
    try {
      await api.post('/api/campaigns', { subdistrictId: places.subdistricts[0]?.id, name: form.name, siteKinds: form.kinds, startDate: form.startDate, endDate: form.endDate });
      setForm(EMPTY_FORM);
      list.reload();
    } catch (e) {
      setErr(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section data-testid="campaigns-page">
      <div className="page-head"><h1>{t('patrol.campaigns.title')}</h1></div>
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {!list.loading && !list.error && !list.items.length && !list.cursor ? <p>{t('patrol.campaigns.empty')}</p> : null}
      <table className="table" data-testid="campaigns-table">
        <thead><tr><th>{t('patrol.campaigns.name')}</th><th>{t('patrol.campaigns.kinds')}</th><th>{t('patrol.campaigns.dates')}</th><th>{t('patrol.campaigns.inspected')}</th><th>{t('patrol.campaigns.progress')}</th></tr></thead>
        <tbody>
          {list.items.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td><td>{c.siteKinds.map((k) => t(`patrol.kinds.${k}`)).join('、')}</td><td>{c.startDate} – {c.endDate}</td>
              <td>{c.inspected} / {c.sites}</td>
              <td><progress max={1} value={c.progress} /> {floorPercent(c.inspected, c.sites)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} testId="campaigns-more" />
      {can('campaigns.write') ? (
        <div className="card">
          <h2>{t('patrol.campaigns.create')}</h2>
          <label className="field"><span>{t('patrol.campaigns.name')}</span><input data-testid="campaign-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
          <div className="filters">
            {['bin_room', 'shop', 'institution'].map((k) => (
              <label key={k}><input type="checkbox" checked={form.kinds.includes(k)} onChange={(e) => setForm({ ...form, kinds: e.target.checked ? [...form.kinds, k] : form.kinds.filter((x) => x !== k) })} /> {t(`patrol.kinds.${k}`)}</label>
            ))}
            <label>{t('patrol.campaigns.start')} <DateInput data-testid="campaign-start" value={form.startDate} onChange={(v) => setForm({ ...form, startDate: v })} /></label>
            <label>{t('patrol.campaigns.end')} <DateInput data-testid="campaign-end" value={form.endDate} onChange={(v) => setForm({ ...form, endDate: v })} /></label>
          </div>
          {err ? <p className="alert alert-error">{err}</p> : null}
          <button type="button" className="btn btn-primary" data-testid="campaign-create" disabled={busy} onClick={create}>{t('patrol.campaigns.create')}</button>
        </div>
      ) : null}
    </section>
  );
}
