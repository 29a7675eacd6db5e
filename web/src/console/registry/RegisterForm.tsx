import type { ChangeEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field, OtherFieldErrors } from '../../shared/FieldErrors';

/**
 * Why the last save failed, above the form: "fix the marked fields" when the server named fields
 * (each says why beside it; those the form does not show are listed here), else its message.
 * `notice` takes the message's place for a refusal the page explains itself (open cases).
 */
export function SaveErrors({ error, errors, shown, notice }: { error: unknown; errors: FieldError[]; shown: string[]; notice?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      {notice ? notice : error ? (
        <p className="alert alert-error" role="alert">
          {errors.length ? t('siteForm.fixErrors') : errorText(t, error)}
        </p>
      ) : null}
      <OtherFieldErrors errors={errors} shown={shown} />
    </>
  );
}

/** Save (off while saving) and cancel; `children` are further actions of the record. */
export function FormActions({ busy, saveTestId, onCancel, children }: { busy: boolean; saveTestId: string; onCancel(): void; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" data-testid={saveTestId} disabled={busy}>
        {busy ? t('common.saving') : t('common.save')}
      </button>
      <button type="button" className="btn" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      {children}
    </div>
  );
}

/** The status of a record being edited (active, or retired/disabled): a register never deletes. */
export function StatusField<S extends string>({ label, errors, value, statuses, statusLabel, onChange, testId }: {
  label: string;
  errors: FieldError[];
  value: S;
  statuses: readonly S[];
  statusLabel(status: S): string;
  onChange(status: S): void;
  testId?: string;
}) {
  return (
    <Field label={label} name="status" errors={errors}>
      <select name="status" data-testid={testId} value={value} onChange={(e: ChangeEvent<HTMLSelectElement>) => onChange(e.target.value as S)}>
        {statuses.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
      </select>
    </Field>
  );
}
