import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import {
  blankForm, bodyOf, type Category, type CategoryForm, formOf, HOUR_FIELDS, LIMIT_MODES, type Level, SEVERITIES, SITE_KINDS, UNIT_KINDS,
} from './catalogue-types';

const SHOWN = ['code', 'nameZh', 'nameEn', 'defaultUnitKind', ...HOUR_FIELDS, 'limitMode', 'severity', 'siteKinds', 'active', 'parentId'];

export type EditorTarget =
  | { mode: 'edit'; category: Category }
  | { mode: 'create'; level: Level; parent: Category | null; subdistrictId: string };

/**
 * Create or edit one catalogue entry: code, names, default handling-unit kind, the four stage
 * limits, working vs calendar hours, severity, site kinds and (when editing) active. The version
 * read is sent back; a stale one reloads the tree and says so.
 */
export function CategoryEditor({ target, readOnly, onSaved, onStale, onCancel }: {
  target: EditorTarget;
  readOnly: boolean;
  onSaved(c: Category, created: boolean): void;
  onStale(): void;
  onCancel(): void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [form, setForm] = useState<CategoryForm>(() => (target.mode === 'edit' ? formOf(target.category) : blankForm(target.parent)));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<CategoryForm>) => setForm((f) => ({ ...f, ...patch }));
  const level = target.mode === 'edit' ? target.category.level : target.level;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      if (target.mode === 'edit') {
        const saved = await api.patch<Category>(`/api/catalogue/${encodeURIComponent(target.category.id)}`, {
          ...bodyOf(form), active: form.active, version: target.category.version,
        });
        onSaved(saved, false);
      } else {
        const saved = await api.post<Category>('/api/catalogue', {
          ...bodyOf(form), subdistrictId: target.subdistrictId, parentId: target.parent?.id ?? null, level: target.level,
        });
        onSaved(saved, true);
      }
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

  const name = (c: Category) => (en ? c.nameEn : c.nameZh);
  const heading =
    target.mode === 'edit'
      ? t('console.catalogue.editing', { name: name(target.category) })
      : target.parent
        ? t('console.catalogue.newUnder', { parent: name(target.parent), level: t(`console.catalogue.level.${level}`) })
        : t('console.catalogue.addClass');
  const text = (k: 'code' | 'nameZh' | 'nameEn') => (
    <input name={k} value={form[k]} onChange={(e) => set({ [k]: e.target.value })} disabled={readOnly} required data-testid={`cat-${k}`} />
  );
  return (
    <form className="card catalogue-editor" onSubmit={submit} data-testid="catalogue-editor" data-mode={target.mode} data-level={level}>
      <h2>{heading}</h2>
      <p className="muted">{t(`console.catalogue.level.${level}`)}</p>
      <div className="form-grid">
        <Field label={t('console.catalogue.code')} name="code" errors={errors}>{text('code')}</Field>
        <Field label={t('console.catalogue.nameZh')} name="nameZh" errors={errors}>{text('nameZh')}</Field>
        <Field label={t('console.catalogue.nameEn')} name="nameEn" errors={errors}>{text('nameEn')}</Field>
        <Field label={t('console.catalogue.unitKind')} name="defaultUnitKind" errors={errors}>
          <select value={form.defaultUnitKind} onChange={(e) => set({ defaultUnitKind: e.target.value as CategoryForm['defaultUnitKind'] })} disabled={readOnly} data-testid="cat-unitKind">
            <option value="">{t('console.catalogue.none')}</option>
            {UNIT_KINDS.map((k) => <option key={k} value={k}>{t(`console.catalogue.unitKinds.${k}`)}</option>)}
          </select>
        </Field>
      </div>
      <fieldset className="catalogue-limits">
        <legend>{t('console.catalogue.limits')}</legend>
        {HOUR_FIELDS.map((k) => (
          <Field key={k} label={t(`console.catalogue.${k}`)} name={k} errors={errors}>
            <input type="number" min="0.1" step="0.1" value={form[k]} onChange={(e) => set({ [k]: e.target.value })} disabled={readOnly} required data-testid={`cat-${k}`} />
          </Field>
        ))}
      </fieldset>
      <div className="form-grid">
        <Field label={t('console.catalogue.limitMode')} name="limitMode" errors={errors}>
          <select value={form.limitMode} onChange={(e) => set({ limitMode: e.target.value as CategoryForm['limitMode'] })} disabled={readOnly} data-testid="cat-limitMode">
            {LIMIT_MODES.map((m) => <option key={m} value={m}>{t(`console.catalogue.modes.${m}`)}</option>)}
          </select>
        </Field>
        <Field label={t('console.catalogue.severity')} name="severity" errors={errors}>
          <select value={form.severity} onChange={(e) => set({ severity: e.target.value as CategoryForm['severity'] })} disabled={readOnly} data-testid="cat-severity">
            {SEVERITIES.map((s) => <option key={s} value={s}>{t(`console.catalogue.severities.${s}`)}</option>)}
          </select>
        </Field>
      </div>
      <fieldset className="catalogue-kinds">
        <legend>{t('console.catalogue.siteKinds')}</legend>
        {SITE_KINDS.map((k) => (
          <label key={k}>
            <input
              type="checkbox"
              checked={form.siteKinds.includes(k)}
              disabled={readOnly}
              onChange={(e) => set({ siteKinds: e.target.checked ? [...form.siteKinds, k] : form.siteKinds.filter((x) => x !== k) })}
              data-testid={`cat-kind-${k}`}
            />{' '}
            {t(`patrol.kinds.${k}`)}
          </label>
        ))}
      </fieldset>
      {target.mode === 'edit' ? (
        <label>
          <input type="checkbox" checked={form.active} disabled={readOnly} onChange={(e) => set({ active: e.target.checked })} data-testid="cat-active" />{' '}
          {t('console.catalogue.active')}
        </label>
      ) : null}
      <OtherFieldErrors errors={errors} shown={SHOWN} />
      {error && !errors.length ? <p className="alert alert-error" data-testid="cat-error">{errorText(t, error)}</p> : null}
      {readOnly ? null : (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="cat-save">
            {target.mode === 'edit' ? t('console.catalogue.save') : t('console.catalogue.create')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>{t('console.catalogue.cancel')}</button>
        </div>
      )}
    </form>
  );
}
