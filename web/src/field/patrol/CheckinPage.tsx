import '../../shared/i18n/patrol';
import '../../shared/i18n/field-app';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import type { Site } from '../../shared/types';
import { useApi } from '../../shared/use-api';
import { QueuedScreen } from '../offline/QueuedScreen';
import { TopBar } from '../TopBar';
import { type ManualChoice, manualBody, ManualPosition, manualReady, NO_MANUAL } from './ManualPosition';
import { PhotoInput, type UploadedPhoto } from './PhotoInput';
import { canScanQr, scanQrFromFile } from './qr-scan';
import { useWatchPosition } from './use-watch-position';
import { useClientConfig } from '../../shared/client-config';
import { formatDistance } from '../../shared/geo/format-distance';
import '../../shared/i18n/field-map';
import { checkinVerdict } from './checkin-verdict';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import '../../shared/i18n/ux';

interface CheckinResult {
  id: string;
  status: 'on_site' | 'off_site';
  method: 'gps' | 'qr' | 'manual';
  repeatCount: number;
  folded: boolean;
  evidenceFlags: { code: string; detail?: Record<string, unknown> }[];
}
interface Geofence {
  reason: 'outside_fence' | 'accuracy_too_poor';
  distanceM: number;
  accuracyM: number;
  radiusM: number;
  maxAccuracyM: number;
}

/** 打卡: camera photo + GPS (accuracy shown), or the bin room's QR plate, or (no position) a manual position with a reason; off-site needs a reason. */
export function CheckinPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const site = useApi(() => api.get<Site>(`/api/sites/${encodeURIComponent(id)}`), [id]);
  const gps = useWatchPosition();
  const fence = useClientConfig()?.checkin;
  const [photo, setPhoto] = useState<UploadedPhoto | null>(null);
  const [qr, setQr] = useState('');
  const [qrNote, setQrNote] = useState('');
  const [reason, setReason] = useState('');
  const [manualOn, setManualOn] = useState(false);
  const [manual, setManual] = useState<ManualChoice>(NO_MANUAL);
  const [refusal, setRefusal] = useState<Geofence | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<CheckinResult | null>(null);
  const [queued, setQueued] = useState(false);

  async function submit() {
    setBusy(true);
    setError('');
    try {
      // One proof: the QR plate when typed/scanned, else the manual position when chosen, else GPS.
      const useManual = manualOn && !qr.trim();
      const body = {
        siteId: id,
        photoId: photo?.id,
        ...(gps.status === 'ok' && !useManual ? { position: gps.fix } : {}),
        ...(qr.trim() ? { qrCode: qr.trim() } : {}),
        ...(useManual ? { manual: manualBody(manual) } : reason.trim() ? { offSiteReason: reason.trim() } : {}),
      };
      // Offline or no answer: kept in the outbox (待发送) with its Idempotency-Key and sent later.
      const sent = await sendOrQueue<CheckinResult>({ label: `${t('patrol.checkin.title')} · ${site.data?.name ?? id}`, path: '/api/checkins', body, position: gps.status === 'ok' ? gps.fix : null });
      if (sent.queued) setQueued(true);
      else setDone(sent.value);
    } catch (e) {
      if (e instanceof ApiError && e.fields[0]?.field === 'offSiteReason') setRefusal((e.details as { geofence: Geofence }).geofence);
      else setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  const reportHere = `/report?from=checkin&site=${encodeURIComponent(id)}`;
  // Before sending: how far the bin room is and whether a GPS check-in would count (the server's rule).
  const verdict = gps.status === 'ok' && site.data && fence ? checkinVerdict(site.data, gps.fix, fence) : null;
  const fixAcc = gps.status === 'ok' ? gps.fix.accuracyM : 0;
  const dist = (m: number) => formatDistance(m, i18n.language);
  if (queued) return <QueuedScreen title={t('patrol.checkin.title')} testId="checkin-queued" />;
  if (done) {
    return (
      <div className="m-page">
        <TopBar title={t('patrol.checkin.title')} />
        <p className={`alert ${done.status === 'on_site' && done.method !== 'manual' ? 'alert-ok' : 'alert-info'}`} data-testid="checkin-done" data-status={done.status} data-method={done.method}>
          {done.method === 'manual' ? t('patrol.checkin.manual.done') : done.status === 'on_site' ? t('patrol.checkin.done') : t('patrol.checkin.doneOff')}
          {done.folded ? ` · ${t('patrol.checkin.folded', { n: done.repeatCount + 1 })}` : ''}
        </p>
        {done.evidenceFlags.length ? (
          <p className="alert alert-error">{t('patrol.checkin.flags', { list: done.evidenceFlags.map((f) => t(`patrol.flags.${f.code}`, { ...f.detail })).join('、') })}</p>
        ) : null}
        <Link className="m-btn m-btn-block" to={reportHere} data-testid="checkin-report">{t('fieldx.report.here')}</Link>
        <Link className="m-btn m-btn-block" to="/today">{t('patrol.today.title')}</Link>
      </div>
    );
  }
  return (
    <div className="m-page">
      <TopBar title={t('patrol.checkin.title')} />
      {site.error ? <p className="alert alert-error">{errorText(t, site.error)}</p> : null}
      {site.data ? <h2 data-testid="checkin-site">{site.data.name}</h2> : null}
      <p className="m-notice" data-testid="gps-status">
        {t('common.labelled', { label: t('patrol.checkin.gps') })}
        {gps.status === 'ok' ? <strong data-testid="gps-accuracy">{t('patrol.checkin.accuracy', { m: gps.fix.accuracyM })}</strong> : gps.status === 'locating' ? t('patrol.checkin.locating') : t('patrol.checkin.noGps')}
      </p>
      {verdict && fence ? (
        <div className={`m-notice ${verdict.counts ? 'm-verdict-ok' : 'm-verdict-no'}`} data-testid="checkin-verdict" data-counts={verdict.counts ? 'yes' : 'no'} data-distance={Math.round(verdict.distanceM)} aria-live="polite">
          <strong data-testid="checkin-distance">{t('fmap.checkin.distance', { distance: dist(verdict.distanceM) })}</strong>
          <p>
            {verdict.counts
              ? t('fmap.checkin.willCount', { radius: dist(fence.geofenceM), accuracy: dist(fixAcc) })
              : verdict.reason === 'accuracy_too_poor'
                ? t('fmap.checkin.wontCountAccuracy', { accuracy: dist(fixAcc), max: dist(fence.maxAccuracyM) })
                : t('fmap.checkin.wontCountFar', { radius: dist(fence.geofenceM), accuracy: dist(fixAcc) })}
          </p>
        </div>
      ) : null}
      <PhotoInput label={t('patrol.checkin.photo')} testId="checkin-photo" onUploaded={setPhoto} offline />
      <div className="field">
        <span>{t('patrol.checkin.qr')}</span>
        {canScanQr() ? (
          <input
            type="file"
            accept="image/*"
            capture="environment"
            aria-label={t('patrol.checkin.scanQr')}
            data-testid="checkin-qr-file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              setQrNote(t('fieldx.qr.scanning'));
              const code = await scanQrFromFile(f).catch(() => null);
              if (code) setQr(code);
              setQrNote(code ? '' : t('patrol.checkin.qrNotFound'));
            }}
          />
        ) : (
          <small className="hint">{t('patrol.checkin.qrUnsupported')}</small>
        )}
        <input className="m-input" data-testid="checkin-qr" aria-label={t('patrol.checkin.qrManual')} placeholder={t('patrol.checkin.qrManual')} value={qr} onChange={(e) => setQr(e.target.value)} />
        {qrNote ? <small className="field-error" data-testid="checkin-qr-note">{qrNote}</small> : null}
      </div>
      {gps.status === 'unavailable' && !manualOn ? (
        <button type="button" className="m-btn m-btn-block" data-testid="manual-open" onClick={() => setManualOn(true)}>
          {t('patrol.checkin.manual.open')}
        </button>
      ) : null}
      {manualOn ? <ManualPosition siteName={site.data?.name ?? id} value={manual} onChange={setManual} /> : null}
      {refusal ? (
        <div className="alert alert-error" data-testid="off-site">
          <strong>{t('patrol.checkin.offSiteTitle')}</strong>
          <p>
            {refusal.reason === 'accuracy_too_poor'
              ? t('patrol.checkin.poorAccuracy', { accuracy: refusal.accuracyM, max: refusal.maxAccuracyM })
              : t('patrol.checkin.offSiteText', { distance: refusal.distanceM, accuracy: refusal.accuracyM, radius: refusal.radiusM })}
          </p>
          <input className="m-input" data-testid="checkin-reason" aria-label={t('patrol.checkin.reason')} placeholder={t('patrol.checkin.reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      ) : null}
      {error ? <p className="alert alert-error" data-testid="checkin-error">{error}</p> : null}
      <SubmitWithReason type="button" className="m-btn m-btn-primary m-btn-block" testId="checkin-submit" busy={busy} why={[!photo && t('ux.why.photo'), manualOn && !qr.trim() && !manualReady(manual) && t('ux.why.manual')]} onClick={submit}>
        {t('patrol.checkin.submit')}
      </SubmitWithReason>
      <Link className="m-btn m-btn-block" to={reportHere} data-testid="checkin-report">{t('fieldx.report.here')}</Link>
    </div>
  );
}
