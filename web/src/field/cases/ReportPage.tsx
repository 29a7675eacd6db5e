import '../../shared/i18n/cases';
import '../../shared/i18n/field-app';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { type CategoryNode, type DuplicateCandidate, idemKey, leafCategories } from '../../shared/cases';
import { errorText, invalidFieldNames, invalidProps } from '../../shared/errors';
import { sendOrQueue } from '../../shared/outbox/send-or-queue';
import type { Site } from '../../shared/types';
import { useClientConfig } from '../../shared/client-config';
import { formatDistance } from '../../shared/geo/format-distance';
import '../../shared/i18n/field-map';
import { categoriesFor, countCategoryUse, readCategoryUses } from './report-defaults';
import { useApi } from '../../shared/use-api';
import { PhotoInput, type UploadedPhoto } from '../patrol/PhotoInput';
import { useWatchPosition } from '../patrol/use-watch-position';
import { TopBar } from '../TopBar';
import { type PickedSite, SitePicker } from './SitePicker';
import './cases.css';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import '../../shared/i18n/ux';

/** Roles that may report with source "checkin" (server rule: src/domain/cases/lifecycle.ts); others report as "patrol". */
const CHECKIN_SOURCE_ROLES = ['cadre'];

/** The nearest site within this distance is preselected when the server does not say its geofence. */
const DEFAULT_PRESELECT_M = 50;

/** The duplicates offer is a convenience: offline or on a network/server failure the report goes on without it. */
const unreachable = (e: unknown) => e instanceof ApiError && (e.status === 0 || e.status >= 500);

/**
 * Report a problem (source "patrol"; "checkin" when opened from a check-in as ?from=checkin&site=…) or record a self-resolved one (before and after photos):
 * photo, category from the catalogue, nearby site or QR, note; open duplicates nearby are
 * offered before sending. Sent through the outbox with one Idempotency-Key per report.
 */
export function ReportPage({ selfResolved = false }: { selfResolved?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const me = useMe();
  const [params] = useSearchParams();
  const fromCheckin = !selfResolved && params.get('from') === 'checkin';
  const presetId = params.get('site') ?? '';
  const preset = useApi(() => (presetId ? api.get<Site>(`/api/sites/${encodeURIComponent(presetId)}`) : Promise.resolve(null)), [presetId]);
  const gps = useWatchPosition();
  const catalogue = useApi(() => api.get<{ items: CategoryNode[] }>('/api/catalogue', { filing: 'true' }), []);
  const config = useClientConfig();
  const leaves = useMemo(() => leafCategories(catalogue.data?.items ?? []), [catalogue.data]);
  const [before, setBefore] = useState<UploadedPhoto | null>(null);
  const [after, setAfter] = useState<UploadedPhoto | null>(null);
  const [categoryId, setCategoryId] = useState('');
  const [site, setSite] = useState<PickedSite | null>(null);
  const [committeeId, setCommitteeId] = useState(me.user.scope.find((s) => s.committeeId)?.committeeId ?? '');
  const [note, setNote] = useState('');
  const [dups, setDups] = useState<DuplicateCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<{ number?: string; queued: boolean } | null>(null);
  const [key] = useState(idemKey);
  const [dupSkipped, setDupSkipped] = useState(false);
  useEffect(() => {
    const s = preset.data;
    if (s) setSite({ id: s.id, name: s.name, lng: s.lng, lat: s.lat, committeeId: s.committeeId, kind: s.kind });
  }, [preset.data]);
  const [uses] = useState(readCategoryUses);
  const siteKind = site?.kind ?? null;
  const offered = useMemo(() => categoriesFor(leaves, siteKind, uses), [leaves, siteKind, uses]);
  // A category that does not fit the newly chosen site is dropped rather than sent.
  useEffect(() => {
    if (categoryId && catalogue.data && !offered.some((l) => l.node.id === categoryId)) setCategoryId('');
  }, [offered, categoryId, catalogue.data]);
  const source = selfResolved ? 'self_resolved' : fromCheckin && CHECKIN_SOURCE_ROLES.includes(me.user.role) ? 'checkin' : 'patrol';
  const fix = gps.status === 'ok' ? gps.fix : null;
  const position = fix ?? (site ? { lng: site.lng, lat: site.lat } : null);
  const name = (n: CategoryNode) => (lang === 'en' ? n.nameEn : n.nameZh);

  async function send(checkDuplicates: boolean) {
    if (!position) return;
    setBusy(true);
    setError('');
    setFailure(null);
    try {
      if (checkDuplicates && !selfResolved && navigator.onLine !== false) {
        const r = await api
          .get<{ items: DuplicateCandidate[] }>('/api/cases/duplicates', { categoryId, lng: position.lng, lat: position.lat })
          .catch((e: unknown) => {
            if (!unreachable(e)) throw e;
            setDupSkipped(true);
            return { items: [] };
          });
        if (r.items.length) {
          setDups(r.items);
          return;
        }
      }
      const body = {
        source,
        categoryId,
        ...(site ? { siteId: site.id } : { committeeId }),
        lng: position.lng,
        lat: position.lat,
        ...(fix ? { accuracy: fix.accuracyM } : {}),
        description: note.trim(),
        photoIds: before ? [before.id] : [],
        afterPhotoIds: selfResolved && after ? [after.id] : [],
      };
      const sent = await sendOrQueue<{ number: string }>({ label: t(selfResolved ? 'cases.field.selfResolve' : 'cases.field.report'), path: '/api/cases', body, key });
      countCategoryUse(categoryId);
      setDone(sent.queued ? { queued: true } : { queued: false, number: sent.value.number });
    } catch (e) {
      setError(errorText(t, e));
      setFailure(e);
    } finally {
      setBusy(false);
    }
  }

  // The submit button is disabled while sending, which drops the focus to <body>: put it where the
  // outcome is — the result, the first field the server names, or the error.
  const doneRef = useRef<HTMLParagraphElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  useEffect(() => {
    if (!error) return;
    const named = invalidFieldNames(failure);
    const field = formRef.current?.querySelector<HTMLElement>('[aria-invalid=true]');
    if (named.size && field) field.focus();
    else errorRef.current?.focus();
  }, [error, failure]);
  const errorId = 'report-error';

  const title = t(selfResolved ? 'cases.field.selfResolve' : 'cases.field.report');
  if (done) {
    return (
      <div className="m-page">
        <TopBar title={title} />
        <p className="alert alert-info" role="status" tabIndex={-1} ref={doneRef} data-testid="report-done" data-number={done.number ?? ''} data-queued={done.queued ? '1' : '0'}>
          {done.queued ? t('cases.field.queued') : t(selfResolved ? 'cases.field.resolvedSent' : 'cases.field.sent', { number: done.number })}
        </p>
        {dupSkipped ? <p className="hint" data-testid="report-dup-skipped">{t('fieldx.report.dupSkipped')}</p> : null}
        <Link className="m-btn m-btn-block" to="/">{t('cases.field.home')}</Link>
      </div>
    );
  }
  return (
    <div className="m-page">
      <TopBar title={title} />
      {fromCheckin && site ? <p className="m-notice" data-testid="report-from-checkin" data-source={source}>{t('fieldx.report.fromCheckin', { site: site.name })}</p> : null}
      <form
        ref={formRef}
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <PhotoInput label={t(selfResolved ? 'cases.field.before' : 'cases.field.photo')} testId="report-photo" onUploaded={setBefore} offline />
        {selfResolved ? <PhotoInput label={t('cases.field.after')} testId="report-after" onUploaded={setAfter} offline /> : null}
        <p className="hint" data-testid="report-gps">
          {gps.status === 'ok' ? `±${formatDistance(gps.fix.accuracyM, lang)}` : gps.status === 'locating' ? t('cases.field.locating') : t('cases.field.noGps')}
        </p>
        <SitePicker position={fix} value={site} onChange={setSite} preselectWithinM={config ? (config.checkin?.geofenceM ?? DEFAULT_PRESELECT_M) : null} />
        {!site ? (
          <label className="field">
            <span>{t('cases.filter.committee')}</span>
            <select className="m-input" value={committeeId} onChange={(e) => setCommitteeId(e.target.value)} {...invalidProps(failure, 'committeeId', errorId)}>
              <option value="">{t('cases.desk.choose')}</option>
              {me.places.committees.map((c) => <option key={c.id} value={c.id}>{lang === 'en' ? c.nameEn : c.name}</option>)}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>{t('cases.field.category')}</span>
          <select className="m-input" value={categoryId} onChange={(e) => setCategoryId(e.target.value)} data-testid="report-category" required {...invalidProps(failure, 'categoryId', errorId)}>
            <option value="">{t('cases.desk.choose')}</option>
            {offered.map(({ node, path }) => (
              <option key={node.id} value={node.id} data-code={node.code}>
                {[...path.map(name), name(node)].join(' › ')}
              </option>
            ))}
          </select>
          {siteKind ? <small className="hint" data-testid="report-category-kind">{t('fmap.report.categoriesFor', { kind: t(`kinds.${siteKind}`) })}</small> : null}
        </label>
        <label className="field">
          <span>{t('cases.field.note')}</span>
          <textarea className="m-input" value={note} onChange={(e) => setNote(e.target.value)} data-testid="report-note" required {...invalidProps(failure, 'description', errorId)} />
        </label>
        {dups ? (
          <div className="alert alert-info" data-testid="report-duplicates">
            <p>{t('cases.field.duplicates')}</p>
            <ul>
              {dups.map((d) => (
                <li key={d.id}>
                  <Link to={`/cases/${d.id}`}>{d.number}</Link> · {t(`cases.status.${d.status}`)} · {formatDistance(d.distanceM, lang)} · {d.description}
                </li>
              ))}
            </ul>
            <button type="button" className="m-btn m-btn-block" disabled={busy} onClick={() => void send(false)} data-testid="report-anyway">
              {t('cases.field.sendAnyway')}
            </button>
          </div>
        ) : null}
        {error ? <p className="field-error" role="alert" id={errorId} tabIndex={-1} ref={errorRef} data-testid="report-error">{error}</p> : null}
        <SubmitWithReason
          className="m-btn m-btn-primary m-btn-block"
          busy={busy}
          why={[!before && t('ux.why.beforePhoto'), selfResolved && !after && t('ux.why.afterPhoto'), !categoryId && t('ux.why.category'), !site && !committeeId && t('ux.why.place'), !position && t('ux.why.position'), !note.trim() && t('ux.why.note')]}
          testId="report-submit"
        >
          {t(selfResolved ? 'cases.field.submitResolved' : 'cases.field.submit')}
        </SubmitWithReason>
      </form>
    </div>
  );
}
