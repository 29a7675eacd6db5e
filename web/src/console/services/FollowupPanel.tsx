import '../../shared/i18n/cases';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, type FieldError } from '../../shared/api';
import { useAuth, useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import { Field } from '../../shared/FieldErrors';
import { formatStamp } from '../../shared/format';
import { useApi } from '../../shared/use-api';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, type Followup, type Rating, RESOLUTIONS } from './types';

/** One write of the follow-up: posts, shows the server's field reasons, reloads on success. */
function useStep(onDone: () => void) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function run(path: string, body: unknown) {
    setErrors([]);
    setError(null);
    setBusy(true);
    try {
      await api.post(path, body);
      onDone();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setErrors(err.fields);
    } finally {
      setBusy(false);
    }
  }
  return { errors, error, busy, run };
}

function StepError({ step }: { step: ReturnType<typeof useStep> }) {
  const { t } = useTranslation();
  return step.error && !step.errors.length ? <p className="alert alert-error" data-testid="fu-error">{errorText(t, step.error)}</p> : null;
}

/**
 * A 差评's loop: 回访 with the rater, then rectification or explanation with evidence (the case's
 * handle step; the desk checks and closes it), an appeal by the person rated and its decision by
 * a second person, and finally the rater's view of the outcome.
 */
export function FollowupPanel({ rating, onChanged }: { rating: Rating; onChanged(): void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const me = useMe().user.id;
  // Only the person rated appeals; a second person decides (the server holds both rules too).
  const rated = rating.staffId === me;
  const path = `/api/services/ratings/${encodeURIComponent(rating.id)}`;
  const f = useApi(() => api.get<Followup>(`${path}/followup`), [rating.id]);
  const reload = () => { f.reload(); onChanged(); };
  const callback = useStep(() => { setNote(''); reload(); });
  const resolve = useStep(reload);
  const appeal = useStep(reload);
  const decide = useStep(reload);
  const [note, setNote] = useState('');
  const [channel, setChannel] = useState<(typeof CONTACT_CHANNELS)[number]>('phone');
  const [outcome, setOutcome] = useState<(typeof CONTACT_OUTCOMES)[number]>('reached');
  const [resolution, setResolution] = useState<(typeof RESOLUTIONS)[number]>('rectify');
  const [resolveNote, setResolveNote] = useState('');
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [reason, setReason] = useState('');

  if (f.error) return <p className="alert alert-error">{errorText(t, f.error)}</p>;
  if (!f.data) return <p className="muted">{t('common.loading')}</p>;
  const d = f.data;
  const open = d.caseStatus === 'dispatched';
  const submit = (fn: () => void) => (e: FormEvent) => { e.preventDefault(); fn(); };
  const section = (title: string, body: ReactNode, testId: string) => (
    <div className="yw-fu-step" data-testid={testId}><h3>{title}</h3>{body}</div>
  );

  return (
    <section className="card yw-panel" data-testid="yw-followup" data-case-status={d.caseStatus}>
      <h2>{t('yw.followup.title')}</h2>
      <p>
        {rating.caseNumber ? <Link to={`/cases/${d.caseId}`}>{t('yw.followup.case', { number: rating.caseNumber })}</Link> : null} ·{' '}
        {t('common.labelled', { label: t('yw.followup.caseStatus') })}<span data-testid="fu-case-status">{t(`cases.status.${d.caseStatus}`, { defaultValue: d.caseStatus })}</span> ·{' '}
        {t('common.labelled', { label: t('yw.followup.dueAt') })}{formatStamp(d.dueAt)}
        {d.onTime !== null ? ` · ${t(d.onTime ? 'yw.followup.onTime' : 'yw.followup.late')}` : ''}
      </p>
      {section(t('yw.followup.callback'), <>
        <p data-testid="fu-rater" data-masked={String(d.rater.masked)}>
          {d.rater.named ? t('yw.followup.rater', { name: d.rater.name ?? '', phone: d.rater.phone ?? t('yw.followup.noPhone') }) : t('yw.followup.raterAnonymous')}
        </p>
        {d.callbackAt ? (
          <p data-testid="fu-callback-done">{t('yw.followup.callbackDone', { time: formatStamp(d.callbackAt), note: d.callbackNote ?? '' })} <span className="muted">（{t('yw.followup.firstContact')}）</span></p>
        ) : null}
        {d.contacts?.length ? (
          <>
            <h4>{t('yw.followup.contacts', { count: d.contacts.length })}</h4>
            <ol className="yw-fu-contacts" data-testid="fu-contacts">
              {d.contacts.map((c) => (
                <li key={c.id} data-testid="fu-contact" data-channel={c.channel} data-outcome={c.outcome}>
                  {t('yw.followup.contactLine', {
                    time: formatStamp(c.at), who: c.byName ?? '—', channel: t(`yw.followup.channels.${c.channel}`), outcome: t(`yw.followup.outcomes.${c.outcome}`), note: c.note,
                  })}
                </li>
              ))}
            </ol>
          </>
        ) : null}
        {can('services.followup') && open ? (
          <form onSubmit={submit(() => void callback.run(`${path}/callback`, { note, channel, outcome }))}>
            {d.callbackAt ? <h4>{t('yw.followup.contactAgain')}</h4> : null}
            <Field label={t('yw.followup.channelLabel')} name="channel" errors={callback.errors}>
              <select value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)} data-testid="fu-callback-channel">
                {CONTACT_CHANNELS.map((c) => <option key={c} value={c}>{t(`yw.followup.channels.${c}`)}</option>)}
              </select>
            </Field>
            <Field label={t('yw.followup.outcomeLabel')} name="outcome" errors={callback.errors}>
              <select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)} data-testid="fu-callback-outcome">
                {CONTACT_OUTCOMES.map((o) => <option key={o} value={o}>{t(`yw.followup.outcomes.${o}`)}</option>)}
              </select>
            </Field>
            <Field label={t('yw.followup.callbackNote')} name="note" errors={callback.errors}>
              <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} data-testid="fu-callback-note" />
            </Field>
            <StepError step={callback} />
            <SubmitWithReason className="btn btn-primary" busy={callback.busy} why={[note.trim().length < 2 && t('yw.why.note')]} testId="fu-callback-submit">
              {t('yw.followup.callbackSubmit')}
            </SubmitWithReason>
          </form>
        ) : !d.callbackAt ? <p className="muted">—</p> : null}
      </>, 'fu-callback')}
      {section(t('yw.followup.resolve'), d.resolution ? (
        <p data-testid="fu-resolved">{t(d.caseStatus === 'closed' ? 'yw.followup.resolvedClosed' : 'yw.followup.resolved', { time: formatStamp(d.resolvedAt), how: t(`yw.followup.resolutions.${d.resolution}`) })}</p>
      ) : can('services.followup') && open && (d.callbackAt || !d.rater.named) ? (
        <form onSubmit={submit(() => void resolve.run(`${path}/resolve`, { version: d.caseVersion, resolution, note: resolveNote, photoIds }))}>
          <Field label={t('yw.followup.resolution')} name="resolution" errors={resolve.errors}>
            <select value={resolution} onChange={(e) => setResolution(e.target.value as typeof resolution)} data-testid="fu-resolution">
              {RESOLUTIONS.map((r) => <option key={r} value={r}>{t(`yw.followup.resolutions.${r}`)}</option>)}
            </select>
          </Field>
          <Field label={t('yw.followup.note')} name="note" errors={resolve.errors}>
            <textarea rows={2} value={resolveNote} onChange={(e) => setResolveNote(e.target.value)} data-testid="fu-resolve-note" />
          </Field>
          <Field label={t('yw.followup.photos')} name="photoIds" errors={resolve.errors} hint={t('yw.followup.photoCount', { n: photoIds.length })}>
            <input
              type="file"
              accept="image/*"
              data-testid="fu-photo"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                setUploadError(null);
                try {
                  const p = await api.upload<{ id: string }>('/api/photos', file);
                  setPhotoIds((ids) => [...ids, p.id]);
                } catch (err) {
                  setUploadError(err);
                }
              }}
            />
          </Field>
          {uploadError ? <p className="alert alert-error">{errorText(t, uploadError)}</p> : null}
          <StepError step={resolve} />
          <SubmitWithReason
            className="btn btn-primary"
            busy={resolve.busy}
            why={[resolveNote.trim().length < 2 && t('yw.why.note'), photoIds.length === 0 && t('yw.why.photo')]}
            testId="fu-resolve-submit"
          >
            {t('yw.followup.resolveSubmit')}
          </SubmitWithReason>
        </form>
      ) : <p className="muted">—</p>, 'fu-resolve')}
      {section(t('yw.followup.appeal'), d.appealAt ? (
        <>
          <p data-testid="fu-appealed">{t('yw.followup.appealed', { time: formatStamp(d.appealAt), reason: d.appealReason ?? '' })}</p>
          {d.appealDecidedAt ? (
            <p className={d.appealUpheld ? 'alert alert-ok' : 'alert alert-info'} data-testid="fu-decided">{t(d.appealUpheld ? 'yw.followup.upheld' : 'yw.followup.rejected')}</p>
          ) : can('services.ratings.review') && !rated ? (
            <div className="actions">
              <h4>{t('yw.followup.decide')}</h4>
              <button type="button" className="btn" disabled={decide.busy} onClick={() => void decide.run(`${path}/appeal-decision`, { upheld: true })} data-testid="fu-uphold">{t('yw.followup.uphold')}</button>
              <button type="button" className="btn" disabled={decide.busy} onClick={() => void decide.run(`${path}/appeal-decision`, { upheld: false })} data-testid="fu-reject">{t('yw.followup.reject')}</button>
              {decide.error ? <p className="alert alert-error" data-testid="fu-decide-error">{errorText(t, decide.error)}</p> : null}
            </div>
          ) : null}
        </>
      ) : can('services.followup') && rated ? (
        <form onSubmit={submit(() => void appeal.run(`${path}/appeal`, { reason }))}>
          <Field label={t('yw.followup.appealReason')} name="reason" errors={appeal.errors}>
            <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="fu-appeal-reason" />
          </Field>
          <StepError step={appeal} />
          <SubmitWithReason className="btn" busy={appeal.busy} why={[reason.trim().length < 5 && t('yw.why.reason')]} testId="fu-appeal-submit">
            {t('yw.followup.appealSubmit')}
          </SubmitWithReason>
        </form>
      ) : <p className="muted">—</p>, 'fu-appeal')}
      {section(t('yw.followup.feedback'), <p data-testid="fu-feedback">{d.feedback ? t(`yw.followup.feedbacks.${d.feedback}`) : t('yw.followup.noFeedback')}</p>, 'fu-feedback-step')}
    </section>
  );
}
