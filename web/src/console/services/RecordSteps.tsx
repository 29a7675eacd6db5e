import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import { DELIVERIES, type Delivery, type ServiceRecord } from './types';

type Action = 'hand_off' | 'return' | 'complete' | 'not_accept' | 'send_back' | 'deliver';

/** What the record may do next (the server decides; this only offers what can succeed). */
export function nextActions(r: ServiceRecord): Action[] {
  // A result sent by post is marked delivered when it arrives.
  if (r.status === 'completed' && r.delivery === 'post' && !r.deliveredAt) return ['deliver'];
  if (r.decidedAt) return [];
  if (r.status === 'accepted') return r.mode === 'separated' ? ['hand_off', 'not_accept', 'send_back'] : ['complete', 'not_accept', 'send_back'];
  // The back office has the file: it comes back before the window decides.
  if (r.status === 'handed_off') return ['return'];
  if (r.status === 'returned') return ['complete', 'not_accept', 'send_back'];
  return [];
}

/** The record's steps: hand-off and return for 收受分离, then 办结 with the delivery, or 不予受理 / 退件 with the reason. */
export function RecordSteps({ record, onDone }: { record: ServiceRecord; onDone(r: ServiceRecord): void }) {
  const { t } = useTranslation();
  const actions = nextActions(record);
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [delivery, setDelivery] = useState<Delivery | ''>('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!actions.length) return <p className="muted" data-testid="yw-steps-finished">{t('yw.record.finished')}</p>;

  const needsReason = action === 'not_accept' || action === 'send_back' || (action === 'complete' && record.deferredCount > 0);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!action) return;
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { version: record.version, action };
      if (reason.trim()) body.reason = reason.trim();
      if (action === 'complete' && delivery) body.delivery = delivery;
      const r = await api.post<ServiceRecord>(`/api/services/records/${encodeURIComponent(record.id)}/steps`, body);
      setAction(null);
      setReason('');
      onDone(r);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="yw-steps-form" onSubmit={submit} data-testid="yw-steps">
      <div className="actions">
        {actions.map((a) => (
          <button key={a} type="button" className={`btn${a === action ? ' btn-primary' : ''}`} onClick={() => { setAction(a); setErrors([]); setError(null); }} data-testid={`yw-step-${a}`}>
            {t(`yw.record.actions.${a}`)}
          </button>
        ))}
      </div>
      {action === 'complete' ? (
        <Field label={t('yw.record.delivery')} name="delivery" errors={errors}>
          <select value={delivery} onChange={(e) => setDelivery(e.target.value as Delivery)} data-testid="yw-step-delivery">
            <option value="">—</option>
            {DELIVERIES.map((d) => <option key={d} value={d}>{t(`yw.record.deliveries.${d}`)}</option>)}
          </select>
        </Field>
      ) : null}
      {action && (needsReason || action === 'complete') ? (
        <Field label={t('yw.record.reason')} name="reason" errors={errors} hint={action === 'complete' ? t('yw.record.reasonHint') : undefined}>
          <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="yw-step-reason" />
        </Field>
      ) : null}
      {error && !errors.length ? <p className="alert alert-error" data-testid="yw-step-error">{errorText(t, error)}</p> : null}
      {action ? (
        <SubmitWithReason
          className="btn btn-primary"
          busy={busy}
          testId="yw-step-submit"
          why={[needsReason && !reason.trim() && t('yw.why.reason'), action === 'complete' && !delivery && t('yw.why.delivery')]}
        >
          {t('yw.record.submit')}：{t(`yw.record.actions.${action}`)}
        </SubmitWithReason>
      ) : null}
    </form>
  );
}
