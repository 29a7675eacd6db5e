import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { Field } from '../../shared/FieldErrors';
import { SignOutEverywhere } from './SignOutEverywhere';
import { OpenCasesNotice, openCasesOf } from './OpenCasesNotice';
import { ROLES, type Role, type Staff } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { PlaceOptions } from '../registry/PlaceOptions';
import { FormActions, SaveErrors, StatusField } from '../registry/RegisterForm';
import { useRecordToEdit, useRegisterForm } from '../registry/use-register-form';

interface Form {
  username: string;
  displayName: string;
  phone: string;
  role: Role;
  password: string;
  handlingUnitId: string;
  subdistrictId: string;
  committeeId: string;
  status: 'active' | 'disabled';
}
const SHOWN = ['username', 'displayName', 'phone', 'role', 'password', 'handlingUnitId', 'scopes', 'status'];
const STATUSES = ['active', 'disabled'] as const;

export function StaffFormPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { places } = useMe();
  const navigate = useNavigate();
  const { form, setForm, set, input, errors, error, setError, busy, save } = useRegisterForm<Form>({
    username: '', displayName: '', phone: '', role: 'patrol', password: '', handlingUnitId: '',
    subdistrictId: places.subdistricts[0]?.id ?? '', committeeId: '', status: 'active',
  });
  // Editing keeps every scope the person has unless the form's (first) scope is changed.
  const [loadedScope, setLoadedScope] = useState<string | null>(null);
  const units = useApi(() => api.get<{ items: { id: string; name: string; subdistrictId: string }[] }>('/api/handling-units'), []);

  useRecordToEdit<Staff>(id, (id) => `/api/staff/${encodeURIComponent(id)}`, (s) => {
    const sc = s.scopes[0];
    setLoadedScope(`${sc?.subdistrictId ?? ''}|${sc?.committeeId ?? ''}`);
    setForm({
      username: s.username, displayName: s.displayName, phone: s.phone ?? '', role: s.role, password: '',
      handlingUnitId: s.handlingUnitId ?? '', subdistrictId: sc?.subdistrictId ?? '', committeeId: sc?.committeeId ?? '', status: s.status,
    });
  }, setError);

  const submit = (e: FormEvent) => save(e, async () => {
    const common = {
      displayName: form.displayName,
      phone: form.phone.trim() || null,
      role: form.role,
      handlingUnitId: form.handlingUnitId || null,
      scopes: [{ subdistrictId: form.subdistrictId, committeeId: form.committeeId || null }],
    };
    if (id) {
      const { scopes, ...rest } = common;
      const scopeChanged = `${form.subdistrictId}|${form.committeeId}` !== loadedScope;
      await api.patch(`/api/staff/${encodeURIComponent(id)}`, {
        ...rest,
        status: form.status,
        ...(scopeChanged ? { scopes } : {}),
        ...(form.password ? { password: form.password } : {}),
      });
    }
    else await api.post('/api/staff', { ...common, username: form.username, password: form.password });
    navigate('/staff');
  });

  const committees = places.committees.filter((c) => c.subdistrictId === form.subdistrictId);
  return (
    <section className="staff-form">
      <h1>{id ? t('staffForm.titleEdit') : t('staffForm.titleNew')}</h1>
      <SaveErrors error={error} errors={errors} shown={SHOWN} notice={openCasesOf(error) ? <OpenCasesNotice error={error} of="staff" /> : null} />
      <form className="card narrow" onSubmit={submit} noValidate>
        <Field label={t('staff.username')} name="username" errors={errors}>{input('username', { disabled: !!id, autoComplete: 'off' })}</Field>
        <Field label={t('staff.displayName')} name="displayName" errors={errors}>{input('displayName')}</Field>
        <Field label={t('staff.phone')} name="phone" errors={errors}>{input('phone', { inputMode: 'tel' })}</Field>
        <Field label={t('staff.role')} name="role" errors={errors}>
          <select name="role" value={form.role} onChange={(e) => set({ role: e.target.value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
          </select>
        </Field>
        <Field label={t('staffForm.password')} name="password" errors={errors} hint={id ? t('staffForm.passwordKeep') : undefined}>
          {input('password', { type: 'password', autoComplete: 'new-password' })}
        </Field>
        <Field label={t('staffForm.handlingUnit')} name="handlingUnitId" errors={errors}>
          <select name="handlingUnitId" value={form.handlingUnitId} onChange={(e) => set({ handlingUnitId: e.target.value })}>
            <option value="">{t('staffForm.noUnit')}</option>
            {(units.data?.items ?? []).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </Field>
        <Field label={t('staffForm.subdistrict')} name="scopes" errors={errors}>
          <select name="subdistrictId" value={form.subdistrictId} onChange={(e) => set({ subdistrictId: e.target.value, committeeId: '' })}>
            <PlaceOptions places={places.subdistricts} />
          </select>
        </Field>
        <Field label={t('staffForm.committee')} name="committeeId" errors={errors}>
          <select name="committeeId" value={form.committeeId} onChange={(e) => set({ committeeId: e.target.value })}>
            <option value="">{t('staffForm.wholeSubdistrict')}</option>
            <PlaceOptions places={committees} />
          </select>
        </Field>
        {id ? (
          <StatusField label={t('staff.status')} errors={errors} value={form.status} statuses={STATUSES} statusLabel={(s) => t(`userStatuses.${s}`)} onChange={(status) => set({ status })} />
        ) : null}
        <FormActions busy={busy} saveTestId="staff-save" onCancel={() => navigate('/staff')}>
          {id ? <SignOutEverywhere userId={id} /> : null}
        </FormActions>
      </form>
    </section>
  );
}
