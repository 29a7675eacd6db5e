import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import { bodyOf, formOf, type GuideForm, LONG_FIELDS, shanghaiToday, TEXT_FIELDS } from './guide-form';
import { ITEM_CHANNELS, ITEM_MODES, MATERIAL_FORMS, type ServiceItemDetail } from './types';
import { DateInput } from '../../shared/date-input/DateInput';

const SHOWN = [
  ...TEXT_FIELDS, ...LONG_FIELDS, 'legalLimitDays', 'promisedLimitDays', 'visits', 'citywide', 'mode', 'channels',
  'assistAllowed', 'proxyAllowed', 'effectiveFrom',
].map((f) => `guide.${f}`);

/**
 * Publishes the next guide version of an item: the latest version's content to edit, from a date
 * (today or later). The server's reasons show under each field (guide.materials.2.name, …).
 */
export function VersionForm({ item, onPublished, onStale, onCancel }: {
  item: ServiceItemDetail;
  onPublished(item: ServiceItemDetail): void;
  onStale(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const latest = item.versions[0]!;
  const [form, setForm] = useState<GuideForm>(() => formOf(latest, latest.effectiveFrom > shanghaiToday() ? latest.effectiveFrom : shanghaiToday()));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<GuideForm>) => setForm((f) => ({ ...f, ...patch }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      const saved = await api.post<ServiceItemDetail>(`/api/services/items/${encodeURIComponent(item.id)}/versions`, bodyOf(form, item.latestVersion));
      onPublished(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale_version') onStale();
      else {
        setError(err);
        if (err instanceof ApiError) setErrors(err.fields);
      }
    } finally {
      setBusy(false);
    }
  }

  const g = (k: string) => `guide.${k}`;
  const text = (k: (typeof TEXT_FIELDS)[number]) => (
    <Field key={k} label={t(`yw.guide.${k}`)} name={g(k)} errors={errors}>
      <input value={form[k]} onChange={(e) => set({ [k]: e.target.value })} data-testid={`vf-${k}`} />
    </Field>
  );
  const long = (k: (typeof LONG_FIELDS)[number]) => (
    <Field key={k} label={t(`yw.guide.${k}`)} name={g(k)} errors={errors}>
      <textarea rows={3} value={form[k]} onChange={(e) => set({ [k]: e.target.value })} data-testid={`vf-${k}`} />
    </Field>
  );
  const check = (k: 'citywide' | 'assistAllowed' | 'proxyAllowed') => (
    <label key={k} data-field={g(k)}>
      <input type="checkbox" checked={form[k]} onChange={(e) => set({ [k]: e.target.checked })} data-testid={`vf-${k}`} /> {t(`yw.guide.${k}`)}
    </label>
  );
  const setMaterial = (i: number, patch: Partial<GuideForm['materials'][number]>) =>
    set({ materials: form.materials.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  const setStep = (i: number, patch: Partial<GuideForm['steps'][number]>) => set({ steps: form.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  return (
    <form className="card yw-version-form" onSubmit={submit} data-testid="version-form" noValidate>
      <h2>{t('yw.catalogue.publishTitle', { name: latest.nameZh, n: item.latestVersion + 1 })}</h2>
      <p className="muted">{t('yw.catalogue.publishHint')}</p>
      {errors.length ? <p className="alert alert-error" data-testid="vf-fix">{t('yw.catalogue.fixErrors')}</p> : null}
      <div className="form-grid">
        <Field label={t('yw.guide.effectiveFrom')} name={g('effectiveFrom')} errors={errors}>
          <DateInput value={form.effectiveFrom} onChange={(v) => set({ effectiveFrom: v })} data-testid="vf-effectiveFrom" />
        </Field>
        {TEXT_FIELDS.map(text)}
        <Field label={t('yw.guide.legalLimitDays')} name={g('legalLimitDays')} errors={errors}>
          <input inputMode="numeric" value={form.legalLimitDays} onChange={(e) => set({ legalLimitDays: e.target.value })} data-testid="vf-legalLimitDays" />
        </Field>
        <Field label={t('yw.guide.promisedLimitDays')} name={g('promisedLimitDays')} errors={errors}>
          <input inputMode="numeric" value={form.promisedLimitDays} onChange={(e) => set({ promisedLimitDays: e.target.value })} data-testid="vf-promisedLimitDays" />
        </Field>
        <Field label={t('yw.guide.visits')} name={g('visits')} errors={errors}>
          <select value={form.visits} onChange={(e) => set({ visits: e.target.value as '0' | '1' })} data-testid="vf-visits">
            <option value="0">0</option>
            <option value="1">1</option>
          </select>
        </Field>
        <Field label={t('yw.guide.mode')} name={g('mode')} errors={errors}>
          <select value={form.mode} onChange={(e) => set({ mode: e.target.value as GuideForm['mode'] })} data-testid="vf-mode">
            {ITEM_MODES.map((m) => <option key={m} value={m}>{t(`yw.modes.${m}`)}</option>)}
          </select>
        </Field>
      </div>
      <fieldset data-field={g('channels')}>
        <legend>{t('yw.guide.channels')}</legend>
        {ITEM_CHANNELS.map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={form.channels.includes(c)}
              onChange={(e) => set({ channels: e.target.checked ? [...form.channels, c] : form.channels.filter((x) => x !== c) })}
              data-testid={`vf-channel-${c}`}
            />{' '}
            {t(`yw.channels.${c}`)}
          </label>
        ))}
        <Field label="" name={g('channels')} errors={errors}>{null}</Field>
      </fieldset>
      <div className="yw-checks">{(['citywide', 'assistAllowed', 'proxyAllowed'] as const).map(check)}</div>
      {LONG_FIELDS.map(long)}
      <fieldset data-field={g('materials')}>
        <legend>{t('yw.guide.materials')}</legend>
        {form.materials.map((m, i) => (
          <div className="yw-row" key={i} data-testid={`vf-material-${i}`}>
            <Field label={t('yw.guide.materialName')} name={g(`materials.${i}.name`)} errors={errors}>
              <input value={m.name} onChange={(e) => setMaterial(i, { name: e.target.value })} data-testid={`vf-material-${i}-name`} />
            </Field>
            <Field label={t('yw.guide.form')} name={g(`materials.${i}.form`)} errors={errors}>
              <select value={m.form} onChange={(e) => setMaterial(i, { form: e.target.value as (typeof MATERIAL_FORMS)[number] })}>
                {MATERIAL_FORMS.map((f) => <option key={f} value={f}>{t(`yw.forms.${f}`)}</option>)}
              </select>
            </Field>
            <Field label={t('yw.guide.copies')} name={g(`materials.${i}.copies`)} errors={errors}>
              <input inputMode="numeric" value={m.copies} onChange={(e) => setMaterial(i, { copies: e.target.value })} className="yw-num" />
            </Field>
            <label><input type="checkbox" checked={m.eLicenceExempt} onChange={(e) => setMaterial(i, { eLicenceExempt: e.target.checked })} /> {t('yw.guide.eLicenceExempt')}</label>
            <label><input type="checkbox" checked={m.deferrable} onChange={(e) => setMaterial(i, { deferrable: e.target.checked })} /> {t('yw.guide.deferrable')}</label>
            <Field label={t('yw.guide.note')} name={g(`materials.${i}.note`)} errors={errors}>
              <input value={m.note} onChange={(e) => setMaterial(i, { note: e.target.value })} />
            </Field>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => set({ materials: form.materials.filter((_, j) => j !== i) })}>{t('yw.catalogue.remove')}</button>
          </div>
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => set({ materials: [...form.materials, { name: '', form: 'original', copies: '1', eLicenceExempt: false, deferrable: false, note: '' }] })}
          data-testid="vf-add-material"
        >
          {t('yw.catalogue.addMaterial')}
        </button>
      </fieldset>
      <fieldset data-field={g('steps')}>
        <legend>{t('yw.guide.steps')}</legend>
        {form.steps.map((s, i) => (
          <div className="yw-row" key={i} data-testid={`vf-step-${i}`}>
            <Field label={t('yw.guide.stepName')} name={g(`steps.${i}.name`)} errors={errors}>
              <input value={s.name} onChange={(e) => setStep(i, { name: e.target.value })} />
            </Field>
            <Field label={t('yw.guide.stepDays')} name={g(`steps.${i}.days`)} errors={errors}>
              <input inputMode="numeric" value={s.days} onChange={(e) => setStep(i, { days: e.target.value })} className="yw-num" />
            </Field>
            <label><input type="checkbox" checked={s.countsTowardLimit} onChange={(e) => setStep(i, { countsTowardLimit: e.target.checked })} /> {t('yw.guide.countsTowardLimit')}</label>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => set({ steps: form.steps.filter((_, j) => j !== i) })}>{t('yw.catalogue.remove')}</button>
          </div>
        ))}
        <button type="button" className="btn btn-small" onClick={() => set({ steps: [...form.steps, { name: '', days: '0', countsTowardLimit: true }] })}>
          {t('yw.catalogue.addStep')}
        </button>
      </fieldset>
      {/* Errors of the lists as a whole (guide.materials) show here; those of a row under the row. */}
      <OtherFieldErrors errors={errors} shown={[...SHOWN, ...form.materials.map((_, i) => g(`materials.${i}`)), ...form.steps.map((_, i) => g(`steps.${i}`))]} />
      {error && !errors.length ? <p className="alert alert-error" data-testid="vf-error">{errorText(t, error)}</p> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="vf-submit">{t('yw.catalogue.submit')}</button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>{t('yw.catalogue.cancel')}</button>
      </div>
    </form>
  );
}
