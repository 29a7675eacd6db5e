import '../../shared/i18n/cases';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../../shared/api';
import { type CaseDetail, idemKey, label } from '../../shared/cases';
import { BeforeAfterPhotos, TimelineList } from '../../shared/case-timeline/CaseEvents';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import { useApi } from '../../shared/use-api';
import { PhotoInput, type UploadedPhoto } from '../patrol/PhotoInput';
import { useWatchPosition } from '../patrol/use-watch-position';
import { TopBar } from '../TopBar';
import { NavigateLinks } from '../NavigateLinks';
import { SiteMap } from '../../shared/map/SiteMap';
import type { SiteKind } from '../../shared/types';
import './cases.css';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import '../../shared/i18n/ux';
import { DateTimeInput } from '../../shared/date-input/DateInput';
import { wallToIso } from '../../shared/dates';

/** One case on the phone: handle it (after-photo and note) or check it (pass / fail with a note), as the API allows. */
export function TaskPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const r = useApi(() => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`), [id]);
  const gps = useWatchPosition();
  const [photos, setPhotos] = useState<UploadedPhoto[]>([]);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [dueAt, setDueAt] = useState('');
  const [request, setRequest] = useState<'request_hold' | 'request_extension' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [key] = useState(idemKey);
  const c = r.data;
  if (r.error) return <div className="m-page"><TopBar title={t('cases.field.tasks')} /><p className="field-error">{errorText(t, r.error)}</p></div>;
  if (!c) return <div className="m-page"><TopBar title={t('cases.field.tasks')} /><p className="m-note">{t('common.loading')}</p></div>;
  const can = (a: string) => c.allowedActions.some((x) => x.action === a);

  async function act(action: 'handle' | 'check_pass' | 'check_fail' | 'request_hold' | 'request_extension') {
    if (!c) return;
    setBusy(true);
    setError('');
    try {
      const body = {
        action,
        version: c.version,
        ...(note.trim() && !action.startsWith('request_') ? { note: note.trim() } : {}),
        ...(action.startsWith('request_') ? { reason: reason.trim() } : {}),
        ...(action === 'request_extension' && dueAt ? { dueAt: wallToIso(dueAt) } : {}),
        ...(action === 'handle' ? { photoIds: photos.map((p) => p.id) } : {}),
        ...(gps.status === 'ok' ? { gps: { lng: gps.fix.lng, lat: gps.fix.lat, accuracy: gps.fix.accuracyM } } : {}),
      };
      const sent = await sendOrQueue({ label: `${label(c.allowedActions.find((x) => x.action === action)!, lang)} · ${c.number}`, path: `/api/cases/${c.id}/transitions`, body, key: `${key}-${action}-${c.version}` });
      const doneKey = action === 'handle' ? 'cases.field.handled' : action.startsWith('request_') ? 'cases.field.requested' : 'cases.field.checked';
      setDone(sent.queued ? t('cases.field.queued') : t(doneKey));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'stale_version') {
        setError(t('cases.action.conflict'));
        r.reload();
      } else setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div className="m-page">
        <TopBar title={c.number} />
        <p className="alert alert-info" data-testid="task-done">{done}</p>
        <Link className="m-btn m-btn-block" to="/tasks">{t('cases.field.tasks')}</Link>
        <Link className="m-btn m-btn-block" to="/">{t('cases.field.home')}</Link>
      </div>
    );
  }
  const last = c.timeline[c.timeline.length - 1];
  return (
    <div className="m-page" data-testid="task-page" data-status={c.status}>
      <TopBar title={c.number} />
      <p><strong>{lang === 'en' ? c.category.nameEn : c.category.nameZh}</strong> · {label(c.statusLabel, lang)}</p>
      <p>{c.site ? `${c.site.name} · ${c.site.address}` : ''}</p>
      <NavigateLinks at={c} name={c.site?.name ?? c.number} />
      <p>{c.description}</p>
      <p className={c.overdueAt ? 'field-error' : 'hint'}>{t('cases.detail.stageDue')} {formatTime(c.stageDueAt, lang)}</p>
      <BeforeAfterPhotos c={c} />
      {last?.note && last.note !== c.description ? <p className="m-note">{t('common.labelled', { label: last.actorName })}{last.note}</p> : null}
      {can('handle') ? (
        <form
          data-testid="handle-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act('handle');
          }}
        >
          <h2>{t('cases.field.handle')}</h2>
          {/* Offline (a basement, a bin room), the after-photo is kept on the phone and goes with the handle through the outbox. */}
          <PhotoInput label={t('cases.field.after')} testId="handle-photo" onUploaded={(p) => p && setPhotos((ps) => [...ps, p])} offline />
          <label className="field">
            <span>{t('cases.field.handleNote')}</span>
            <textarea className="m-input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="handle-note" required />
          </label>
          <SubmitWithReason className="m-btn m-btn-primary m-btn-block" busy={busy} why={[!photos.length && t('ux.why.afterPhoto'), !note.trim() && t('ux.why.handleNote')]} testId="handle-submit">
            {t('cases.field.handle')}
          </SubmitWithReason>
        </form>
      ) : null}
      {can('request_hold') || can('request_extension') ? (
        <div data-testid="request-form">
          <div className="m-row">
            {(['request_hold', 'request_extension'] as const).filter(can).map((a) => (
              <button key={a} type="button" className="m-btn" aria-pressed={request === a} onClick={() => setRequest(request === a ? null : a)} data-testid={a}>
                {t(a === 'request_hold' ? 'cases.field.requestHold' : 'cases.field.requestExtension')}
              </button>
            ))}
          </div>
          {request ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void act(request);
              }}
            >
              {request === 'request_extension' ? (
                <label className="field">
                  <span>{t('cases.field.extendTo')}</span>
                  <DateTimeInput className="m-input" value={dueAt} onChange={setDueAt} required data-testid="request-due" />
                </label>
              ) : null}
              <label className="field">
                <span>{t('cases.field.reason')}</span>
                <textarea className="m-input" value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="request-reason" />
              </label>
              <SubmitWithReason className="m-btn m-btn-block" busy={busy} why={[!reason.trim() && t('ux.why.reason')]} testId="request-submit">
                {t(request === 'request_hold' ? 'cases.field.requestHold' : 'cases.field.requestExtension')}
              </SubmitWithReason>
            </form>
          ) : null}
        </div>
      ) : null}
      {can('check_pass') || can('check_fail') ? (
        <div data-testid="check-form">
          <h2>{t('cases.field.check')}</h2>
          <label className="field">
            <span>{t('cases.field.checkNote')}</span>
            <textarea className="m-input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="check-note" />
          </label>
          {can('check_pass') ? (
            <button type="button" className="m-btn m-btn-primary m-btn-block" disabled={busy} onClick={() => void act('check_pass')} data-testid="check-pass">{t('cases.field.pass')}</button>
          ) : null}
          {can('check_fail') ? (
            <SubmitWithReason type="button" className="m-btn m-btn-block" busy={busy} why={[!note.trim() && t('ux.why.failNote')]} onClick={() => void act('check_fail')} testId="check-fail">{t('cases.field.fail')}</SubmitWithReason>
          ) : null}
        </div>
      ) : null}
      {error ? <p className="field-error" data-testid="task-error">{error}</p> : null}
      {/* The map below the forms: what to do comes first on a phone; the navigation links are at the top. */}
      <PlaceMap c={c} />
      <h2>{t('cases.detail.timeline')}</h2>
      <TimelineList c={c} />
    </div>
  );
}

/** Where the task is (the report's position), as one marker on a small map. */
function PlaceMap({ c }: { c: CaseDetail }) {
  const markers = useMemo(
    () => [{ id: c.siteId ?? c.id, kind: (c.site?.kind ?? 'shop') as SiteKind, name: c.site?.name ?? c.number, lng: c.lng, lat: c.lat, status: 'active' as const, committeeId: c.committeeId }],
    [c.siteId, c.id, c.site?.kind, c.site?.name, c.number, c.lng, c.lat, c.committeeId],
  );
  return <SiteMap className="m-map m-map-small" markers={markers} />;
}
