import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { useApi } from '../../shared/use-api';
import type { ServiceSettings } from './types';

const KEYS = ['badRatingDays', 'ratingWindowDays', 'noShowGraceMinutes'] as const;

/** A subdistrict's front-office settings (administrators): 差评 deadline, rating window, no-show grace. */
export function ServiceSettingsPanel() {
  const { t, i18n } = useTranslation();
  const { places } = useMe();
  const [subdistrictId, setSubdistrictId] = useState(places.subdistricts[0]?.id ?? '');
  const current = useApi(() => (subdistrictId ? api.get<ServiceSettings>(`/api/services/settings/${encodeURIComponent(subdistrictId)}`) : Promise.resolve(null)), [subdistrictId]);
  const [form, setForm] = useState<Record<(typeof KEYS)[number], string>>({ badRatingDays: '', ratingWindowDays: '', noShowGraceMinutes: '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) setForm({ badRatingDays: String(current.data.badRatingDays), ratingWindowDays: String(current.data.ratingWindowDays), noShowGraceMinutes: String(current.data.noShowGraceMinutes) });
  }, [current.data]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setSaved(false);
    try {
      const body = Object.fromEntries(KEYS.map((k) => [k, Number.isFinite(Number(form[k])) && form[k].trim() ? Number(form[k]) : form[k]]));
      await api.patch(`/api/services/settings/${encodeURIComponent(subdistrictId)}`, body);
      setSaved(true);
      current.reload();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    }
  }

  return (
    <form className="card yw-panel" onSubmit={submit} data-testid="yw-settings">
      <h2>{t('yw.settings.title')}</h2>
      <div className="filters">
        {places.subdistricts.length > 1 ? (
          <label className="field">
            <span>{t('yw.settings.subdistrict')}</span>
            <select value={subdistrictId} onChange={(e) => setSubdistrictId(e.target.value)}>
              {places.subdistricts.map((s) => <option key={s.id} value={s.id}>{i18n.language === 'en' ? s.nameEn : s.name}</option>)}
            </select>
          </label>
        ) : null}
        {KEYS.map((k) => (
          <Field key={k} label={t(`yw.settings.${k}`)} name={k} errors={errors}>
            <input inputMode="numeric" className="yw-num" value={form[k]} onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))} data-testid={`yw-set-${k}`} />
          </Field>
        ))}
      </div>
      {error && !errors.length ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      {saved ? <p className="alert alert-ok">{t('yw.settings.saved')}</p> : null}
      <button type="submit" className="btn btn-primary" data-testid="yw-set-save">{t('yw.settings.save')}</button>
    </form>
  );
}
