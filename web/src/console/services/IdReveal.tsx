import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';

/**
 * A masked ID number with "show the full number": the reason is required and the server logs
 * who saw which number, when and why. The full number stays on this screen only.
 */
export function IdReveal({ recordId, field, masked, canReveal, onRevealed }: {
  recordId: string;
  field: 'applicant' | 'agent';
  masked: string | null;
  canReveal: boolean;
  onRevealed(): void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [full, setFull] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      const r = await api.post<{ idNumber: string }>(`/api/services/records/${encodeURIComponent(recordId)}/reveal`, { field, reason });
      setFull(r.idNumber);
      setOpen(false);
      onRevealed();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="yw-reveal" data-testid={`yw-id-${field}`}>
      <span data-testid={`yw-id-${field}-value`}>{full ?? masked}</span>
      {full ? <small className="muted">{t('common.revealed')}</small> : null}
      {canReveal && !full && !open ? (
        <button type="button" className="btn btn-small" onClick={() => setOpen(true)} data-testid={`yw-reveal-${field}`}>{t('yw.record.reveal')}</button>
      ) : null}
      {open ? (
        <form className="yw-reveal" onSubmit={submit}>
          <Field label={t('yw.record.revealReason')} name="reason" errors={errors}>
            <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid={`yw-reveal-${field}-reason`} />
          </Field>
          <button type="submit" className="btn btn-small btn-primary" disabled={busy || reason.trim().length < 2} data-testid={`yw-reveal-${field}-submit`}>
            {t('yw.record.revealSubmit')}
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          {error && !errors.length ? <small className="field-error">{errorText(t, error)}</small> : null}
        </form>
      ) : null}
    </span>
  );
}
