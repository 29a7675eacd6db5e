import '../../shared/i18n/enforcement';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { LadderDetail, StepKind } from '../../shared/enforcement-types';
import { api, ApiError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { DateTimeInput } from '../../shared/date-input/DateInput';
import { isoToWall, wallToIso } from '../../shared/dates';
import { formatTime } from '../../shared/format';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import { useApi } from '../../shared/use-api';
import { PhotoInput } from '../patrol/PhotoInput';
import { TopBar } from '../TopBar';
import { ServiceForm } from './ServiceForm';
import { usePosition } from '../use-position';

interface Officer { id: string; name: string; username: string; me: boolean }

/** The officer's flow on the phone: photos, education, the document with its deadline or fine, the subject's acknowledgement. */
export function LadderStepPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const ladder = useApi(() => api.get<LadderDetail>(`/api/enforcement/cases/${id}`), [id]);
  const officers = useApi(() => api.get<{ items: Officer[] }>('/api/enforcement/officers'), []);
  const [kind, setKind] = useState<StepKind | ''>('');
  const [done, setDone] = useState('');
  // The unserved document whose later service the officer is recording.
  const [serving, setServing] = useState('');
  const d = ladder.data;
  if (ladder.error) return <p className="alert alert-error">{errorText(t, ladder.error)}</p>;
  if (!d) return <p className="m-loading">{t('common.loading')}</p>;
  const step = d.nextSteps.find((s) => s.kind === kind) ?? d.nextSteps[0];
  return (
    <div className="m-page">
      <TopBar title={d.site?.name ?? d.party.name} />
      <p className="m-note" data-testid="enf-stage">
        {t(`enforcement.stages.${d.stage}`)}{d.deadlineAt ? ` · ${t('enforcement.col.deadline')} ${formatTime(d.deadlineAt, i18n.language)}` : ''}<br />
        {d.party.name} · {t('enforcement.detail.prior', { n: d.priorViolations })}
        {d.statementEndsAt && d.stage !== 'closed' && d.stage !== 'decided' ? <><br />{t('enforcement.detail.statementEnds', { time: formatTime(d.statementEndsAt, i18n.language) })}</> : null}
        {d.hearingRequestEndsAt && d.stage === 'prior_noticed' ? <><br />{t('enforcement.detail.hearingEnds', { time: formatTime(d.hearingRequestEndsAt, i18n.language) })}</> : null}
      </p>
      {done ? <p className="alert alert-ok" data-testid="enf-done">{done}</p> : null}
      {!step ? null : (
        <>
          <label className="field">
            <span>{t('enforcement.field.step')}</span>
            <select className="m-input" value={step.kind} onChange={(e) => setKind(e.target.value as StepKind)} data-testid="enf-step-kind">
              {d.nextSteps.map((s) => <option key={s.kind} value={s.kind}>{t(`enforcement.steps.${s.kind}`)}</option>)}
            </select>
          </label>
          {/* Keyed by the ladder's version and the step: every step starts from an empty form. */}
          <StepForm
            key={`${d.version}:${step.kind}`}
            ladder={d}
            step={step}
            officers={officers.data?.items ?? []}
            onDone={(message) => {
              setDone(message);
              setKind('');
              ladder.reload();
            }}
          />
        </>
      )}
      <ul className="m-list" data-testid="enf-docs">
        {d.documents.map((doc) => {
          // The document the party was absent for, in its latest revision: its service is recorded here.
          const unserved = !!d.unservedStepId && doc.stepId === d.unservedStepId && !doc.supersededById;
          return (
            <li key={doc.id} data-testid={unserved ? 'enf-doc-unserved' : undefined}>
              <a className="m-item" href={doc.pdfUrl} target="_blank" rel="noreferrer">
                <span className="m-item-name">{t(`enforcement.docs.${doc.kind}`)} {doc.number}</span>
                {unserved ? <span className="m-item-flag">{t('enforcement.service.unserved')}</span> : null}
              </a>
              {unserved && doc.kind === 'decision' && d.serviceDueAt ? (
                <p className={d.serviceOverdue ? 'alert alert-error' : 'm-note'} data-testid="enf-service-due">
                  {d.serviceOverdue ? t('enforcement.service.overdue') : t('enforcement.service.dueBy', { time: formatTime(d.serviceDueAt, i18n.language) })}
                </p>
              ) : null}
              {unserved && serving !== doc.id ? (
                <button type="button" className="m-btn m-btn-block" onClick={() => setServing(doc.id)} data-testid="enf-serve">{t('enforcement.service.record')}</button>
              ) : null}
              {unserved && serving === doc.id ? (
                <ServiceForm
                  key={`${d.version}:${doc.id}`}
                  doc={doc}
                  version={d.version}
                  onDone={(message) => {
                    setDone(message);
                    setServing('');
                    ladder.reload();
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function StepForm({ ladder: d, step, officers, onDone }: { ladder: LadderDetail; step: LadderDetail['nextSteps'][number]; officers: Officer[]; onDone: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const pos = usePosition();
  const chosen = step.kind;
  const needs = (f: string) => step.requires.includes(f);
  const [photoId, setPhotoId] = useState<string | null>(null);
  const [education, setEducation] = useState(true);
  const [deadline, setDeadline] = useState(d.suggestedDeadlineAt ? isoToWall(d.suggestedDeadlineAt) : '');
  const [deadlineReason, setDeadlineReason] = useState('');
  // The server decides whether the deadline needs a reason (the suggestion may have moved since the page loaded).
  const [reasonAsked, setReasonAsked] = useState(false);
  const [co, setCo] = useState('');
  const [ack, setAck] = useState<'signed' | 'refused' | 'absent'>('signed');
  // 留置送达: the witness of the refusal (the step's photo may record the service instead).
  const [witness, setWitness] = useState('');
  const [result, setResult] = useState<'rectified' | 'not_rectified'>('not_rectified');
  const [findings, setFindings] = useState('');
  const [fine, setFine] = useState('');
  const [fineReason, setFineReason] = useState('');
  const [statementKind, setStatementKind] = useState<'statement' | 'waiver'>('statement');
  const [statementForm, setStatementForm] = useState<'written' | 'oral'>('written');
  const [statementText, setStatementText] = useState('');
  const [host, setHost] = useState('');
  const [heldAt, setHeldAt] = useState('');
  const [hearingSummary, setHearingSummary] = useState('');
  const [defence, setDefence] = useState<'' | 'adopted' | 'partly_adopted' | 'not_adopted'>('');
  const [defenceReason, setDefenceReason] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const isDoc = chosen === 'order' || chosen === 'notice' || chosen === 'prior_notice' || chosen === 'decision';
  // As the server rules (procedure.ts checkDecision): a statement made, or a hearing held; a waiver is no defence.
  const defended = d.steps.some((s) => (s.kind as string) === 'hearing' || (s.kind === 'statement' && s.details?.statement?.kind === 'statement'));
  const facts = findings.split('\n').map((x) => x.trim()).filter(Boolean);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError('');
        const gps = pos.status === 'ok' ? pos.position : undefined;
        if (needs('gps') && !gps) return setError(t('enforcement.field.noGps'));
        try {
          // Offline or no answer: kept in the outbox (待发送) with its Idempotency-Key and sent later.
          const sent = await sendOrQueue<{ document: { number: string } | null }>({ label: `${t(`enforcement.steps.${chosen}`)} · ${d.party.name}`, path: `/api/enforcement/cases/${d.id}/steps`, body: {
            kind: chosen, version: d.version, gps, photoIds: photoId ? [photoId] : [],
            ...(chosen === 'order' && { educationGiven: education }),
            ...(needs('deadlineAt') && { deadlineAt: deadline ? wallToIso(deadline) : undefined, deadlineReason: deadlineReason || undefined }),
            ...(needs('deadlineAt') && d.suggestedDeadlineAt && d.suggestedDeadlineFrom ? { suggestedDeadlineAt: d.suggestedDeadlineAt, suggestedDeadlineFrom: d.suggestedDeadlineFrom } : {}),
            ...(step.twoOfficers && { coOfficerId: co || undefined, acknowledgement: ack }),
            ...(step.twoOfficers && ack === 'refused' && { refusal: { witness: witness.trim() || undefined, photoIds: !witness.trim() && photoId ? [photoId] : [] } }),
            ...(needs('result') && { result }),
            ...((chosen === 'order' || chosen === 'notice' || chosen === 'reinspection') && facts.length ? { findings: facts } : {}),
            ...(needs('fineAmount') && { fineAmount: fine ? Number(fine) : undefined, fineReason: fineReason || undefined }),
            ...(chosen === 'statement' && { statement: { kind: statementKind, form: statementForm, text: statementText || undefined } }),
            ...(chosen === 'hearing' && { hearing: { hostId: host, heldAt: heldAt ? wallToIso(heldAt) : undefined, summary: hearingSummary } }),
            ...(chosen === 'decision' && defence ? { defence, defenceReason: defenceReason || undefined } : {}),
            ...(note && { note }),
          } });
          const r = sent.queued ? null : sent.value;
          onDone(sent.queued ? t('outbox.queued') : r?.document ? t('enforcement.field.docIssued', { number: r.document.number }) : t('enforcement.field.done'));
        } catch (err) {
          if (err instanceof ApiError && err.fields.some((f) => f.field === 'deadlineReason')) setReasonAsked(true);
          setError(errorText(t, err));
        }
      }}
    >
      {chosen !== 'payment' && chosen !== 'statement' && chosen !== 'hearing_request' && chosen !== 'hearing' ? <PhotoInput label={t('enforcement.field.photos')} testId="enf-step-photo" onUploaded={(p) => setPhotoId(p?.id ?? null)} offline /> : null}
      {chosen === 'order' ? (
        <label className="field"><span><input type="checkbox" checked={education} onChange={(e) => setEducation(e.target.checked)} data-testid="enf-education" /> {t('enforcement.field.education')}</span></label>
      ) : null}
      {needs('result') ? (
        <label className="field"><span>{t('enforcement.field.result')}</span>
          <select className="m-input" value={result} onChange={(e) => setResult(e.target.value as 'rectified' | 'not_rectified')} data-testid="enf-result">
            <option value="not_rectified">{t('enforcement.result.not_rectified')}</option>
            <option value="rectified">{t('enforcement.result.rectified')}</option>
          </select>
        </label>
      ) : null}
      {chosen === 'order' || chosen === 'notice' || (chosen === 'reinspection' && result === 'not_rectified') ? (
        <label className="field"><span>{t('enforcement.field.findings')}</span><textarea className="m-input" rows={3} value={findings} onChange={(e) => setFindings(e.target.value)} data-testid="enf-findings" /></label>
      ) : null}
      {needs('deadlineAt') ? (
        <>
          <label className="field"><span>{t('enforcement.field.deadline')}</span><DateTimeInput className="m-input" value={deadline} onChange={setDeadline} data-testid="enf-deadline" /></label>
          {d.suggestedDeadlineAt ? <p className="m-note" data-testid="enf-suggested">{t('enforcement.field.suggested', { time: formatTime(d.suggestedDeadlineAt, i18n.language) })}</p> : null}
          {reasonAsked || (d.suggestedDeadlineAt && deadline !== isoToWall(d.suggestedDeadlineAt)) ? (
            <label className="field"><span>{t('enforcement.field.deadlineReason')}</span><input className="m-input" value={deadlineReason} onChange={(e) => setDeadlineReason(e.target.value)} data-testid="enf-deadline-reason" /></label>
          ) : null}
        </>
      ) : null}
      {needs('fineAmount') ? (
        <>
          {d.fineProposal ? <p className="m-note" data-testid="enf-proposal">{t('enforcement.detail.proposal', { amount: d.fineProposal.proposed, offence: t(`enforcement.detail.${d.fineProposal.offence}`), min: d.fineProposal.legalMin, max: d.fineProposal.legalMax })}</p> : null}
          <label className="field"><span>{t('enforcement.field.fine')}</span><input type="number" className="m-input" value={fine} placeholder={String(d.proposedFine ?? d.fineProposal?.proposed ?? '')} onChange={(e) => setFine(e.target.value)} data-testid="enf-fine" /></label>
          <label className="field"><span>{t('enforcement.field.fineReason')}</span><input className="m-input" value={fineReason} onChange={(e) => setFineReason(e.target.value)} /></label>
        </>
      ) : null}
      {chosen === 'statement' ? (
        <>
          <label className="field"><span>{t('enforcement.field.statementKind')}</span>
            <select className="m-input" value={statementKind} onChange={(e) => setStatementKind(e.target.value as 'statement' | 'waiver')} data-testid="enf-statement-kind">
              {(['statement', 'waiver'] as const).map((k) => <option key={k} value={k}>{t(`enforcement.field.statementKinds.${k}`)}</option>)}
            </select>
          </label>
          <label className="field"><span>{t('enforcement.field.statementForm')}</span>
            <select className="m-input" value={statementForm} onChange={(e) => setStatementForm(e.target.value as 'written' | 'oral')}>
              {(['written', 'oral'] as const).map((k) => <option key={k} value={k}>{t(`enforcement.field.statementForms.${k}`)}</option>)}
            </select>
          </label>
          {statementKind === 'statement' ? <label className="field"><span>{t('enforcement.field.statementText')}</span><textarea className="m-input" rows={4} value={statementText} onChange={(e) => setStatementText(e.target.value)} data-testid="enf-statement-text" /></label> : null}
        </>
      ) : null}
      {chosen === 'hearing' ? (
        <>
          <label className="field"><span>{t('enforcement.field.hearingHost')}</span>
            <select className="m-input" value={host} onChange={(e) => setHost(e.target.value)} data-testid="enf-hearing-host">
              <option value="" />
              {officers.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
          </label>
          <label className="field"><span>{t('enforcement.field.hearingAt')}</span><DateTimeInput className="m-input" value={heldAt} onChange={setHeldAt} data-testid="enf-hearing-at" /></label>
          <label className="field"><span>{t('enforcement.field.hearingSummary')}</span><textarea className="m-input" rows={4} value={hearingSummary} onChange={(e) => setHearingSummary(e.target.value)} /></label>
        </>
      ) : null}
      {chosen === 'decision' && defended ? (
        <>
          <label className="field"><span>{t('enforcement.field.defence')}</span>
            <select className="m-input" value={defence} onChange={(e) => setDefence(e.target.value as typeof defence)} data-testid="enf-defence">
              <option value="" />
              {(['adopted', 'partly_adopted', 'not_adopted'] as const).map((k) => <option key={k} value={k}>{t(`enforcement.field.defences.${k}`)}</option>)}
            </select>
          </label>
          <label className="field"><span>{t('enforcement.field.defenceReason')}</span><input className="m-input" value={defenceReason} onChange={(e) => setDefenceReason(e.target.value)} /></label>
        </>
      ) : null}
      {step.twoOfficers ? (
        <>
          <label className="field"><span>{t('enforcement.field.coOfficer')}</span>
            <select className="m-input" value={co} onChange={(e) => setCo(e.target.value)} data-testid="enf-co">
              <option value="" />
              {officers.filter((o) => !o.me).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
          </label>
          <label className="field"><span>{t('enforcement.ack.label')}</span>
            <select className="m-input" value={ack} onChange={(e) => setAck(e.target.value as 'signed' | 'refused' | 'absent')} data-testid="enf-ack">
              {(['signed', 'refused', 'absent'] as const).map((a) => <option key={a} value={a}>{t(`enforcement.ack.${a}`)}</option>)}
            </select>
          </label>
          {ack === 'refused' ? (
            <label className="field"><span>{t('enforcement.ack.witness')}</span><input className="m-input" value={witness} onChange={(e) => setWitness(e.target.value)} data-testid="enf-witness" /></label>
          ) : null}
          {ack === 'absent' ? <p className="hint" data-testid="enf-absent-hint">{t('enforcement.ack.absentHint')}</p> : null}
        </>
      ) : null}
      <label className="field"><span>{chosen === 'payment' ? t('enforcement.field.receipt') : t('enforcement.field.note')}</span><input className="m-input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="enf-note" /></label>
      {error ? <p className="alert alert-error" data-testid="enf-error">{error}</p> : null}
      <button type="submit" className="m-btn m-btn-primary m-btn-block" data-testid="enf-submit">{t('enforcement.field.submit')}{isDoc ? ` · ${t(`enforcement.docs.${chosen}`)}` : ''}</button>
    </form>
  );
}
