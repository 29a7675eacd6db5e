import '../../shared/i18n/enforcement';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../shared/api';
import { DateInput, DateTimeInput } from '../../shared/date-input/DateInput';
import type { DocumentView } from '../../shared/enforcement-types';
import { errorText } from '../../shared/errors';
import { fieldReason } from '../../shared/field-errors';
import { EMPTY_SERVICE, FIELDS_OF, LATER_METHODS, type LaterMethod, type ServiceProblem, serviceRequest, type ServiceValues } from './service-form';

/**
 * The later service (送达) of a document the party was absent for: by post, electronically with
 * the party's consent, or by public notice, each with the evidence it needs. What is missing is
 * said before sending; the server's refusals are shown next to the field they name.
 */
export function ServiceForm({ doc, version, onDone }: { doc: Pick<DocumentView, 'id' | 'number'>; version: number; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<LaterMethod>('post');
  const [values, setValues] = useState<ServiceValues>(EMPTY_SERVICE);
  const [problems, setProblems] = useState<ServiceProblem[]>([]);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (field: keyof ServiceValues) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const text = (field: keyof ServiceValues) => (e: { target: { value: string } }) => set(field)(e.target.value);
  const shown: string[] = ['method', ...FIELDS_OF[method], 'note'];
  const row = { problems, serverErrors };

  return (
    <form
      className="m-service"
      data-testid="svc-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError('');
        setServerErrors([]);
        const req = serviceRequest(method, values, version, new Date());
        if (!req.ok) return setProblems(req.problems);
        setProblems([]);
        setBusy(true);
        try {
          await api.post(`/api/enforcement/documents/${doc.id}/service`, req.body);
          onDone(t('enforcement.service.done', { number: doc.number }));
        } catch (err) {
          const fields = err instanceof ApiError ? err.fields : [];
          setServerErrors(fields);
          // A refusal naming a field the form shows stands next to it; anything else (a stale ladder, already served) above the button.
          if (!fields.length || fields.some((f) => !shown.includes(f.field))) setError(errorText(t, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Row {...row} field="method">
        <select className="m-input" value={method} onChange={(e) => { setMethod(e.target.value as LaterMethod); setProblems([]); setServerErrors([]); }} data-testid="svc-method">
          {LATER_METHODS.map((m) => <option key={m} value={m}>{t(`enforcement.service.methods.${m}`)}</option>)}
        </select>
      </Row>
      {FIELDS_OF[method].map((field) => (
        <Row {...row} key={field} field={field}>
          {field === 'receivedOn' || field === 'publishedOn' ? (
            <DateInput className="m-input" value={values[field]} onChange={set(field)} data-testid={`svc-${field}`} />
          ) : field === 'deliveredAt' ? (
            <DateTimeInput className="m-input" value={values[field]} onChange={set(field)} data-testid={`svc-${field}`} />
          ) : field === 'consent' || field === 'reason' ? (
            <textarea className="m-input" rows={2} value={values[field]} onChange={text(field)} data-testid={`svc-${field}`} />
          ) : (
            <input className="m-input" value={values[field]} onChange={text(field)} data-testid={`svc-${field}`} />
          )}
        </Row>
      ))}
      {method === 'public_notice' ? <p className="hint">{t('enforcement.service.publicNoticeHint')}</p> : null}
      <Row {...row} field="note"><input className="m-input" value={values.note} onChange={text('note')} data-testid="svc-note" /></Row>
      {error ? <p className="alert alert-error" data-testid="svc-error">{error}</p> : null}
      <button type="submit" className="m-btn m-btn-primary m-btn-block" disabled={busy} data-testid="svc-submit">{t('enforcement.service.submit')}</button>
    </form>
  );
}

/** One field of the form, with what is missing (said before sending) or what the server refused, next to it. */
function Row({ field, problems, serverErrors, children }: { field: keyof ServiceValues | 'method'; problems: ServiceProblem[]; serverErrors: FieldError[]; children: ReactNode }) {
  const { t } = useTranslation();
  const mine = problems.filter((p) => p.field === field);
  const fromServer = serverErrors.filter((e) => e.field === field);
  return (
    <label className={`field${mine.length || fromServer.length ? ' has-error' : ''}`} data-field={field}>
      <span>{t(`enforcement.service.${field}`)}</span>
      {children}
      {mine.map((p) => <small key={p.key} className="field-error" role="alert" data-testid={`svc-error-${field}`}>{t(`enforcement.service.errors.${p.key}`)}</small>)}
      {fromServer.map((e) => <small key={e.field + e.reason} className="field-error" role="alert" data-testid={`svc-error-${field}`}>{fieldReason(t, e)}</small>)}
    </label>
  );
}
