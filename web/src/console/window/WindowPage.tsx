import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { useMe } from '../../shared/auth';
import { errorText } from '../../shared/errors';
import '../../shared/i18n/services-window';
import { QrCode } from '../../shared/QrCode';
import { SubmitWithReason } from '../../shared/WhyDisabled';
import { RecordForm } from './RecordForm';
import type { Appointment, CatalogueItem, ServiceRecord, Ticket, WindowPoint } from './types';
import { useServiceChanges } from './use-service-changes';
import './window.css';

const POINT_KEY = 'closeloop.window.point';
/** The rating link of a record, answered once when it is made: kept for this tab so a reload still shows the QR code. */
const RATING_KEY = (recordId: string) => `closeloop.window.rating.${recordId}`;

function keepRating(recordId: string, token: string, windowDays: number) {
  try {
    sessionStorage.setItem(RATING_KEY(recordId), JSON.stringify({ token, windowDays }));
  } catch {
    // storage full or blocked: the QR code is shown until the page is reloaded
  }
}

function keptRating(recordId: string): { token: string; windowDays: number } | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(RATING_KEY(recordId)) ?? 'null') as { token?: unknown; windowDays?: unknown } | null;
    return v && typeof v.token === 'string' && typeof v.windowDays === 'number' ? { token: v.token, windowDays: v.windowDays } : null;
  } catch {
    return null;
  }
}

/**
 * The window-staff screen (tablet, landscape): today's appointments with check-in, the queue with
 * 叫号 / start / skip / finish, the 办件 of the person served, and the rating QR code once done.
 * The queue and appointments are re-read whenever the point changes elsewhere (other windows call
 * from the same queue; citizens book and cancel), through the front-office live stream.
 * After a reload the record already made for the ticket being served is read back (one record per
 * ticket), so it is stepped and the service finished rather than recorded twice.
 */
export function WindowPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const me = useMe();
  const [points, setPoints] = useState<WindowPoint[] | null>(null);
  const [pointId, setPointId] = useState('');
  const [windowName, setWindowName] = useState('');
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [queue, setQueue] = useState<{ waiting: Ticket[]; others: Ticket[] }>({ waiting: [], others: [] });
  const [appointments, setAppointments] = useState<Appointment[]>([]);
  const [walkInItem, setWalkInItem] = useState('');
  const [switchItem, setSwitchItem] = useState('');
  const [rating, setRating] = useState<{ ticket: Ticket; token: string | null; windowDays: number; record: ServiceRecord | null } | null>(null);
  // The ticket whose existing record has been looked for (after a reload, or a ticket served on another device).
  const [lookedUp, setLookedUp] = useState('');
  const [finished, setFinished] = useState<Ticket | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // A failed live refresh, kept apart from an action's error so the next good refresh clears it.
  const [refreshError, setRefreshError] = useState('');
  const [notice, setNotice] = useState('');

  useEffect(() => {
    void api.getAll<WindowPoint>('/api/services/window/points').then((r) => {
      setPoints(r.items);
      const saved = localStorage.getItem(POINT_KEY);
      setPointId(r.items.find((p) => p.id === saved)?.id ?? r.items[0]?.id ?? '');
    }, (e: unknown) => setError(errorText(t, e)));
  }, [t]);

  useEffect(() => {
    if (!pointId) return;
    localStorage.setItem(POINT_KEY, pointId);
    void Promise.all([
      api.get<{ itemIds: string[] }>(`/api/services/points/${pointId}`),
      api.get<{ categories: { items: CatalogueItem[] }[] }>('/api/services/catalogue'),
    ]).then(([p, cat]) => {
      const offered = new Set(p.itemIds);
      setItems(cat.categories.flatMap((c) => c.items).filter((i) => offered.has(i.id) && i.current));
    }, (e: unknown) => setError(errorText(t, e)));
  }, [pointId, t]);

  const refresh = useCallback(async () => {
    if (!pointId) return;
    try {
      const [q, a] = await Promise.all([
        api.get<{ waiting: Ticket[]; others: Ticket[] }>('/api/services/queue/tickets', { pointId }),
        api.get<{ items: Appointment[] }>('/api/services/appointments', { pointId }),
      ]);
      setQueue(q);
      setAppointments(a.items);
      setRefreshError('');
    } catch (e) {
      setRefreshError(errorText(t, e));
    }
  }, [pointId, t]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const live = useServiceChanges(pointId, () => void refresh());

  const itemName = useCallback((id: string) => {
    const v = items.find((i) => i.id === id)?.current;
    return v ? (en && v.nameEn ? v.nameEn : v.nameZh) : '';
  }, [items, en]);
  const current = useMemo(() => queue.others.find((x) => x.calledBy === me.user.id && (x.status === 'called' || x.status === 'serving')) ?? null, [queue, me.user.id]);
  const currentId = current?.status === 'serving' ? current.id : '';
  useEffect(() => {
    if (!currentId || lookedUp === currentId) return;
    if (rating?.ticket.id === currentId) {
      setLookedUp(currentId);
      return;
    }
    let stale = false;
    api.getAll<ServiceRecord>('/api/services/records', { pointId, ticketId: currentId }).then((r) => {
      if (stale) return;
      const record = r.items.find((x) => x.ticketId === currentId) ?? null;
      const ticket = queue.others.find((x) => x.id === currentId);
      if (record && ticket) {
        const kept = keptRating(record.id);
        setRating({ ticket, token: kept?.token ?? null, windowDays: kept?.windowDays ?? 0, record });
      }
      setLookedUp(currentId);
    }, (e: unknown) => {
      if (!stale) setError(errorText(t, e));
    });
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- looked up once per ticket, not on every queue refresh
  }, [currentId, pointId, lookedUp, t]);
  const skipped = useMemo(() => queue.others.filter((x) => x.status === 'skipped'), [queue]);
  const applicantOf = (ticket: Ticket) => appointments.find((a) => a.id === ticket.appointmentId)?.name ?? '';

  async function act(fn: () => Promise<unknown>) {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      await fn();
      await refresh();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }
  const callNext = () => act(async () => {
    if (rating?.record) sessionStorage.removeItem(RATING_KEY(rating.record.id));
    setFinished(null);
    setRating(null);
    const r = await api.post<{ ticket: Ticket | null }>('/api/services/queue/call-next', { pointId, ...(windowName.trim() ? { window: windowName.trim() } : {}) });
    if (!r.ticket) setNotice(t('ywWin.queue.nobody'));
  });
  // 改办: the ticket's item changes, and with it the record form's (the server records the ticket's own item).
  const switchItemTo = (ticket: Ticket, itemId: string) => act(async () => {
    const r = await api.post<{ ticket: Ticket }>(`/api/services/queue/tickets/${ticket.id}/switch-item`, { itemId });
    setSwitchItem('');
    setNotice(t('ywWin.serving.switched', { item: itemName(r.ticket.itemId) }));
  });
  const finish = (ticket: Ticket) => act(async () => {
    const done = await api.post<Ticket>(`/api/services/queue/tickets/${ticket.id}/finish`, rating?.record ? { recordId: rating.record.id } : {});
    setFinished(done);
  });

  if (points && points.length === 0) return <div className="page"><p className="alert alert-info" data-testid="window-no-points">{t('ywWin.noPoints')}</p></div>;
  return (
    <div className="win-page" data-testid="window-page">
      <header className="win-head">
        <h1>{t('ywWin.title')}</h1>
        <span className={live ? 'win-live on' : 'win-live'} data-testid="window-live" data-live={live ? 'on' : 'off'}>{live ? t('ywWin.live') : t('ywWin.offline')}</span>
        <label className="field win-inline">
          <span>{t('ywWin.point')}</span>
          <select value={pointId} onChange={(e) => setPointId(e.target.value)} data-testid="window-point">
            {(points ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <label className="field win-inline">
          <span>{t('ywWin.window')}</span>
          <input type="text" value={windowName} maxLength={20} placeholder={t('ywWin.windowHint')} onChange={(e) => setWindowName(e.target.value)} />
        </label>
      </header>
      {error || refreshError ? <p className="alert alert-error" role="alert" data-testid="window-error">{error || refreshError}</p> : null}
      {notice ? <p className="alert alert-info">{notice}</p> : null}
      <div className="win-grid">
        <section className="win-main card" data-testid="serving">
          <h2>{t('ywWin.serving.title')}</h2>
          {current ? (
            <div data-testid="current-ticket" data-number={current.number} data-status={current.status}>
              <p className="win-number">{current.number}</p>
              <p data-testid="current-item" data-item={current.itemId}>{itemName(current.itemId)} {current.source === 'appointment' ? `· ${t('ywWin.queue.appointment')} ${applicantOf(current)}` : ''}</p>
              {current.issuedItemId && current.issuedItemId !== current.itemId ? <p className="hint" data-testid="issued-item">{t('ywWin.serving.issuedFor', { item: itemName(current.issuedItemId) })}</p> : null}
              {/* The applicant needs another item than the ticket was taken for: switched before the record is made. */}
              {!(rating?.ticket.id === current.id && rating.record) ? (
                <details className="win-switch" data-testid="switch-item">
                  <summary>{t('ywWin.serving.switchItem')}</summary>
                  <div className="win-row">
                    <select value={switchItem} onChange={(e) => setSwitchItem(e.target.value)} aria-label={t('ywWin.serving.switchTo')} data-testid="switch-item-select">
                      <option value="">{t('ywWin.queue.choose')}</option>
                      {items.filter((i) => i.id !== current.itemId).map((i) => <option key={i.id} value={i.id}>{itemName(i.id)}</option>)}
                    </select>
                    <SubmitWithReason type="button" className="btn" busy={busy} testId="switch-item-submit" why={[!switchItem && t('ywWin.serving.whySwitch.choose')]}
                      onClick={() => void switchItemTo(current, switchItem)}>
                      {t('ywWin.serving.switchSubmit')}
                    </SubmitWithReason>
                  </div>
                </details>
              ) : null}
              {current.status === 'called' ? (
                <div className="win-row">
                  <button type="button" className="btn btn-primary win-big" disabled={busy} onClick={() => void act(() => api.post(`/api/services/queue/tickets/${current.id}/start`))} data-testid="ticket-start">{t('ywWin.serving.start')}</button>
                  <button type="button" className="btn win-big" disabled={busy} onClick={() => void act(() => api.post(`/api/services/queue/tickets/${current.id}/skip`))} data-testid="ticket-skip">{t('ywWin.serving.skip')}</button>
                </div>
              ) : (
                <>
                  {lookedUp === current.id ? (
                    <RecordForm key={current.id} pointId={pointId} ticket={current} items={items} applicantName={applicantOf(current)}
                      initialRecord={rating?.ticket.id === current.id ? rating.record : null}
                      switching={busy} onSwitchItem={(itemId) => void switchItemTo(current, itemId)}
                      onRecorded={(record, token, windowDays) => {
                        keepRating(record.id, token, windowDays);
                        setRating({ ticket: current, token, windowDays, record });
                      }}
                      onDecided={(record) => setRating((r) => (r ? { ...r, record } : r))} />
                  ) : <p className="hint" data-testid="record-loading">{t('ywWin.serving.loadingRecord')}</p>}
                  <div className="win-finish">
                    <SubmitWithReason type="button" className="btn btn-primary win-big" busy={busy} testId="ticket-finish" onClick={() => void finish(current)}
                      why={[!rating?.record && t('ywWin.serving.whyFinish.needRecord'), rating?.record?.status === 'accepted' && t('ywWin.serving.whyFinish.needDecision')]}>
                      {t('ywWin.serving.finish')}
                    </SubmitWithReason>
                  </div>
                </>
              )}
            </div>
          ) : finished && rating ? (
            <div className="win-rate" data-testid="rating-qr-card">
              <p className="alert alert-ok">{t('ywWin.serving.finished', { number: finished.number })}</p>
              {rating.token ? (
                <>
                  <h3>{t('ywWin.serving.rateTitle')}</h3>
                  <QrCode text={`${window.location.origin}/rate/${rating.token}`} size={260} label={t('ywWin.serving.rateTitle')} testId="rating-qr" />
                  <p className="hint">{t('ywWin.serving.rateHint', { days: rating.windowDays })}</p>
                  <p><a href={`/rate/${rating.token}`} target="_blank" rel="noreferrer" data-testid="rating-link">{t('ywWin.serving.rateLink')}</a></p>
                </>
              ) : <p className="hint" data-testid="rating-not-kept">{t('ywWin.serving.rateNotKept')}</p>}
              <button type="button" className="btn btn-primary win-big" disabled={busy} onClick={() => void callNext()} data-testid="call-next">{t('ywWin.serving.next')}</button>
            </div>
          ) : (
            <>
              <p className="hint">{t('ywWin.serving.none')}</p>
              <button type="button" className="btn btn-primary win-huge" disabled={busy || !pointId} onClick={() => void callNext()} data-testid="call-next">{t('ywWin.queue.callNext')}</button>
            </>
          )}
        </section>
        <aside className="win-side">
          <section className="card" data-testid="queue">
            <h2>{t('ywWin.queue.title', { count: queue.waiting.length })}</h2>
            {queue.waiting.length === 0 ? <p className="hint">{t('ywWin.queue.empty')}</p> : null}
            <ol className="win-list">
              {queue.waiting.map((x) => (
                <li key={x.id} data-testid="waiting-ticket" data-number={x.number}>
                  <span><strong>{x.number}</strong> <span data-testid="waiting-item">{itemName(x.itemId)}</span></span> <span className="badge">{t(`ywWin.queue.${x.source}`)}</span>
                </li>
              ))}
            </ol>
            <div className="win-row">
              <select value={walkInItem} onChange={(e) => setWalkInItem(e.target.value)} aria-label={t('ywWin.queue.item')} data-testid="walk-in-item">
                <option value="">{t('ywWin.queue.choose')}</option>
                {items.map((i) => <option key={i.id} value={i.id}>{itemName(i.id)}</option>)}
              </select>
              <button type="button" className="btn win-big" disabled={busy || !walkInItem} data-testid="walk-in"
                onClick={() => void act(async () => {
                  const tk = await api.post<Ticket>('/api/services/queue/tickets', { pointId, itemId: walkInItem });
                  setNotice(t('ywWin.queue.issued', { number: tk.number }));
                })}>
                {t('ywWin.queue.issue')}
              </button>
            </div>
          </section>
          {skipped.length ? (
            <section className="card" data-testid="skipped">
              <h2>{t('ywWin.queue.skippedTitle', { count: skipped.length })}</h2>
              <p className="hint">{t('ywWin.queue.skippedHint')}</p>
              {current ? <small className="why-disabled" data-testid="ticket-recall-why">{t('ywWin.queue.whyRecall', { number: current.number })}</small> : null}
              <ul className="win-list">
                {skipped.map((x) => (
                  <li key={x.id} data-testid="skipped-ticket" data-number={x.number}>
                    <span><strong>{x.number}</strong> {itemName(x.itemId)}</span>
                    <button type="button" className="btn" disabled={busy || current !== null} data-testid="ticket-recall"
                      aria-label={`${t('ywWin.queue.recall')} ${x.number}`}
                      onClick={() => void act(async () => {
                        setFinished(null);
                        setRating(null);
                        const tk = await api.post<Ticket>(`/api/services/queue/tickets/${x.id}/recall`, windowName.trim() ? { window: windowName.trim() } : {});
                        setNotice(t('ywWin.queue.recalled', { number: tk.number }));
                      })}>
                      {t('ywWin.queue.recall')}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section className="card" data-testid="appointments">
            <h2>{t('ywWin.appointments.title', { count: appointments.length })}</h2>
            {appointments.length === 0 ? <p className="hint">{t('ywWin.appointments.empty')}</p> : null}
            <ul className="win-list">
              {appointments.map((a) => (
                <li key={a.id} data-testid="appointment" data-code={a.code} data-status={a.status}>
                  <span>{a.starts}–{a.ends} <strong>{a.name}</strong> {itemName(a.itemId)} <span className="hint">{t('ywWin.appointments.code')} {a.code}</span></span>
                  {a.status === 'booked' ? (
                    <button type="button" className="btn btn-primary win-big" disabled={busy} onClick={() => void act(() => api.post(`/api/services/appointments/${a.id}/check-in`))} data-testid="check-in">
                      {t('ywWin.appointments.checkIn')}
                    </button>
                  ) : (
                    <span className="badge">{t(`ywWin.appointments.status.${a.status}`)}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
