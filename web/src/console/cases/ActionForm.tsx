import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { postWithKey } from '../../shared/case-api';
import { type AllowedAction, type CaseDetail, type CasePage, type DispatchSuggestions, idemKey, label } from '../../shared/cases';
import { errorText, invalidFieldNames, invalidProps } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import { useUnits } from './use-units';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import '../../shared/i18n/ux';
import { DateTimeInput } from '../../shared/date-input/DateInput';
import { wallToIso } from '../../shared/dates';

export type ActionOutcome = { ok: true; action: AllowedAction } | { ok: false; conflict: boolean; text: string };

/** One allowed action as a small form: only the fields the lifecycle table requires, plus the case version. */
export function ActionForm({ c, a, onOutcome }: { c: CaseDetail; a: AllowedAction; onOutcome(o: ActionOutcome): void }) {
  const { t, i18n } = useTranslation();
  const needs = (f: string) => a.requires.includes(f as never);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [dueAt, setDueAt] = useState('');
  const [target, setTarget] = useState('');
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [unitId, setUnitId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [key] = useState(idemKey);
  const errorId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  // The disabled submit button lost the focus: give it to the first field the server names, else the error.
  useEffect(() => {
    if (!error) return;
    const field = invalidFieldNames(failure).size ? formRef.current?.querySelector<HTMLElement>('[aria-invalid=true]') : null;
    (field ?? errorRef.current)?.focus();
  }, [error, failure]);
  const units = useUnits();
  const sugg = useApi(
    () => (needs('assignee') ? api.get<DispatchSuggestions>(`/api/cases/${c.id}/dispatch-suggestions`) : Promise.resolve(null)),
    [c.id, a.action],
  );
  const suggested = sugg.data?.suggestions ?? [];
  const people = sugg.data?.people ?? [];
  // The picker's value: "unit:<id>" (the whole unit) or "user:<id>" (a named person of a unit).
  // Until the operator picks, the first suggestion; choosing 请选择 again is respected.
  const chosen = unitId ?? (suggested[0] ? `unit:${suggested[0].unitId}` : '');
  const ordered = [
    ...suggested.map((s) => ({ id: s.unitId, name: s.name, reason: s.reason as string | null })),
    ...units.filter((u) => !suggested.some((s) => s.unitId === u.id)).map((u) => ({ id: u.id, name: u.name, reason: null })),
  ];

  async function resolveTarget(): Promise<string> {
    const v = target.trim();
    const page = await api.get<CasePage>('/api/cases', { q: v, limit: 5 });
    return page.items.find((x) => x.number === v || x.id === v)?.id ?? v;
  }

  async function submit() {
    setBusy(true);
    setError('');
    setFailure(null);
    try {
      const body: Record<string, unknown> = { action: a.action, version: c.version };
      if (needs('reason')) body.reason = reason;
      if (needs('note') || note.trim()) body.note = note || undefined;
      if (needs('photoIds')) body.photoIds = photoIds;
      if (needs('assignee')) {
        const [kind, id] = chosen.split(':');
        if (kind === 'user') body.userId = id;
        else body.unitId = id || undefined;
      }
      if (needs('dueAt')) body.dueAt = dueAt ? wallToIso(dueAt) : undefined;
      if (needs('targetCaseId')) body.targetCaseId = await resolveTarget();
      await postWithKey(`/api/cases/${c.id}/transitions`, body, `${key}-${c.version}`);
      onOutcome({ ok: true, action: a });
    } catch (err) {
      const conflict = (err as { code?: string }).code === 'stale_version';
      if (conflict) onOutcome({ ok: false, conflict, text: t('cases.action.conflict') });
      else {
        setError(errorText(t, err));
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      ref={formRef}
      data-testid={`action-form-${a.action}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <strong>{label(a, i18n.language)}</strong>
      {needs('assignee') ? (
        <label className="field">
          <span>{t('cases.action.unit')}</span>
          <select value={chosen} onChange={(e) => setUnitId(e.target.value)} data-testid="dispatch-unit" required {...invalidProps(failure, ['unitId', 'userId', 'assignee'], errorId)}>
            <option value="">{t('cases.desk.choose')}</option>
            {ordered.map((u) => (
              <optgroup key={u.id} label={u.reason ? `★ ${u.name}（${t(`cases.action.reasons.${u.reason}`)}）` : u.name} data-unit-id={u.id}>
                <option value={`unit:${u.id}`}>
                  {u.reason ? '★ ' : ''}{u.name} · {t('ux.dispatch.wholeUnit')}{u.reason ? ` · ${t('cases.action.suggested')}（${t(`cases.action.reasons.${u.reason}`)}）` : ''}
                </option>
                {people.filter((p) => p.unitId === u.id).map((p) => (
                  <option key={p.userId} value={`user:${p.userId}`}>{p.name}（{u.name}）</option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
      ) : null}
      {needs('reason') ? (
        <label className="field">
          <span>{t('cases.action.reason')}</span>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} required data-testid={`reason-${a.action}`} {...invalidProps(failure, 'reason', errorId)} />
        </label>
      ) : null}
      {needs('note') || ['check_pass', 'file', 'dispatch', 'approve_hold', 'approve_extension', 'release_hold'].includes(a.action) ? (
        <label className="field">
          <span>{t('cases.action.note')}</span>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} required={needs('note')} data-testid={`note-${a.action}`} {...invalidProps(failure, 'note', errorId)} />
        </label>
      ) : null}
      {needs('dueAt') ? (
        <label className="field">
          <span>{t('cases.action.dueAt')}</span>
          <DateTimeInput value={dueAt} onChange={setDueAt} required data-testid={`due-${a.action}`} />
        </label>
      ) : null}
      {needs('targetCaseId') ? (
        <label className="field">
          <span>{t('cases.action.target')}</span>
          <input value={target} onChange={(e) => setTarget(e.target.value)} required data-testid="merge-target" {...invalidProps(failure, 'targetCaseId', errorId)} />
        </label>
      ) : null}
      {needs('photoIds') ? (
        <label className="field">
          <span>{t('cases.action.photos')}</span>
          <input
            type="file"
            accept="image/*"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                const p = await api.upload<{ id: string }>('/api/photos', file);
                setPhotoIds((ids) => [...ids, p.id]);
              } catch (err) {
                setError(errorText(t, err));
              }
            }}
          />
          <small className="muted">{t('console.newCase.uploaded', { n: photoIds.length })}</small>
        </label>
      ) : null}
      {error ? <p className="alert alert-error" role="alert" id={errorId} tabIndex={-1} ref={errorRef} data-testid="action-error">{error}</p> : null}
      <SubmitWithReason className="btn" busy={busy} why={[needs('assignee') && !chosen && t('ux.why.chooseUnit')]} testId={`action-submit-${a.action}`}>
        {t('cases.action.submit')}
      </SubmitWithReason>
    </form>
  );
}
