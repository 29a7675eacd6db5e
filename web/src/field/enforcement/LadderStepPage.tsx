import '../../shared/i18n/enforcement';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { LadderDetail, StepKind } from '../../shared/enforcement-types';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import { useApi } from '../../shared/use-api';
import { PhotoInput } from '../patrol/PhotoInput';
import { TopBar } from '../TopBar';
import { usePosition } from '../use-position';

interface Officer { id: string; name: string; username: string; me: boolean }

/** The officer's flow on the phone: photos, education, the document with its deadline or fine, the subject's acknowledgement. */
export function LadderStepPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const pos = usePosition();
  const ladder = useApi(() => api.get<LadderDetail>(`/api/enforcement/cases/${id}`), [id]);
  const officers = useApi(() => api.get<{ items: Officer[] }>('/api/enforcement/officers'), []);
  const [kind, setKind] = useState<StepKind | ''>('');
  const [photoId, setPhotoId] = useState<string | null>(null);
  const [education, setEducation] = useState(true);
  const [deadline, setDeadline] = useState('');
  const [co, setCo] = useState('');
  const [ack, setAck] = useState<'signed' | 'refused' | 'absent'>('signed');
  const [result, setResult] = useState<'rectified' | 'not_rectified'>('not_rectified');
  const [fine, setFine] = useState('');
  const [fineReason, setFineReason] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const d = ladder.data;
  if (ladder.error) return <p className="alert alert-error">{errorText(t, ladder.error)}</p>;
  if (!d) return <p className="m-loading">{t('common.loading')}</p>;
  const step = d.nextSteps.find((s) => s.kind === kind) ?? d.nextSteps[0];
  const chosen = step?.kind;
  const needs = (f: string) => step?.requires.includes(f);
  const isDoc = chosen === 'order' || chosen === 'notice' || chosen === 'decision';
  return (
    <div className="m-page">
      <TopBar title={d.site?.name ?? d.party.name} />
      <p className="m-note" data-testid="enf-stage">
        {t(`enforcement.stages.${d.stage}`)}{d.deadlineAt ? ` · ${t('enforcement.col.deadline')} ${formatTime(d.deadlineAt, i18n.language)}` : ''}<br />
        {d.party.name} · {t('enforcement.detail.prior', { n: d.priorViolations })}
      </p>
      {done ? <p className="alert alert-ok" data-testid="enf-done">{done}</p> : null}
      {!step ? null : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setError('');
            const gps = pos.status === 'ok' ? pos.position : undefined;
            if (needs('gps') && !gps) return setError(t('enforcement.field.noGps'));
            try {
              // Offline or no answer: kept in the outbox (待发送) with its Idempotency-Key and sent later.
              const sent = await sendOrQueue<{ document: { number: string } | null }>({ label: `${t(`enforcement.steps.${chosen}`)} · ${d.party.name}`, path: `/api/enforcement/cases/${id}/steps`, body: {
                kind: chosen, version: d.version, gps, photoIds: photoId ? [photoId] : [],
                ...(chosen === 'order' && { educationGiven: education }),
                ...(needs('deadlineAt') && { deadlineAt: deadline ? new Date(deadline).toISOString() : undefined }),
                ...(step.twoOfficers && { coOfficerId: co || undefined, acknowledgement: ack }),
                ...(needs('result') && { result }),
                ...(needs('fineAmount') && { fineAmount: fine ? Number(fine) : undefined, fineReason: fineReason || undefined }),
                ...(note && { note }),
              } });
              const r = sent.queued ? null : sent.value;
              setDone(sent.queued ? t('outbox.queued') : r?.document ? t('enforcement.field.docIssued', { number: r.document.number }) : t('enforcement.field.done'));
              setPhotoId(null);
              setKind('');
              ladder.reload();
            } catch (err) {
              setError(errorText(t, err));
            }
          }}
        >
          <label className="field">
            <span>{t('enforcement.field.step')}</span>
            <select className="m-input" value={chosen} onChange={(e) => setKind(e.target.value as StepKind)} data-testid="enf-step-kind">
              {d.nextSteps.map((s) => <option key={s.kind} value={s.kind}>{t(`enforcement.steps.${s.kind}`)}</option>)}
            </select>
          </label>
          {chosen !== 'payment' ? <PhotoInput label={t('enforcement.field.photos')} testId="enf-step-photo" onUploaded={(p) => setPhotoId(p?.id ?? null)} offline /> : null}
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
          {needs('deadlineAt') ? (
            <label className="field"><span>{t('enforcement.field.deadline')}</span><input type="datetime-local" className="m-input" value={deadline} onChange={(e) => setDeadline(e.target.value)} data-testid="enf-deadline" /></label>
          ) : null}
          {needs('fineAmount') ? (
            <>
              {d.fineProposal ? <p className="m-note" data-testid="enf-proposal">{t('enforcement.detail.proposal', { amount: d.fineProposal.proposed, offence: t(`enforcement.detail.${d.fineProposal.offence}`), min: d.fineProposal.legalMin, max: d.fineProposal.legalMax })}</p> : null}
              <label className="field"><span>{t('enforcement.field.fine')}</span><input type="number" className="m-input" value={fine} placeholder={String(d.fineProposal?.proposed ?? '')} onChange={(e) => setFine(e.target.value)} data-testid="enf-fine" /></label>
              <label className="field"><span>{t('enforcement.field.fineReason')}</span><input className="m-input" value={fineReason} onChange={(e) => setFineReason(e.target.value)} /></label>
            </>
          ) : null}
          {step.twoOfficers ? (
            <>
              <label className="field"><span>{t('enforcement.field.coOfficer')}</span>
                <select className="m-input" value={co} onChange={(e) => setCo(e.target.value)} data-testid="enf-co">
                  <option value="" />
                  {(officers.data?.items ?? []).filter((o) => !o.me).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
                </select>
              </label>
              <label className="field"><span>{t('enforcement.ack.label')}</span>
                <select className="m-input" value={ack} onChange={(e) => setAck(e.target.value as 'signed' | 'refused' | 'absent')} data-testid="enf-ack">
                  {(['signed', 'refused', 'absent'] as const).map((a) => <option key={a} value={a}>{t(`enforcement.ack.${a}`)}</option>)}
                </select>
              </label>
            </>
          ) : null}
          <label className="field"><span>{chosen === 'payment' ? t('enforcement.field.receipt') : t('enforcement.field.note')}</span><input className="m-input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="enf-note" /></label>
          {error ? <p className="alert alert-error" data-testid="enf-error">{error}</p> : null}
          <button type="submit" className="m-btn m-btn-primary m-btn-block" data-testid="enf-submit">{t('enforcement.field.submit')}{isDoc ? ` · ${t(`enforcement.docs.${chosen}`)}` : ''}</button>
        </form>
      )}
      <ul className="m-list" data-testid="enf-docs">
        {d.documents.map((doc) => <li key={doc.id}><a className="m-item" href={doc.pdfUrl} target="_blank" rel="noreferrer"><span className="m-item-name">{doc.number}</span></a></li>)}
      </ul>
    </div>
  );
}
