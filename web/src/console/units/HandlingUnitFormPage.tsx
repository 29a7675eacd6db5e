import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import '../../shared/i18n/handling-units';
import { type HandlingUnitRow, UNIT_KINDS, type UnitKind, type UnitStatus } from './unit-types';

interface Form {
  subdistrictId: string;
  kind: UnitKind;
  committeeId: string;
  name: string;
  nameEn: string;
  contactName: string;
  contactPhone: string;
  status: UnitStatus;
}
const SHOWN = ['subdistrictId', 'kind', 'committeeId', 'name', 'nameEn', 'contactName', 'contactPhone', 'status'];
const orNull = (s: string) => s.trim() || null;

/** Adds a handling unit, or edits one (names, contact, kind and committee, active or retired). */
export function HandlingUnitFormPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const { places } = useMe();
  const navigate = useNavigate();
  const en = i18n.language === 'en';
  const [form, setForm] = useState<Form>({
    subdistrictId: places.subdistricts[0]?.id ?? '', kind: 'property_company', committeeId: '',
    name: '', nameEn: '', contactName: '', contactPhone: '', status: 'active',
  });
  const [loaded, setLoaded] = useState(!id);
  // The phone as loaded: sent back only when changed (a number the server masked is never saved over the real one).
  const [loadedPhone, setLoadedPhone] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api.get<HandlingUnitRow>(`/api/handling-units/${encodeURIComponent(id)}`).then((u) => {
      setForm({
        subdistrictId: u.subdistrictId, kind: u.kind, committeeId: u.committeeId ?? '', name: u.name, nameEn: u.nameEn ?? '',
        contactName: u.contactName ?? '', contactPhone: u.contactPhone ?? '', status: u.status,
      });
      setLoadedPhone(u.contactPhone ?? '');
      setLoaded(true);
    }, setError);
  }, [id]);

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const input = (name: 'name' | 'nameEn' | 'contactName' | 'contactPhone', extra: Record<string, unknown> = {}) => (
    <input name={name} data-testid={`unit-${name}`} value={form[name]} onChange={(e) => set({ [name]: e.target.value })} {...extra} />
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    const common = {
      kind: form.kind,
      committeeId: form.committeeId || null,
      name: form.name,
      nameEn: orNull(form.nameEn),
      contactName: orNull(form.contactName),
      contactPhone: orNull(form.contactPhone),
    };
    try {
      if (id) {
        const { contactPhone, ...rest } = common;
        await api.patch(`/api/handling-units/${encodeURIComponent(id)}`, { ...rest, ...(form.contactPhone !== loadedPhone ? { contactPhone } : {}), status: form.status });
      }
      else await api.post('/api/handling-units', { ...common, subdistrictId: form.subdistrictId });
      navigate('/handling-units');
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
      setBusy(false);
    }
  }

  const committees = places.committees.filter((c) => c.subdistrictId === form.subdistrictId);
  const subdistrict = places.subdistricts.find((s) => s.id === form.subdistrictId);
  return (
    <section className="units-form">
      <h1>{id ? t('units.titleEdit') : t('units.titleNew')}</h1>
      {error ? <p className="alert alert-error" role="alert">{errors.length ? t('siteForm.fixErrors') : errorText(t, error)}</p> : null}
      <OtherFieldErrors errors={errors} shown={SHOWN} />
      {loaded ? (
        <form className="card narrow" onSubmit={submit} noValidate data-testid="unit-form">
          <Field label={t('units.subdistrict')} name="subdistrictId" errors={errors}>
            {id || places.subdistricts.length < 2 ? (
              <input name="subdistrictId" value={subdistrict ? (en ? subdistrict.nameEn : subdistrict.name) : ''} disabled />
            ) : (
              <select name="subdistrictId" value={form.subdistrictId} onChange={(e) => set({ subdistrictId: e.target.value, committeeId: '' })}>
                {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{en ? s.nameEn : s.name}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('units.kind')} name="kind" errors={errors} hint={id ? t('units.kindLockedHint') : undefined}>
            <select name="kind" data-testid="unit-kind" value={form.kind} onChange={(e) => set({ kind: e.target.value as UnitKind })}>
              {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`units.kinds.${k}`)}</option>)}
            </select>
          </Field>
          <Field label={t('units.committee')} name="committeeId" errors={errors}>
            <select name="committeeId" data-testid="unit-committeeId" value={form.committeeId} onChange={(e) => set({ committeeId: e.target.value })}>
              <option value="">{t('units.noCommittee')}</option>
              {committees.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.name}</option>)}
            </select>
          </Field>
          <Field label={t('units.name')} name="name" errors={errors}>{input('name', { autoComplete: 'organization' })}</Field>
          <Field label={t('units.nameEn')} name="nameEn" errors={errors} hint={t('units.nameEnHint')}>{input('nameEn', { lang: 'en' })}</Field>
          <Field label={t('units.contactName')} name="contactName" errors={errors}>{input('contactName', { autoComplete: 'off' })}</Field>
          <Field label={t('units.contactPhone')} name="contactPhone" errors={errors}>{input('contactPhone', { inputMode: 'tel', autoComplete: 'off' })}</Field>
          {id ? (
            <Field label={t('units.status')} name="status" errors={errors}>
              <select name="status" data-testid="unit-status-select" value={form.status} onChange={(e) => set({ status: e.target.value as UnitStatus })}>
                <option value="active">{t('units.statuses.active')}</option>
                <option value="retired">{t('units.statuses.retired')}</option>
              </select>
            </Field>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="unit-save" disabled={busy}>{busy ? t('common.saving') : t('common.save')}</button>
            <button type="button" className="btn" onClick={() => navigate('/handling-units')}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
