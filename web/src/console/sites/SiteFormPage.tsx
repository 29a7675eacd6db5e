import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { SiteMap } from '../../shared/map/SiteMap';
import { PARTY_KINDS, SITE_KINDS, type Site } from '../../shared/types';
import { PlaceOptions } from '../registry/PlaceOptions';
import { FormActions, SaveErrors } from '../registry/RegisterForm';
import { useRecordToEdit, useRegisterForm } from '../registry/use-register-form';
import { EMPTY_SITE, fromSite, type SiteFormState, toBody } from './site-form-state';

const SHOWN = ['kind', 'name', 'address', 'committeeId', 'gridCode', 'lng', 'lat', 'disposalHours', 'qrCode', 'responsibleParty'];

export function SiteFormPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { places } = useMe();
  const navigate = useNavigate();
  const { form, setForm, set, input, errors, error, busy, save, refuse } = useRegisterForm<SiteFormState>(EMPTY_SITE);
  const [version, setVersion] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);

  useRecordToEdit<Site>(id, (id) => `/api/sites/${encodeURIComponent(id)}`, (s) => {
    setForm(fromSite(s));
    setVersion(s.version);
  }, setLoadError);

  const grids = places.grids.filter((g) => g.committeeId === form.committeeId);
  const pin = useMemo(() => {
    const lng = Number(form.lng);
    const lat = Number(form.lat);
    return form.lng && form.lat && Number.isFinite(lng) && Number.isFinite(lat) ? { lng, lat } : null;
  }, [form.lng, form.lat]);

  function submit(e: FormEvent) {
    const built = toBody(form, id ? version : null);
    if ('badField' in built) return refuse(e, [{ field: 'disposalHours', reason: t('siteForm.badHours') }]);
    return save(e, async () => {
      const saved = id
        ? await api.patch<Site>(`/api/sites/${encodeURIComponent(id)}`, built.body)
        : await api.post<Site>('/api/sites', built.body);
      navigate(`/sites/${saved.id}`);
    });
  }

  if (loadError) return <p className="alert alert-error" data-testid="not-found">{errorText(t, loadError)}</p>;

  return (
    <section className="site-form">
      <h1>{id ? t('siteForm.titleEdit') : t('siteForm.titleNew')}</h1>
      <SaveErrors error={error} errors={errors} shown={SHOWN} />
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
              <PlaceOptions places={places.committees} />
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
        <FormActions busy={busy} saveTestId="site-save" onCancel={() => navigate(-1)} />
      </form>
    </section>
  );
}
