import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { feedbackPathOf, rememberRating } from './my-ratings';
import type { RatingTarget } from './types';

const LEVELS = [5, 4, 3, 2, 1] as const;
const SUBS = ['efficiency', 'skill', 'attitude'] as const;
type Sub = (typeof SUBS)[number];

/** Five stars as radio buttons: large enough for a thumb, labelled in words (非常满意 … 非常不满意). */
function Levels({ name, value, onChange, compact = false, labelledBy }: { name: string; value: number | null; onChange: (v: number) => void; compact?: boolean; labelledBy?: string }) {
  const { t } = useTranslation();
  return (
    <div className={`pp-levels ${compact ? 'pp-levels-compact' : ''}`} role="radiogroup" aria-labelledby={labelledBy} data-testid={`levels-${name}`}>
      {LEVELS.map((l) => (
        <label key={l} className={`pp-level ${value === l ? 'pp-level-on' : ''} ${l <= 2 ? 'pp-level-bad' : ''}`} data-testid={`${name}-${l}`}>
          <input type="radio" name={name} value={l} checked={value === l} onChange={() => onChange(l)} />
          <span className="pp-stars" aria-hidden="true">{'★'.repeat(l)}{'☆'.repeat(5 - l)}</span>
          <span>{t(`ywPub.level.${l}`)}</span>
        </label>
      ))}
    </div>
  );
}

/**
 * The 好差评 page a QR code or text message opens (/rate/{token}): the service (no names), five
 * levels, the national scheme's on-site sub-scores, a comment; once, within the rating window.
 */
export function RatePage({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [target, setTarget] = useState<RatingTarget | null>(null);
  const [error, setError] = useState('');
  const [level, setLevel] = useState<number | null>(null);
  const [scores, setScores] = useState<Partial<Record<Sub, number>>>({});
  const [comment, setComment] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState('');
  const [sent, setSent] = useState<{ bad: boolean; feedbackToken: string | null } | null>(null);

  useEffect(() => {
    document.title = `${t('ywPub.rate.title')} · ${t('ywPub.brand')}`;
    request<RatingTarget>('GET', `/api/public/rate/${encodeURIComponent(token)}`)
      .then(setTarget)
      .catch((e: unknown) => setError(e instanceof ApiError && (e.status === 404 || e.status === 400) ? t('ywPub.rate.notFound') : errorText(t, e)));
  }, [token, t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!level || needsReason) return;
    setBusy(true);
    setSendError('');
    try {
      const out = await request<{ bad: boolean; feedbackToken: string | null }>('POST', `/api/public/rate/${encodeURIComponent(token)}`, {
        level, scores, comment: comment.trim() || null, channel: 'qr', anonymous,
      });
      if (out.feedbackToken) rememberRating({ rateToken: token, feedbackPath: `/rate/feedback/${out.feedbackToken}` });
      setSent(out);
    } catch (err) {
      setSendError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  // A 差评 (★1–2) is sent only with its reason: the server refuses one without (comment).
  const bad = level !== null && level <= 2;
  const needsReason = bad && !comment.trim();
  if (error) return <main><p className="p-error" data-testid="rate-error">{error}</p></main>;
  if (!target) return <main><p className="hint">{t('ywPub.loading')}</p></main>;
  // A 差评 given from this phone: its outcome-feedback link, kept here since the server answers it once.
  const keptFeedback = target.rated ? feedbackPathOf(token) : null;
  return (
    <main data-testid="rate" data-open={String(target.open && !sent)}>
      <h1>{t('ywPub.rate.title')}</h1>
      <dl className="p-facts">
        <dt>{t('ywPub.rate.item')}</dt>
        <dd data-testid="rate-item">{lang === 'en' && target.itemNameEn ? target.itemNameEn : target.itemName}</dd>
        <dt>{t('ywPub.rate.point')}</dt>
        <dd>{target.pointName}</dd>
        <dt>{t('ywPub.rate.number')}</dt>
        <dd data-testid="rate-number">{target.number}</dd>
        <dt>{t('ywPub.rate.acceptedAt')}</dt>
        <dd>{formatTime(target.acceptedAt, lang)}</dd>
        {target.open ? (<><dt>{t('ywPub.rate.closesAt')}</dt><dd>{formatTime(target.closesAt, lang)}</dd></>) : null}
      </dl>
      {sent ? (
        <div className="p-ok" data-testid="rate-sent" data-bad={String(sent.bad)}>
          <p className="p-number">{t('ywPub.rate.thanks')}</p>
          {sent.bad ? <p>{t('ywPub.rate.badThanks')}</p> : null}
          {sent.feedbackToken ? (
            <p>
              {t('ywPub.rate.feedbackKeep')}{' '}
              <a className="p-link" href={`/rate/feedback/${sent.feedbackToken}`} data-testid="feedback-link">{t('ywPub.rate.feedbackLink')}</a>
            </p>
          ) : null}
        </div>
      ) : target.rated ? (
        <div className="p-ok" data-testid="rate-done">
          <p>{t('ywPub.rate.done', { level: t(`ywPub.level.${target.rated.level}`) })}</p>
          {keptFeedback ? (
            <p>
              {t('ywPub.rate.feedbackKeep')}{' '}
              <a className="p-link" href={keptFeedback} data-testid="feedback-link">{t('ywPub.rate.feedbackLink')}</a>
            </p>
          ) : null}
        </div>
      ) : !target.open ? (
        <p className="p-error" data-testid="rate-closed">{t('ywPub.rate.closed')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <h2 id="rate-overall">{t('ywPub.rate.overall')}</h2>
          <Levels name="level" value={level} onChange={setLevel} labelledBy="rate-overall" />
          <h2>{t('ywPub.rate.subScores')}</h2>
          {SUBS.map((s) => (
            <fieldset key={s} className="pp-sub">
              <legend id={`rate-${s}`}>{t(`ywPub.rate.${s}`)}</legend>
              <Levels name={s} value={scores[s] ?? null} onChange={(v) => setScores((o) => ({ ...o, [s]: v }))} compact labelledBy={`rate-${s}`} />
            </fieldset>
          ))}
          <label className="field">
            <span>{t(bad ? 'ywPub.rate.commentBad' : 'ywPub.rate.comment')}</span>
            <textarea
              className="p-input" rows={3} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="rate-comment"
              aria-required={bad} aria-describedby={bad ? 'rate-comment-hint' : undefined}
            />
            {bad ? <span className="hint" id="rate-comment-hint" data-testid="rate-comment-hint">{t('ywPub.rate.commentHintBad')}</span> : null}
          </label>
          <label className="pp-check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} data-testid="rate-anonymous" /> {t('ywPub.rate.anonymous')}
          </label>
          {sendError ? <p className="p-error" role="alert">{sendError}</p> : null}
          <button type="submit" className="p-btn p-btn-primary" disabled={busy || level === null || needsReason} data-testid="rate-submit">
            {busy ? t('ywPub.rate.sending') : t('ywPub.rate.submit')}
          </button>
          {level === null ? <span className="why-disabled">{t('ywPub.rate.needLevel')}</span> : needsReason ? <span className="why-disabled" data-testid="rate-need-reason">{t('ywPub.rate.needReason')}</span> : null}
        </form>
      )}
    </main>
  );
}

/** The rater judges how a 差评 was followed up (/rate/feedback/{token}), once the case is closed: until then the page says why not. */
export function FeedbackPage({ token }: { token: string }) {
  const { t } = useTranslation();
  type Feedback = 'satisfied' | 'basic' | 'unsatisfied';
  const [state, setState] = useState<{ state: 'open' | 'ready' | 'given' | 'voided'; feedback: Feedback | null } | null>(null);
  const [loadError, setLoadError] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => {
    document.title = `${t('ywPub.feedback.title')} · ${t('ywPub.brand')}`;
    request<{ state: 'open' | 'ready' | 'given' | 'voided'; feedback: Feedback | null }>('GET', `/api/public/rate/${encodeURIComponent(token)}/feedback`)
      .then(setState)
      .catch((e: unknown) => setLoadError(e instanceof ApiError && (e.status === 404 || e.status === 400) ? t('ywPub.feedback.notFound') : errorText(t, e)));
  }, [token, t]);
  async function send(feedback: Feedback) {
    setBusy(true);
    setError('');
    try {
      await request('POST', `/api/public/rate/${encodeURIComponent(token)}/feedback`, { feedback });
      setDone(true);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main data-testid="feedback" data-state={done ? 'given' : state?.state ?? ''}>
      <h1>{t('ywPub.feedback.title')}</h1>
      {loadError ? (
        <p className="p-error" data-testid="feedback-error">{loadError}</p>
      ) : !state ? (
        <p className="hint">{t('ywPub.loading')}</p>
      ) : done ? (
        <p className="p-ok" data-testid="feedback-done">{t('ywPub.feedback.done')}</p>
      ) : state.state === 'open' ? (
        <p className="p-sub" data-testid="feedback-open">{t('ywPub.feedback.open')}</p>
      ) : state.state === 'given' ? (
        <p className="p-ok" data-testid="feedback-given">{t('ywPub.feedback.given', { feedback: state.feedback ? t(`ywPub.feedback.${state.feedback}`) : '' })}</p>
      ) : state.state === 'voided' ? (
        <p className="p-sub" data-testid="feedback-voided">{t('ywPub.feedback.voided')}</p>
      ) : (
        <>
          <p className="p-sub">{t('ywPub.feedback.hint')}</p>
          {(['satisfied', 'basic', 'unsatisfied'] as const).map((f) => (
            <button key={f} type="button" className={`p-btn ${f === 'satisfied' ? 'p-btn-primary' : ''}`} disabled={busy} onClick={() => void send(f)} data-testid={`feedback-${f}`}>
              {t(`ywPub.feedback.${f}`)}
            </button>
          ))}
          {error ? <p className="p-error" role="alert" data-testid="feedback-error">{error}</p> : null}
        </>
      )}
    </main>
  );
}
