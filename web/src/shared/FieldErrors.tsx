import type { ReactNode } from 'react';
import type { FieldError } from './api';

/** A labelled form field that shows the server's reason when details.fields names it. */
export function Field({ label, name, errors, hint, children }: { label: string; name: string; errors: FieldError[]; hint?: string; children: ReactNode }) {
  const mine = errors.filter((e) => e.field === name || e.field.startsWith(`${name}.`));
  return (
    <label className={`field${mine.length ? ' has-error' : ''}`} data-field={name}>
      <span>{label}</span>
      {children}
      {hint ? <small className="hint">{hint}</small> : null}
      {mine.map((e) => (
        <small key={e.field + e.reason} className="field-error" data-testid={`error-${name}`}>
          {e.reason}
        </small>
      ))}
    </label>
  );
}

/** Errors naming fields the form does not show (so nothing is silently lost). */
export function OtherFieldErrors({ errors, shown }: { errors: FieldError[]; shown: string[] }) {
  const rest = errors.filter((e) => !shown.some((s) => e.field === s || e.field.startsWith(`${s}.`)));
  if (!rest.length) return null;
  return (
    <ul className="alert alert-error">
      {rest.map((e) => (
        <li key={e.field + e.reason}>
          {e.field}: {e.reason}
        </li>
      ))}
    </ul>
  );
}
