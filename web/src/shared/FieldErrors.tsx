import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from './api';
import { fieldLabel, fieldReason } from './field-errors';

/** A labelled form field that shows the server's reason when details.fields names it. */
export function Field({ label, name, errors, hint, children }: { label: string; name: string; errors: FieldError[]; hint?: string; children: ReactNode }) {
  const { t } = useTranslation();
  const mine = errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`));
  return (
    <label className={`field${mine.length ? ' has-error' : ''}`} data-field={name}>
      <span>{label}</span>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
      {mine.map((e) => (
        <small key={e.field + e.reason} className="field-error" data-testid={`error-${name}`} role="alert">
          {fieldReason(t, e)}
        </small>
      ))}
    </label>
  );
}

/** Errors naming fields the form does not show (so nothing is silently lost). */
export function OtherFieldErrors({ errors, shown }: { errors: FieldError[]; shown: string[] }) {
  const { t } = useTranslation();
  const rest = errors.filter((e) => !shown.some((s) => e.field === s || e.field.startsWith(`${s}.`)));
  if (!rest.length) return null;
  return (
    <ul className="alert alert-error">
      {rest.map((e) => (
        <li key={e.field + e.reason}>
          {fieldLabel(t, e.field)}：{fieldReason(t, e)}
        </li>
      ))}
    </ul>
  );
}
