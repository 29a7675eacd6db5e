import '../../shared/i18n/enforcement';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import { useApi } from '../../shared/use-api';
import { PhotoInput } from '../patrol/PhotoInput';
import { TopBar } from '../TopBar';
import { usePosition } from '../use-position';

interface SiteHit { id: string; name: string; address: string; kind: string; responsibleParty?: { name: string } | null }
interface Basis { id: string; code: string; article: string; clause: string | null; dutyZh: string; dutyEn: string }
interface Category { id: string; level: string; code: string; nameZh: string; nameEn?: string; siteKinds: string[]; children: Category[] }

const flatten = (items: Category[]): Category[] => items.flatMap((c) => [c, ...flatten(c.children ?? [])]);

/** Opens an enforcement case at a shop or unit: the problem found, photos, the legal basis cited. */
export function OpenLadderPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const pos = usePosition();
  const [q, setQ] = useState('');
  const [site, setSite] = useState<SiteHit | null>(null);
  const [facts, setFacts] = useState('');
  const [basisId, setBasisId] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [photoId, setPhotoId] = useState<string | null>(null);
  const [error, setError] = useState('');
  const sites = useApi(() => (q.trim().length >= 2 ? api.get<{ items: SiteHit[] }>('/api/sites', { q, limit: 10 }) : Promise.resolve({ items: [] })), [q]);
  const bases = useApi(() => api.get<{ items: Basis[] }>('/api/enforcement/legal-bases'), []);
  const cats = useApi(() => api.get<{ items: Category[] }>('/api/catalogue', { filing: 'true' }), []);
  const standards = flatten(cats.data?.items ?? []).filter((c) => c.level === 'standard' && (!site || !c.siteKinds.length || c.siteKinds.includes(site.kind)));
  return (
    <div className="m-page">
      <TopBar title={t('enforcement.field.open')} />
      {!site ? (
        <>
          <input className="m-input" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('enforcement.field.searchSite')} aria-label={t('enforcement.field.searchSite')} data-testid="enf-site-search" />
          <ul className="m-list">
            {(sites.data?.items ?? []).map((s) => (
              <li key={s.id}><button type="button" className="m-item" onClick={() => setSite(s)} data-testid="enf-site-hit"><span className="m-item-name">{s.name}<small className="hint" style={{ display: 'block' }}>{s.address}</small></span></button></li>
            ))}
          </ul>
        </>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setError('');
            if (pos.status !== 'ok') return setError(t('enforcement.field.noGps'));
            try {
              // Offline or no answer: kept in the outbox (待发送) with its Idempotency-Key and sent later.
              const sent = await sendOrQueue<{ id: string }>({ label: `${t('enforcement.field.open2')} · ${site.name}`, path: '/api/enforcement/cases', body: {
                siteId: site.id, categoryId, legalBasisId: basisId || undefined, facts, photoIds: photoId ? [photoId] : [], gps: pos.position,
              } });
              if (sent.queued) navigate('/outbox');
              else navigate(`/enforcement/${sent.value.id}`);
            } catch (err) {
              setError(errorText(t, err));
            }
          }}
        >
          <p className="m-note"><strong>{site.name}</strong><br />{site.address}<br />{site.responsibleParty?.name}</p>
          <label className="field"><span>{t('enforcement.field.facts')}</span><textarea className="m-input" value={facts} onChange={(e) => setFacts(e.target.value)} data-testid="enf-facts" /></label>
          <label className="field">
            <span>{t('enforcement.field.legalBasis')}</span>
            <select className="m-input" value={basisId} onChange={(e) => setBasisId(e.target.value)} data-testid="enf-basis">
              <option value="" />
              {(bases.data?.items ?? []).map((b) => <option key={b.id} value={b.id}>{b.article}{b.clause ?? ''} · {i18n.language === 'en' ? b.dutyEn : b.dutyZh}</option>)}
            </select>
          </label>
          <label className="field">
            <span>{t('enforcement.field.category')}</span>
            <select className="m-input" value={categoryId} onChange={(e) => setCategoryId(e.target.value)} data-testid="enf-category">
              <option value="" />
              {standards.map((c) => <option key={c.id} value={c.id}>{c.code} {i18n.language === 'en' && c.nameEn ? c.nameEn : c.nameZh}</option>)}
            </select>
          </label>
          <PhotoInput label={t('enforcement.field.photos')} testId="enf-photo" onUploaded={(p) => setPhotoId(p?.id ?? null)} offline />
          {error ? <p className="alert alert-error" data-testid="enf-error">{error}</p> : null}
          <button type="submit" className="m-btn m-btn-primary m-btn-block" data-testid="enf-open-submit">{t('enforcement.field.open2')}</button>
        </form>
      )}
    </div>
  );
}
