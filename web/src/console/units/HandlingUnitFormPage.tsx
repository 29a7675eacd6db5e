import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { Field } from '../../shared/FieldErrors';
import '../../shared/i18n/handling-units';
import { PlaceOptions } from '../registry/PlaceOptions';
import { FormActions, SaveErrors, StatusField } from '../registry/RegisterForm';
import { useRecordToEdit, useRegisterForm } from '../registry/use-register-form';
import { type HandlingUnitRow, UNIT_KINDS, UNIT_STATUSES, type UnitKind, type UnitStatus } from './unit-types';

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
  const { form, setForm, set, input: textInput, errors, error, setError, busy, save } = useRegisterForm<Form>({
    subdistrictId: places.subdistricts[0]?.id ?? '', kind: 'property_company', committeeId: '',
    name: '', nameEn: '', contactName: '', contactPhone: '', status: 'active',
  });
  const [loaded, setLoaded] = useState(!id);
  // The phone as loaded: sent back only when changed (a number the server masked is never saved over the real one).
  const [loadedPhone, setLoadedPhone] = useState('');

  useRecordToEdit<HandlingUnitRow>(id, (id) => `/api/handling-units/${encodeURIComponent(id)}`, (u) => {
    setForm({
      subdistrictId: u.subdistrictId, kind: u.kind, committeeId: u.committeeId ?? '', name: u.name, nameEn: u.nameEn ?? '',
      contactName: u.contactName ?? '', contactPhone: u.contactPhone ?? '', status: u.status,
    });
    setLoadedPhone(u.contactPhone ?? '');
    setLoaded(true);
  }, setError);

  const input = (name: 'name' | 'nameEn' | 'contactName' | 'contactPhone', extra: Parameters<typeof textInput>[1] = {}) =>
    textInput(name, { 'data-testid': `unit-${name}`, ...extra });

  const submit = (e: FormEvent) => save(e, async () => {
    const common = {
      kind: form.kind,
      committeeId: form.committeeId || null,
      name: form.name,
      nameEn: orNull(form.nameEn),
      contactName: orNull(form.contactName),
      contactPhone: orNull(form.contactPhone),
    };
    if (id) {
      const { contactPhone, ...rest } = common;
      await api.patch(`/api/handling-units/${encodeURIComponent(id)}`, { ...rest, ...(form.contactPhone !== loadedPhone ? { contactPhone } : {}), status: form.status });
    }
    else await api.post('/api/handling-units', { ...common, subdistrictId: form.subdistrictId });
    navigate('/handling-units');
  });

  const committees = places.committees.filter((c) => c.subdistrictId === form.subdistrictId);
  const subdistrict = places.subdistricts.find((s) => s.id === form.subdistrictId);
  return (
    <section className="units-form">
      <h1>{id ? t('units.titleEdit') : t('units.titleNew')}</h1>
      <SaveErrors error={error} errors={errors} shown={SHOWN} />
      {loaded ? (
        <form className="card narrow" onSubmit={submit} noValidate data-testid="unit-form">
          <Field label={t('units.subdistrict')} name="subdistrictId" errors={errors}>
            {id || places.subdistricts.length < 2 ? (
              <input name="subdistrictId" value={subdistrict ? (en ? subdistrict.nameEn : subdistrict.name) : ''} disabled />
            ) : (
              <select name="subdistrictId" value={form.subdistrictId} onChange={(e) => set({ subdistrictId: e.target.value, committeeId: '' })}>
                <PlaceOptions places={places.subdistricts} />
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
              <PlaceOptions places={committees} />
            </select>
          </Field>
          <Field label={t('units.name')} name="name" errors={errors}>{input('name', { autoComplete: 'organization' })}</Field>
          <Field label={t('units.nameEn')} name="nameEn" errors={errors} hint={t('units.nameEnHint')}>{input('nameEn', { lang: 'en' })}</Field>
          <Field label={t('units.contactName')} name="contactName" errors={errors}>{input('contactName', { autoComplete: 'off' })}</Field>
          <Field label={t('units.contactPhone')} name="contactPhone" errors={errors}>{input('contactPhone', { inputMode: 'tel', autoComplete: 'off' })}</Field>
          {id ? (
            <StatusField
              label={t('units.status')}
              errors={errors}
              value={form.status}
              statuses={UNIT_STATUSES}
              statusLabel={(s) => t(`units.statuses.${s}`)}
              onChange={(status) => set({ status })}
              testId="unit-status-select"
            />
          ) : null}
          <FormActions busy={busy} saveTestId="unit-save" onCancel={() => navigate('/handling-units')} />
        </form>
      ) : null}
    </section>
  );
}
