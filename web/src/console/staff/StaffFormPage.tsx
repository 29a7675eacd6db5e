import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import { SignOutEverywhere } from './SignOutEverywhere';
import { OpenCasesNotice, openCasesOf } from './OpenCasesNotice';
import { ROLES, type Role, type Staff } from '../../shared/types';
import { useApi } from '../../shared/use-api';

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

export function StaffFormPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const { places } = useMe();
  const navigate = useNavigate();
  const en = i18n.language === 'en';
  const [form, setForm] = useState<Form>({
    username: '', displayName: '', phone: '', role: 'patrol', password: '', handlingUnitId: '',
    subdistrictId: places.subdistricts[0]?.id ?? '', committeeId: '', status: 'active',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Editing keeps every scope the person has unless the form's (first) scope is changed.
  const [loadedScope, setLoadedScope] = useState<string | null>(null);
  const units = useApi(() => api.get<{ items: { id: string; name: string; subdistrictId: string }[] }>('/api/handling-units'), []);

  useEffect(() => {
    if (!id) return;
    api.get<Staff>(`/api/staff/${encodeURIComponent(id)}`).then((s) => {
      const sc = s.scopes[0];
      setLoadedScope(`${sc?.subdistrictId ?? ''}|${sc?.committeeId ?? ''}`);
      setForm({
        username: s.username, displayName: s.displayName, phone: s.phone ?? '', role: s.role, password: '',
        handlingUnitId: s.handlingUnitId ?? '', subdistrictId: sc?.subdistrictId ?? '', committeeId: sc?.committeeId ?? '', status: s.status,
      });
    }, setError);
  }, [id]);

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const input = (name: keyof Form, extra: Record<string, unknown> = {}) => (
    <input name={name} value={form[name]} onChange={(e) => set({ [name]: e.target.value } as Partial<Form>)} {...extra} />
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    const common = {
      displayName: form.displayName,
      phone: form.phone.trim() || null,
      role: form.role,
      handlingUnitId: form.handlingUnitId || null,
      scopes: [{ subdistrictId: form.subdistrictId, committeeId: form.committeeId || null }],
    };
    try {
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
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
      setBusy(false);
    }
  }

  const committees = places.committees.filter((c) => c.subdistrictId === form.subdistrictId);
  return (
    <section className="staff-form">
      <h1>{id ? t('staffForm.titleEdit') : t('staffForm.titleNew')}</h1>
      {openCasesOf(error) ? <OpenCasesNotice error={error} of="staff" /> : error ? <p className="alert alert-error" role="alert">{errors.length ? t('siteForm.fixErrors') : errorText(t, error)}</p> : null}
      <OtherFieldErrors errors={errors} shown={SHOWN} />
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
            {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{en ? s.nameEn : s.name}</option>)}
          </select>
        </Field>
        <Field label={t('staffForm.committee')} name="committeeId" errors={errors}>
          <select name="committeeId" value={form.committeeId} onChange={(e) => set({ committeeId: e.target.value })}>
            <option value="">{t('staffForm.wholeSubdistrict')}</option>
            {committees.map((c) => <option key={c.id} value={c.id}>{en ? c.nameEn : c.name}</option>)}
          </select>
        </Field>
        {id ? (
          <Field label={t('staff.status')} name="status" errors={errors}>
            <select name="status" value={form.status} onChange={(e) => set({ status: e.target.value as Form['status'] })}>
              <option value="active">{t('userStatuses.active')}</option>
              <option value="disabled">{t('userStatuses.disabled')}</option>
            </select>
          </Field>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" data-testid="staff-save" disabled={busy}>{busy ? t('common.saving') : t('common.save')}</button>
          <button type="button" className="btn" onClick={() => navigate('/staff')}>{t('common.cancel')}</button>
          {id ? <SignOutEverywhere userId={id} /> : null}
        </div>
      </form>
    </section>
  );
}
