import '../../shared/i18n/cases';
import '../../shared/i18n/console';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { postWithKey } from '../../shared/case-api';
import { type CaseDetail, type CaseSource, type CategoryNode, type DuplicateCandidate, idemKey, leafCategories } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import { formatTime } from '../../shared/format';
import { SiteMap } from '../../shared/map/SiteMap';
import type { Page, Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import './cases.css';

/** Sources the desk takes in by hand (lifecycle SOURCES allowing operator/admin), citizen report first. */
export const DESK_SOURCES: CaseSource[] = ['citizen', 'camera', 'iot', 'patrol'];
const SHOWN = ['source', 'categoryId', 'committeeId', 'siteId', 'lng', 'lat', 'description', 'photoIds'];

/** 新建案件: a citizen complaint (市民投诉) or another desk source, into the loop as "to file". */
export function NewCasePage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const { places } = useMe();
  const navigate = useNavigate();
  const [source, setSource] = useState<CaseSource>('citizen');
  const [categoryId, setCategoryId] = useState('');
  const [committeeId, setCommitteeId] = useState(places.committees[0]?.id ?? '');
  const [siteQuery, setSiteQuery] = useState('');
  const [siteId, setSiteId] = useState('');
  const [lng, setLng] = useState('');
  const [lat, setLat] = useState('');
  const [description, setDescription] = useState('');
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key for this case: a retried submit (double click, lost answer) creates one case, not two.
  const [key] = useState(idemKey);

  const catalogue = useApi(() => api.get<{ items: CategoryNode[] }>('/api/catalogue', { filing: 'true' }), []);
  const leaves = useMemo(() => leafCategories(catalogue.data?.items ?? []), [catalogue.data]);
  const sites = useApi(
    () => (committeeId ? api.get<Page<Site>>('/api/sites', { committeeId, q: siteQuery.trim() || undefined, status: 'active', limit: 100 }) : Promise.resolve(null)),
    [committeeId, siteQuery],
  );
  const site = sites.data?.items.find((s) => s.id === siteId) ?? null;
  const point = site ? { lng: site.lng, lat: site.lat } : lng && lat && Number.isFinite(+lng) && Number.isFinite(+lat) ? { lng: +lng, lat: +lat } : null;

  async function submit(e: FormEvent | null, anyway = false) {
    e?.preventDefault();
    setErrors([]);
    setError(null);
    if (!point) {
      setErrors([{ field: 'lng', reason: t('console.newCase.pickOnMap') }]);
      return;
    }
    setBusy(true);
    try {
      if (!anyway && categoryId) {
        const d = await api.get<{ items: DuplicateCandidate[] }>('/api/cases/duplicates', { categoryId, lng: point.lng, lat: point.lat });
        if (d.items.length) {
          setDuplicates(d.items);
          return;
        }
      }
      const body = {
        source, categoryId, description: description.trim(), lng: point.lng, lat: point.lat, photoIds,
        ...(site ? { siteId: site.id } : { committeeId }),
      };
      const c = await postWithKey<CaseDetail>('/api/cases', body, key);
      navigate(`/cases/${c.id}`, { state: { created: c.number } });
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setUploading(true);
    try {
      const p = await api.upload<{ id: string }>('/api/photos', file);
      setPhotoIds((ids) => [...ids, p.id]);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors([{ field: 'photoIds', reason: errorText(t, err) }]);
    } finally {
      setUploading(false);
    }
  }

  return (
    <section className="new-case" data-testid="new-case-page">
      <div className="page-head">
        <h1>{t('console.newCase.title')}</h1>
        <Link to="/cases">{t('cases.detail.back')}</Link>
      </div>
      <p className="muted">{t('console.newCase.hint')}</p>
      <form className="detail-grid" onSubmit={(e) => void submit(e)}>
        <div className="card">
          <Field label={t('console.newCase.source')} name="source" errors={errors}>
            <select value={source} onChange={(e) => setSource(e.target.value as CaseSource)} data-testid="new-source">
              {DESK_SOURCES.map((s) => <option key={s} value={s}>{t(`cases.source.${s}`)}</option>)}
            </select>
          </Field>
          <Field label={t('console.newCase.category')} name="categoryId" errors={errors}>
            <select value={categoryId} onChange={(e) => { setCategoryId(e.target.value); setDuplicates(null); }} required data-testid="new-category">
              <option value="">{t('console.newCase.choose')}</option>
              {leaves.map(({ node, path }) => (
                <option key={node.id} value={node.id}>
                  {[...path, node].map((n) => (en ? n.nameEn : n.nameZh)).join(' / ')}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('console.newCase.committee')} name="committeeId" errors={errors}>
            <select value={committeeId} onChange={(e) => { setCommitteeId(e.target.value); setSiteId(''); setDuplicates(null); }} required data-testid="new-committee">
              {places.committees.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.name}</option>)}
            </select>
          </Field>
          <Field label={t('console.newCase.site')} name="siteId" errors={errors}>
            <input type="search" value={siteQuery} placeholder={t('console.newCase.siteSearch')} onChange={(e) => setSiteQuery(e.target.value)} data-testid="new-site-search" />
            <select value={siteId} onChange={(e) => { setSiteId(e.target.value); setDuplicates(null); }} data-testid="new-site">
              <option value="">{t('console.newCase.noSite')}</option>
              {(sites.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name} · {s.address}</option>)}
            </select>
          </Field>
          <Field label={t('console.newCase.description')} name="description" errors={errors}>
            <textarea value={description} onChange={(e) => setDescription(e.target.value)} required maxLength={2000} rows={4} data-testid="new-description" />
          </Field>
          <Field label={t('console.newCase.photo')} name="photoIds" errors={errors} hint={photoIds.length ? t('console.newCase.uploaded', { n: photoIds.length }) : undefined}>
            <input type="file" accept="image/*" onChange={(e) => void upload(e.target.files?.[0])} data-testid="new-photo" />
          </Field>
          {uploading ? <p className="muted" data-testid="new-photo-uploading">{t('common.loading')}</p> : null}
        </div>
        <div className="card">
          <h2>{t('console.newCase.location')}</h2>
          {site ? (
            <p data-testid="new-site-point">{site.name} · {site.lng.toFixed(6)}, {site.lat.toFixed(6)}</p>
          ) : (
            <>
              <p className="muted">{t('console.newCase.pickOnMap')}</p>
              <div className="row-2">
                <Field label={t('console.newCase.lng')} name="lng" errors={errors}>
                  <input value={lng} inputMode="decimal" onChange={(e) => setLng(e.target.value)} data-testid="new-lng" />
                </Field>
                <Field label={t('console.newCase.lat')} name="lat" errors={errors}>
                  <input value={lat} inputMode="decimal" onChange={(e) => setLat(e.target.value)} data-testid="new-lat" />
                </Field>
              </div>
            </>
          )}
          <SiteMap className="form-map" markers={[]} fit={false} pin={point} onPick={site ? undefined : (p) => { setLng(p.lng.toFixed(6)); setLat(p.lat.toFixed(6)); }} />
        </div>
        <div className="card">
          <OtherFieldErrors errors={errors} shown={SHOWN} />
          {error && !errors.length ? <p className="alert alert-error" role="alert" data-testid="new-error">{errorText(t, error)}</p> : null}
          {duplicates?.length ? (
            <div className="alert alert-info" data-testid="new-duplicates">
              <p>{t('console.newCase.duplicates')}</p>
              <ul>
                {duplicates.map((d) => (
                  <li key={d.id}>
                    <Link to={`/cases/${d.id}`}>{d.number}</Link> · {t(`cases.status.${d.status}`)} · {Math.round(d.distanceM)} m · {formatTime(d.reportedAt, i18n.language)} · {d.description}
                  </li>
                ))}
              </ul>
              <button type="button" className="btn" disabled={busy} onClick={() => void submit(null, true)} data-testid="new-submit-anyway">{t('console.newCase.sendAnyway')}</button>
            </div>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || uploading} data-testid="new-submit">{t('console.newCase.submit')}</button>
            <Link className="btn btn-ghost" to="/cases">{t('console.newCase.cancel')}</Link>
          </div>
        </div>
      </form>
    </section>
  );
}
