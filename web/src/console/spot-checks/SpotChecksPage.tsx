import '../../shared/i18n/console';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, request } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { photoUrl, thumbUrl } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { floorPercent } from '../../shared/percent';
import { useApi } from '../../shared/use-api';
import './spot-checks.css';

type State = 'pending' | 'passed' | 'failed';
type Purpose = 'before' | 'after';
interface Item {
  id: string; number: string; version: number; description: string; reportedAt: string; spotCheck: State; spotCheckedAt: string | null;
  categoryZh: string; categoryEn: string; committeeName: string; finderName: string | null;
  photos: { id: string; purpose: Purpose }[];
}

/** The case's before and after photos side by side, each thumbnail opening the full photo. */
function BeforeAfter({ item }: { item: Item }) {
  const { t } = useTranslation();
  const group = (purpose: Purpose) => {
    const photos = item.photos.filter((p) => p.purpose === purpose);
    const label = t(`console.spotChecks.${purpose}`);
    return (
      <figure className="spot-photos-group" data-testid={`spot-check-photos-${purpose}`}>
        <figcaption>{label}</figcaption>
        {photos.length ? photos.map((p, i) => (
          <a key={p.id} href={photoUrl(p.id)} target="_blank" rel="noreferrer" data-testid="spot-check-photo" data-purpose={purpose}
            aria-label={t(purpose === 'before' ? 'console.spotChecks.openBefore' : 'console.spotChecks.openAfter', { number: item.number, n: i + 1 })}>
            <img src={thumbUrl(p.id)} alt="" loading="lazy" />
          </a>
        )) : <span className="muted">{t('console.spotChecks.noPhoto')}</span>}
      </figure>
    );
  };
  return <div className="spot-photos">{group('before')}{group('after')}</div>;
}
interface Kpi { selfResolved: number; sampled: number; pending: number; passed: number; failed: number; sampleRate: number | null; passRate: number | null }

/** The operations centre's spot checks (抽查) of self-resolved cases: KPI, the queue, pass or fail with a note. */
export function SpotChecksPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const me = useMe();
  const [state, setState] = useState<State>('pending');
  const list = useApi(() => api.get<{ items: Item[] }>('/api/spot-checks', { state }), [state]);
  const kpi = useApi(() => api.get<Kpi>('/api/spot-checks/kpi'), []);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const subdistrictId = me.user.scope[0]?.subdistrictId ?? null;
  const canSet = me.permissions.includes('cases.settings') && subdistrictId !== null && new Set(me.user.scope.map((s) => s.subdistrictId)).size === 1;
  const settings = useApi(() => (canSet ? api.get<{ spotCheckPercent: number }>(`/api/case-settings/${subdistrictId}`) : Promise.resolve(null)), [canSet, subdistrictId]);
  const [percent, setPercent] = useState('');
  const [busy, setBusy] = useState(false);

  async function record(item: Item, result: 'passed' | 'failed') {
    if (busy) return;
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const note = notes[item.id]?.trim();
      await api.post(`/api/cases/${encodeURIComponent(item.id)}/spot-check`, { version: item.version, result, ...(note ? { note } : {}) });
      setMessage(t('console.spotChecks.done', { number: item.number, result: t(`console.spotChecks.${result}`) }));
      list.reload();
      kpi.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function savePercent() {
    setError(null);
    try {
      const n = Number(percent);
      await request('PUT', `/api/case-settings/${subdistrictId}`, { spotCheckPercent: n });
      setMessage(t('console.spotChecks.percentSaved', { n }));
      settings.reload();
    } catch (err) {
      setError(err);
    }
  }

  const k = kpi.data;
  return (
    <section data-testid="spot-checks-page">
      <div className="page-head">
        <h1>{t('console.spotChecks.title')}</h1>
      </div>
      <p className="muted">{t('console.spotChecks.hint')}</p>
      {k ? <p data-testid="spot-check-kpi">{t('console.spotChecks.kpi', { ...k, sampleRate: floorPercent(k.sampled, k.selfResolved), passRate: floorPercent(k.passed, k.passed + k.failed) })}</p> : null}
      {canSet ? (
        <p className="row">
          <label className="field">
            <span>{t('console.spotChecks.percent')}</span>
            <input type="number" min={0} max={100} value={percent || String(settings.data?.spotCheckPercent ?? '')} onChange={(e) => setPercent(e.target.value)} data-testid="spot-check-percent" />
          </label>{' '}
          <button type="button" className="btn btn-small" disabled={!percent} onClick={() => void savePercent()} data-testid="spot-check-percent-save">{t('console.spotChecks.savePercent')}</button>
        </p>
      ) : null}
      <p>
        <label className="field">
          <span>{t('console.spotChecks.state')}</span>
          <select value={state} onChange={(e) => setState(e.target.value as State)} data-testid="spot-check-state">
            {(['pending', 'passed', 'failed'] as const).map((s) => <option key={s} value={s}>{t(`console.spotChecks.${s}`)}</option>)}
          </select>
        </label>
      </p>
      {message ? <p className="alert alert-ok" data-testid="spot-check-result">{message}</p> : null}
      {error ? <p className="alert alert-error" data-testid="spot-check-error">{errorText(t, error)}</p> : null}
      <table className="table" data-testid="spot-check-table">
        <thead>
          <tr>
            <th>{t('console.spotChecks.number')}</th><th>{t('console.spotChecks.category')}</th><th>{t('console.spotChecks.committee')}</th>
            <th>{t('console.spotChecks.finder')}</th><th>{t('console.spotChecks.reported')}</th><th>{t('console.spotChecks.description')}</th><th>{t('console.spotChecks.photos')}</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((c) => (
            <tr key={c.id} data-testid="spot-check-row" data-id={c.id}>
              <td><Link to={`/cases/${c.id}`}>{c.number}</Link></td>
              <td>{lang.startsWith('en') ? c.categoryEn : c.categoryZh}</td>
              <td>{c.committeeName}</td>
              <td>{c.finderName ?? ''}</td>
              <td>{formatTime(c.reportedAt, lang)}</td>
              <td>{c.description}</td>
              <td><BeforeAfter item={c} /></td>
              <td>
                {c.spotCheck === 'pending' ? (
                  <div className="spot-verdict">
                    <input aria-label={t('console.spotChecks.note')} placeholder={t('console.spotChecks.note')} value={notes[c.id] ?? ''} maxLength={2000}
                      onChange={(e) => setNotes({ ...notes, [c.id]: e.target.value })} data-testid="spot-check-note" />
                    <span className="spot-verdict-buttons">
                      <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void record(c, 'passed')} data-testid="spot-check-pass">{t('console.spotChecks.pass')}</button>
                      <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void record(c, 'failed')} data-testid="spot-check-fail">{t('console.spotChecks.fail')}</button>
                    </span>
                  </div>
                ) : <span>{t(`console.spotChecks.${c.spotCheck}`)} {c.spotCheckedAt ? formatTime(c.spotCheckedAt, lang) : ''}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && !list.data.items.length ? <p className="muted">{t('console.spotChecks.empty')}</p> : null}
    </section>
  );
}
