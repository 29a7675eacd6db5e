import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../shared/api';
import { errorText } from '../shared/errors';
import type { LngLat } from '../shared/geo/gcj02';
import { SiteMap } from '../shared/map/SiteMap';
import { type PreparedPhoto, preparePhoto } from '../shared/photos/compress';
import { newDraftToken } from './draft-token';
import { appendCaptureExif } from '../shared/capture-exif';
import { myReports, rememberReport } from './my-reports';
import { solvedChallenge } from './solve-challenge';

interface Near {
  jurisdictionId: string;
  subdistrict: string;
  subdistrictEn: string;
  siteKind: string;
  nearestSite: string;
  distanceM: number;
  categories: { code: string; nameZh: string; nameEn: string; group: string; groupEn: string }[];
}

interface Filed {
  number: string;
  token: string;
  trackPath: string;
}

const NO_MARKERS: never[] = [];

/** The report form: where (my location or the map), what (categories for the nearest site type), photo, description, phone. */
export function ReportPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [point, setPoint] = useState<LngLat | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateFailed, setLocateFailed] = useState(false);
  const [near, setNear] = useState<Near | null>(null);
  const [nearError, setNearError] = useState('');
  const [code, setCode] = useState('');
  const [photo, setPhoto] = useState<PreparedPhoto | null>(null);
  const [preview, setPreview] = useState('');
  const [preparing, setPreparing] = useState(false);
  const [description, setDescription] = useState('');
  const [phone, setPhone] = useState('');
  const [step, setStep] = useState<'' | 'solving' | 'sending'>('');
  const [error, setError] = useState('');
  const [filed, setFiled] = useState<Filed | null>(null);
  const mine = useMemo(myReports, [filed]);
  /** The draft last sent and its client token: kept across retries of that draft. */
  const draft = useRef<{ key: string; photo: PreparedPhoto; token: string } | null>(null);
  /** Filed: the result's heading takes the focus (the form and its button are gone). */
  const filedTitle = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (filed) filedTitle.current?.focus();
  }, [filed]);

  useEffect(() => {
    if (!point) return;
    let live = true;
    setNear(null);
    setNearError('');
    api
      .get<Near>('/api/public/reports/categories', { lat: point.lat.toFixed(6), lng: point.lng.toFixed(6) })
      .then((n) => {
        if (!live) return;
        setNear(n);
        setCode((c) => (n.categories.some((x) => x.code === c) ? c : ''));
      })
      .catch((e: unknown) => live && setNearError(errorText(t, e)));
    return () => {
      live = false;
    };
  }, [point, t]);

  useEffect(() => () => {
    if (preview) URL.revokeObjectURL(preview);
  }, [preview]);

  function locateMe() {
    if (!('geolocation' in navigator)) {
      setLocateFailed(true);
      return;
    }
    setLocating(true);
    setLocateFailed(false);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPoint({ lng: p.coords.longitude, lat: p.coords.latitude });
      },
      () => {
        setLocating(false);
        setLocateFailed(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  async function onPhoto(file: File | undefined) {
    if (!file) return;
    setPreparing(true);
    try {
      const p = await preparePhoto(file);
      setPhoto(p);
      setPreview(URL.createObjectURL(p.blob));
    } finally {
      setPreparing(false);
    }
  }

  const groups = useMemo(() => {
    const out = new Map<string, Near['categories']>();
    for (const c of near?.categories ?? []) {
      const g = en && c.groupEn ? c.groupEn : c.group;
      out.set(g, [...(out.get(g) ?? []), c]);
    }
    return [...out];
  }, [near, en]);

  const missing = !point || !near ? t('pub.needPoint') : !code ? t('pub.needCategory') : !photo ? t('pub.needPhoto') : !description.trim() ? t('pub.needDescription') : '';

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (step) return;
    if (missing || !point || !near || !photo) {
      setError(missing);
      return;
    }
    setError('');
    try {
      setStep('solving');
      const pow = await solvedChallenge();
      setStep('sending');
      const form = new FormData();
      form.append('jurisdiction_id', near.jurisdictionId);
      form.append('service_code', code);
      form.append('lat', point.lat.toFixed(7));
      form.append('lng', point.lng.toFixed(7));
      form.append('site_kind', near.siteKind);
      form.append('description', description.trim());
      if (phone.trim()) form.append('phone', phone.trim());
      appendCaptureExif(form, { takenAt: 'exif_taken_at', lat: 'exif_lat', lng: 'exif_lng' }, photo);
      const key = JSON.stringify([near.jurisdictionId, code, point.lat.toFixed(7), point.lng.toFixed(7), near.siteKind, description.trim(), phone.trim()]);
      if (draft.current?.key !== key || draft.current.photo !== photo) draft.current = { key, photo, token: newDraftToken() };
      form.append('client_token', draft.current.token);
      form.append('photo', photo.blob, photo.name.endsWith('.jpg') ? photo.name : `${photo.name}.jpg`);
      const r = await request<Filed>('POST', '/api/public/reports', form, { 'x-pow-challenge': pow.challenge, 'x-pow-nonce': pow.nonce });
      draft.current = null;
      rememberReport({ number: r.number, trackPath: r.trackPath, at: new Date().toISOString() });
      setFiled(r);
    } catch (err) {
      // A refusal names the fields with this form's words (联系电话, not the console's 手机).
      setError(errorText(t, err, { service_code: t('pub.category'), description: t('pub.description'), phone: t('pub.phone') }));
    } finally {
      setStep('');
    }
  }

  if (filed) {
    const url = `${window.location.origin}${filed.trackPath}`;
    return (
      <main data-testid="report-filed" data-number={filed.number}>
        <h1 tabIndex={-1} ref={filedTitle} data-testid="report-filed-title">{t('pub.done')}</h1>
        <p className="p-number">{t('pub.number', { number: filed.number })}</p>
        <p>{t('pub.keepLink')}</p>
        <p className="p-link"><a href={filed.trackPath} data-testid="track-link">{url}</a></p>
        <a className="p-btn p-btn-primary" href={filed.trackPath}>{t('pub.trackLink')}</a>
        <a className="p-btn" href="/report">{t('pub.another')}</a>
      </main>
    );
  }

  return (
    <main>
      <p className="p-sub">{t('pub.subtitle')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2>{t('pub.where')}</h2>
        <button type="button" className="p-btn" onClick={locateMe} disabled={locating} data-testid="use-location">
          {locating ? t('pub.locating') : t('pub.useLocation')}
        </button>
        {locateFailed ? <p className="p-warn">{t('pub.locationFailed')}</p> : <p className="hint">{t('pub.tapMap')}</p>}
        <SiteMap markers={NO_MARKERS} fit={false} pin={point} onPick={setPoint} offlineOnly className="p-map" />
        {point && !near && !nearError ? <p className="hint">{t('pub.loadingCategories')}</p> : null}
        {nearError ? <p className="p-warn" data-testid="near-error">{nearError}</p> : null}
        {/* A live region that is always there: the point picked from the keyboard is read out. */}
        <div role="status">
          {near ? (
            <p className="p-near" data-testid="near" data-jurisdiction={near.jurisdictionId} data-kind={near.siteKind}>
              {t('pub.pointSet', { subdistrict: en ? near.subdistrictEn : near.subdistrict, site: near.nearestSite, kind: t(`kinds.${near.siteKind}`), m: near.distanceM })}
            </p>
          ) : null}
        </div>

        <h2>{t('pub.what')}</h2>
        <label className="field">
          <span>{t('pub.category')}</span>
          <select className="p-input" value={code} onChange={(e) => setCode(e.target.value)} disabled={!near} data-testid="category">
            <option value="">{t('pub.choose')}</option>
            {groups.map(([group, cats]) => (
              <optgroup key={group} label={group}>
                {cats.map((c) => <option key={c.code} value={c.code}>{en ? c.nameEn : c.nameZh}</option>)}
              </optgroup>
            ))}
          </select>
        </label>

        <h2>{t('pub.photo')}</h2>
        <label className="p-btn p-file">
          {preparing ? t('pub.preparing') : t('pub.takePhoto')}
          <input type="file" accept="image/*" capture="environment" onChange={(e) => void onPhoto(e.target.files?.[0])} data-testid="photo" />
        </label>
        {photo ? (
          <figure className="p-preview">
            <img src={preview} alt="" />
            <figcaption className="hint" data-testid="photo-ready">{t('pub.photoReady', { kb: Math.round(photo.blob.size / 1024) })}</figcaption>
          </figure>
        ) : null}

        <label className="field">
          <span>{t('pub.description')}</span>
          <textarea className="p-input" rows={3} maxLength={1000} value={description} placeholder={t('pub.descriptionHint')} onChange={(e) => setDescription(e.target.value)} data-testid="description" />
        </label>
        <label className="field">
          <span>{t('pub.optional', { name: t('pub.phone') })}</span>
          <input className="p-input" type="tel" inputMode="tel" autoComplete="tel" maxLength={20} value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="phone" />
          <small className="hint">{t('pub.phoneHint')}</small>
        </label>

        {error ? <p className="p-error" role="alert" data-testid="report-error">{error}</p> : null}
        {/* Busy: aria-disabled, not disabled, so the button pressed keeps the focus while the report is sent. */}
        <button type="submit" className="p-btn p-btn-primary" aria-disabled={!!step || undefined} data-testid="submit" aria-describedby={missing ? 'p-missing' : undefined}>
          {step === 'solving' ? t('pub.solving') : step === 'sending' ? t('pub.sending') : t('pub.submit')}
        </button>
        {missing ? <p className="hint" id="p-missing">{missing}</p> : null}
      </form>
      {mine.length ? (
        <section className="p-mine">
          <h2>{t('pub.mine')}</h2>
          <ul>{mine.map((r) => <li key={r.number}><a href={r.trackPath}>{r.number}</a></li>)}</ul>
        </section>
      ) : null}
    </main>
  );
}
