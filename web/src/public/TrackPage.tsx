import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../shared/api';
import { errorText } from '../shared/errors';
import { formatTime } from '../shared/format';

interface Stage {
  at: string;
  action: string;
  status: string;
  text: string;
}

interface View {
  number: string;
  serviceName: string;
  serviceNameEn: string;
  status: 'open' | 'closed';
  stage: string;
  /** The public stage as one word (reported, filed, reopened, dispatched, rework, on_hold, handled, closed, cancelled, merged). */
  step: string;
  statusNotes: string;
  agency: string;
  agencyEn: string;
  reportedAt: string;
  expectedAt: string | null;
  description: string;
  stages: Stage[];
  photos: { before: string[]; after: string[] };
  abusive: boolean;
  feedback: 'confirmed' | 'contested' | null;
  canRespond: boolean;
}

/** The tracking page: the public stages, the photos (before and, once closed, after), confirm or contest the fix. */
export function TrackPage({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const en = lang === 'en';
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState('');
  const [contesting, setContesting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState('');

  const load = useCallback(() => {
    request<View>('GET', `/api/public/reports/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((e: unknown) => setError(e instanceof ApiError && e.status === 404 ? t('pub.track.notFound') : errorText(t, e)));
  }, [token, t]);
  useEffect(load, [load]);

  async function respond(kind: 'confirm' | 'contest') {
    setBusy(true);
    setActionError('');
    try {
      await request('POST', `/api/public/reports/${encodeURIComponent(token)}/${kind}`, kind === 'contest' ? { reason } : {});
      setContesting(false);
      load();
    } catch (e) {
      setActionError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  if (error) return <main><p className="p-error" data-testid="track-error">{error}</p></main>;
  if (!view) return <main><p className="hint">{t('pub.track.loading')}</p></main>;
  const closed = view.status === 'closed';
  return (
    <main data-testid="track" data-status={view.status} data-stage={view.stage} data-feedback={view.feedback ?? ''}>
      <h1>{t('pub.track.title')}</h1>
      {view.abusive ? <p className="p-error" data-testid="track-abusive">{t('pub.track.abusive')}</p> : null}
      <dl className="p-facts">
        <dt>{t('pub.track.number')}</dt>
        <dd data-testid="track-number">{view.number}</dd>
        <dt>{t('pub.track.category')}</dt>
        <dd>{en ? view.serviceNameEn : view.serviceName}</dd>
        <dt>{t('pub.track.status')}</dt>
        <dd>
          <span className={`p-badge ${closed ? 'p-badge-closed' : ''}`}>{t(closed ? 'pub.track.closed' : 'pub.track.open')}</span>{' '}
          <span data-testid="track-notes">{view.abusive ? '' : en ? t(`pub.step.${view.step}`) : view.statusNotes}</span>
        </dd>
        <dt>{t('pub.track.agency')}</dt>
        <dd data-testid="track-agency">{en ? view.agencyEn : view.agency}</dd>
        {view.expectedAt ? (
          <>
            <dt>{t('pub.track.expected')}</dt>
            <dd>{formatTime(view.expectedAt, lang)}</dd>
          </>
        ) : null}
      </dl>
      <p className="p-desc">{view.description}</p>

      {view.photos.before.length || view.photos.after.length ? (
        <div className="p-photos">
          {view.photos.before.map((src) => (
            <figure key={src} data-testid="photo-before"><img src={src} alt={t('pub.track.before')} loading="lazy" /><figcaption>{t('pub.track.before')}</figcaption></figure>
          ))}
          {view.photos.after.map((src) => (
            <figure key={src} data-testid="photo-after"><img src={src} alt={t('pub.track.after')} loading="lazy" /><figcaption>{t('pub.track.after')}</figcaption></figure>
          ))}
        </div>
      ) : null}

      {view.canRespond ? (
        <section className="p-respond" data-testid="respond">
          <h2>{t('pub.track.confirmTitle')}</h2>
          {contesting ? (
            <>
              <label className="field">
                <span>{t('pub.track.contestReason')}</span>
                <textarea className="p-input" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="contest-reason" />
              </label>
              <button type="button" className="p-btn p-btn-primary" disabled={busy || !reason.trim()} onClick={() => void respond('contest')} data-testid="send-contest">{t('pub.track.sendContest')}</button>
            </>
          ) : (
            <>
              <button type="button" className="p-btn p-btn-primary" disabled={busy} onClick={() => void respond('confirm')} data-testid="confirm">{t('pub.track.confirm')}</button>
              <button type="button" className="p-btn" disabled={busy} onClick={() => setContesting(true)} data-testid="contest">{t('pub.track.contest')}</button>
            </>
          )}
          {actionError ? <p className="p-error" role="alert">{actionError}</p> : null}
        </section>
      ) : null}
      {view.feedback === 'confirmed' ? <p className="p-ok" data-testid="feedback-confirmed">{t('pub.track.confirmed')}</p> : null}
      {view.feedback === 'contested' && !view.canRespond ? <p className="p-ok" data-testid="feedback-contested">{t('pub.track.contested')}</p> : null}

      {view.stages.length ? (
        <section>
          <h2>{t('pub.track.history')}</h2>
          <ol className="p-stages" data-testid="stages">
            {view.stages.map((s, i) => (
              <li key={i} data-action={s.action}>
                <time>{formatTime(s.at, lang)}</time> {en ? t(`pub.action.${s.action}`) : s.text}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </main>
  );
}
