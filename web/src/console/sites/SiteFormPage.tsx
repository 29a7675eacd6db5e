import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import { SiteMap } from '../../shared/map/SiteMap';
import { PARTY_KINDS, SITE_KINDS, type Site } from '../../shared/types';
import { EMPTY_SITE, fromSite, type SiteFormState, toBody } from './site-form-state';

const SHOWN = ['kind', 'name', 'address', 'committeeId', 'gridCode', 'lng', 'lat', 'disposalHours', 'qrCode', 'responsibleParty'];

export function SiteFormPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const { places } = useMe();
  const navigate = useNavigate();
  const en = i18n.language === 'en';
  const [form, setForm] = useState<SiteFormState>(EMPTY_SITE);
  const [version, setVersion] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api.get<Site>(`/api/sites/${encodeURIComponent(id)}`).then(
      (s) => {
        setForm(fromSite(s));
        setVersion(s.version);
      },
      setLoadError,
    );
  }, [id]);

  const set = (patch: Partial<SiteFormState>) => setForm((f) => ({ ...f, ...patch }));
  const grids = places.grids.filter((g) => g.committeeId === form.committeeId);
  const pin = useMemo(() => {
    const lng = Number(form.lng);
    const lat = Number(form.lat);
    return form.lng && form.lat && Number.isFinite(lng) && Number.isFinite(lat) ? { lng, lat } : null;
  }, [form.lng, form.lat]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    const built = toBody(form, id ? version : null);
    if ('badField' in built) {
      setErrors([{ field: 'disposalHours', reason: t('siteForm.badHours') }]);
      return;
    }
    setBusy(true);
    try {
      const saved = id
        ? await api.patch<Site>(`/api/sites/${encodeURIComponent(id)}`, built.body)
        : await api.post<Site>('/api/sites', built.body);
      navigate(`/sites/${saved.id}`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
      setBusy(false);
    }
  }

  if (loadError) return <p className="alert alert-error" data-testid="not-found">{errorText(t, loadError)}</p>;
  const input = (name: keyof SiteFormState, extra: Record<string, unknown> = {}) => (
    <input name={name} value={form[name]} onChange={(e) => set({ [name]: e.target.value } as Partial<SiteFormState>)} {...extra} />
  );

  return (
    <section className="site-form">
      <h1>{id ? t('siteForm.titleEdit') : t('siteForm.titleNew')}</h1>
      {error ? (
        <p className="alert alert-error" role="alert">
          {errors.length ? t('siteForm.fixErrors') : errorText(t, error)}
        </p>
      ) : null}
      <OtherFieldErrors errors={errors} shown={SHOWN} />
      <form className="form-grid" onSubmit={submit} noValidate>
        <div className="card">
          {!id ? (
            <Field label={t('siteForm.kind')} name="kind" errors={errors}>
              <select name="kind" value={form.kind} onChange={(e) => set({ kind: e.target.value as SiteFormState['kind'] })}>
                {SITE_KINDS.map((k) => <option key={k} value={k}>{t(`kinds.${k}`)}</option>)}
              </select>
            </Field>
          ) : null}
          <Field label={t('siteForm.name')} name="name" errors={errors}>{input('name')}</Field>
          <Field label={t('siteForm.address')} name="address" errors={errors}>{input('address')}</Field>
          <Field label={t('siteForm.committee')} name="committeeId" errors={errors}>
            <select name="committeeId" value={form.committeeId} onChange={(e) => set({ committeeId: e.target.value, gridCode: '' })}>
              <option value="">{t('siteForm.chooseCommittee')}</option>
              {places.committees.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.name}</option>)}
            </select>
          </Field>
          <Field label={t('siteForm.grid')} name="gridCode" errors={errors}>
            <select name="gridCode" value={form.gridCode} onChange={(e) => set({ gridCode: e.target.value })}>
              <option value="">{t('siteForm.noGrid')}</option>
              {grids.map((g) => <option key={g.id} value={g.code}>{g.code} {g.name}</option>)}
            </select>
          </Field>
          {form.kind === 'bin_room' ? (
            <Field label={t('siteForm.disposalHours')} name="disposalHours" errors={errors} hint={t('siteForm.disposalHoursHint')}>
              {input('hours')}
            </Field>
          ) : null}
          <Field label={t('siteForm.qrCode')} name="qrCode" errors={errors}>{input('qrCode')}</Field>
        </div>
        <div className="card">
          <Field label={t('siteForm.partyName')} name="responsibleParty.name" errors={errors}>{input('partyName')}</Field>
          <Field label={t('siteForm.partyKind')} name="responsibleParty.kind" errors={errors}>
            <select name="partyKind" value={form.partyKind} onChange={(e) => set({ partyKind: e.target.value as SiteFormState['partyKind'] })}>
              {PARTY_KINDS.map((k) => <option key={k} value={k}>{t(`partyKinds.${k}`)}</option>)}
            </select>
          </Field>
          <Field label={t('siteForm.contactName')} name="responsibleParty.contactName" errors={errors}>{input('contactName')}</Field>
          <Field label={t('siteForm.contactPhone')} name="responsibleParty.contactPhone" errors={errors}>{input('contactPhone')}</Field>
          <div className="row-2">
            <Field label={t('siteForm.lng')} name="lng" errors={errors}>{input('lng', { inputMode: 'decimal' })}</Field>
            <Field label={t('siteForm.lat')} name="lat" errors={errors}>{input('lat', { inputMode: 'decimal' })}</Field>
          </div>
          <p className="hint">{t('siteForm.pickOnMap')}</p>
          <SiteMap className="form-map" markers={[]} fit={false} pin={pin} onPick={(p) => set({ lng: p.lng.toFixed(6), lat: p.lat.toFixed(6) })} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="site-save" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
          <button type="button" className="btn" onClick={() => navigate(-1)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
