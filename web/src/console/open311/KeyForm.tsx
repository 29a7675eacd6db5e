import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';
import type { Places } from '../../shared/types';
import type { KeyKind, Open311Key, WebhookScope } from './types';

export interface KeyFormValue {
  name: string;
  kind: KeyKind;
  subdistrictIds: string[];
  ratePerMinute: number;
  webhookUrl: string;
  webhookScope: WebhookScope;
}

const SHOWN = ['name', 'kind', 'subdistrictIds', 'ratePerMinute', 'webhookUrl', 'webhookScope'];

/** The fields of a key, for issuing one (kind chosen once) or changing one. */
export function KeyForm({ initial, owned, places, submitLabel, onSubmit, onCancel, testId }: {
  initial?: Open311Key;
  owned: Places['subdistricts'];
  places: Places;
  submitLabel: string;
  onSubmit: (v: KeyFormValue) => Promise<void>;
  onCancel?: () => void;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  const [v, setV] = useState<KeyFormValue>({
    name: initial?.name ?? '',
    kind: initial?.kind ?? 'open311',
    subdistrictIds: initial?.subdistrictIds ?? (owned.length === 1 ? [owned[0]!.id] : []),
    ratePerMinute: initial?.ratePerMinute ?? 60,
    webhookUrl: initial?.webhookUrl ?? '',
    webhookScope: initial?.webhookScope ?? 'own',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const name = (id: string) => {
    const s = places.subdistricts.find((x) => x.id === id);
    return s ? (i18n.language === 'en' ? s.nameEn : s.name) : id;
  };
  // A key's subdistricts outside the administrator's own stay listed (and checked) so a change never drops them silently.
  const choices = [...new Set([...owned.map((s) => s.id), ...v.subdistrictIds])];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      await onSubmit({ ...v, name: v.name.trim(), webhookUrl: v.webhookUrl.trim() });
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }
  const set = <K extends keyof KeyFormValue>(k: K, value: KeyFormValue[K]) => setV((cur) => ({ ...cur, [k]: value }));

  return (
    <form className="card webhook-form stack-gap" onSubmit={submit} data-testid={testId}>
      <Field label={t('o311.name')} name="name" errors={errors}>
        <input value={v.name} onChange={(e) => set('name', e.target.value)} required maxLength={100} data-testid="o311-name" />
      </Field>
      {initial ? null : (
        <Field label={t('o311.kind')} name="kind" errors={errors}>
          <select value={v.kind} onChange={(e) => set('kind', e.target.value as KeyKind)} data-testid="o311-kind">
            <option value="open311">{t('o311.kinds.open311')}</option>
            <option value="hotline">{t('o311.kinds.hotline')}</option>
          </select>
        </Field>
      )}
      <Field label={t('o311.subdistricts')} name="subdistrictIds" errors={errors}>
        <span className="o311-subs" data-testid="o311-subdistricts">
          {choices.map((id) => (
            <label key={id} className="inline-check">
              <input
                type="checkbox"
                checked={v.subdistrictIds.includes(id)}
                onChange={(e) => set('subdistrictIds', e.target.checked ? [...v.subdistrictIds, id] : v.subdistrictIds.filter((x) => x !== id))}
                data-testid={`o311-sub-${id}`}
              />{' '}
              {name(id)}
            </label>
          ))}
        </span>
      </Field>
      <Field label={t('o311.rate')} name="ratePerMinute" errors={errors}>
        <input type="number" min={1} max={100000} required value={v.ratePerMinute} onChange={(e) => set('ratePerMinute', Number(e.target.value))} data-testid="o311-rate" />
      </Field>
      <Field label={t('o311.webhook')} name="webhookUrl" errors={errors}>
        <input type="url" value={v.webhookUrl} onChange={(e) => set('webhookUrl', e.target.value)} placeholder="https://…" maxLength={2000} data-testid="o311-webhook" />
      </Field>
      <Field label={t('o311.webhookScope')} name="webhookScope" errors={errors}>
        <select value={v.webhookScope} onChange={(e) => set('webhookScope', e.target.value as WebhookScope)} data-testid="o311-webhook-scope">
          <option value="own">{t('o311.scopes.own')}</option>
          <option value="readable">{t('o311.scopes.readable')}</option>
        </select>
      </Field>
      <OtherFieldErrors errors={errors} shown={SHOWN} />
      {error && !errors.length ? <p className="alert alert-error">{errorText(t, error)}</p> : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid={`${testId}-submit`}>{submitLabel}</button>{' '}
        {onCancel ? <button type="button" className="btn" onClick={onCancel}>{t('o311.cancel')}</button> : null}
      </div>
    </form>
  );
}
