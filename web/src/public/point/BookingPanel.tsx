import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../../shared/api';
import { errorText, invalidFieldNames, invalidProps } from '../../shared/errors';
import { forgetBooking, rememberBooking } from './my-bookings';
import type { BookingView, PublicItem, PublicPoint, Slot } from './types';

const DAYS = 7;

/**
 * Booking from the point's page, no account: the item → a day and session with free places →
 * name and mobile number → the booking code and the link that views or cancels it.
 */
export function BookingPanel({ point, initialItem, onClose }: { point: PublicPoint; initialItem: PublicItem | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const weekdayOf = useMemo(() => new Map(point.days.map((d) => [d.date, d.weekday])), [point]);
  const [itemId, setItemId] = useState(initialItem?.id ?? '');
  const [slots, setSlots] = useState<Slot[] | null>(null);
  /** Why the sessions could not be read (put in words when shown, so in the language of the moment). */
  const [slotsFailure, setSlotsFailure] = useState<unknown>(null);
  /** Bumped by 重试: reads the sessions again after a failure. */
  const [slotsAttempt, setSlotsAttempt] = useState(0);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  /** Why the booking was refused (put in words when shown, so in the language of the moment). */
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<{ booking: BookingView; path: string } | null>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const errorId = 'booking-error';

  // Opened from an item's row or the 预约 button: the keyboard and the screen reader go to the form.
  useEffect(() => {
    titleRef.current?.focus();
  }, [initialItem]);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);
  useEffect(() => {
    if (!failure) return;
    const field = invalidFieldNames(failure).size ? formRef.current?.querySelector<HTMLElement>('[aria-invalid=true]') : null;
    (field ?? errorRef.current)?.focus();
  }, [failure]);

  useEffect(() => setItemId(initialItem?.id ?? ''), [initialItem]);
  useEffect(() => {
    setSlot(null);
    setSlots(null);
    setSlotsFailure(null);
    if (!itemId) return;
    let live = true;
    api
      .get<{ slots: Slot[] }>('/api/public/slots', { pointId: point.id, itemId, days: DAYS })
      .then((r) => live && setSlots(r.slots))
      .catch((e: unknown) => live && setSlotsFailure(e ?? new Error('slots')));
    return () => {
      live = false;
    };
    // Not on `t`: switching the language must not drop the session chosen (nor re-read the sessions).
  }, [itemId, point.id, slotsAttempt]);

  // "手机：格式不正确" does not say what is right: a wrong number is told the format expected.
  const named = invalidFieldNames(failure);
  const error = !failure ? '' : named.size === 1 && named.has('phone') ? t('ywPub.booking.phoneInvalid') : errorText(t, failure);
  const missing = !itemId ? 'needItem' : !slot ? 'needSlot' : !name.trim() ? 'needName' : !phone.trim() ? 'needPhone' : '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (missing || !slot || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const out = await request<{ appointment: BookingView; token: string }>('POST', '/api/public/appointments', {
        pointId: point.id, itemId, day: slot.day, starts: slot.starts, name: name.trim(), phone: phone.trim(),
      });
      const path = `/booking/${out.token}`;
      const a = out.appointment;
      rememberBooking({ code: a.code, path, pointName: point.name, day: a.day, starts: a.starts, itemName: a.itemName, itemNameEn: a.itemNameEn });
      setDone({ booking: out.appointment, path });
    } catch (err) {
      setFailure(err ?? new Error('booking'));
      // The session may have just filled: re-read the places, and keep the choice only while it has one left.
      const chosen = slot;
      api.get<{ slots: Slot[] }>('/api/public/slots', { pointId: point.id, itemId, days: DAYS }).then((r) => {
        setSlots(r.slots);
        setSlot(r.slots.find((s) => s.day === chosen.day && s.starts === chosen.starts && s.left > 0) ?? null);
      }, () => undefined);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div data-testid="booked" data-code={done.booking.code} role="status">
        <h2 tabIndex={-1} ref={doneRef} data-testid="booked-title">{t('ywPub.booking.done')}</h2>
        <p>{t('ywPub.booking.code')}</p>
        <p className="pp-code" data-testid="booking-code">{done.booking.code}</p>
        <p>{done.booking.day} {done.booking.starts}–{done.booking.ends} · {en && done.booking.itemNameEn ? done.booking.itemNameEn : done.booking.itemName}</p>
        <p className="p-sub">{t('ywPub.booking.codeHint')}</p>
        <a className="p-btn p-btn-primary" href={done.path} data-testid="booking-link">{t('ywPub.booking.link')}</a>
      </div>
    );
  }

  const byDay = new Map<string, Slot[]>();
  for (const s of slots ?? []) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate data-testid="booking-form">
      <h2 tabIndex={-1} ref={titleRef} data-testid="booking-title">{t('ywPub.booking.title')}</h2>
      <label className="field">
        <span>{t('ywPub.booking.item')}</span>
        <select className="p-input" value={itemId} onChange={(e) => setItemId(e.target.value)} data-testid="booking-item">
          <option value="">{t('ywPub.booking.choose')}</option>
          {point.categories.map((c) => (
            <optgroup key={c.id} label={en ? c.nameEn : c.nameZh}>
              {c.items.map((i) => <option key={i.id} value={i.id}>{en && i.nameEn ? i.nameEn : i.nameZh}</option>)}
            </optgroup>
          ))}
        </select>
      </label>
      {itemId ? (
        <fieldset className="pp-sub" data-testid="booking-slots">
          <legend>{t('ywPub.booking.slot')}</legend>
          {slotsFailure ? (
            <>
              <p className="p-error" role="alert" data-testid="slots-error">{errorText(t, slotsFailure)}</p>
              <button type="button" className="p-btn" onClick={() => setSlotsAttempt((n) => n + 1)} data-testid="slots-retry">{t('ywPub.retry')}</button>
            </>
          ) : null}
          {!slots && !slotsFailure ? <p className="hint">{t('ywPub.booking.slotsLoading')}</p> : null}
          {slots && slots.length === 0 ? <p className="hint">{t('ywPub.booking.noSlots')}</p> : null}
          {[...byDay].map(([day, list]) => (
            <div key={day} className="pp-slot-day">
              <p className="pp-slot-date">{weekdayOf.has(day) ? t(`ywPub.weekday.${weekdayOf.get(day)}`) : ''} {day.slice(5)}</p>
              <div className="pp-slots">
                {list.map((s) => (
                  <button key={s.starts} type="button" className="pp-slot" aria-pressed={slot === s} disabled={s.left === 0} onClick={() => setSlot(s)}
                    data-testid="slot" data-day={s.day} data-starts={s.starts} data-left={s.left}>
                    {s.starts}–{s.ends}
                    <small>{s.left === 0 ? t('ywPub.booking.full') : t('ywPub.booking.left', { count: s.left })}</small>
                  </button>
                ))}
              </div>
            </div>
          ))}
        </fieldset>
      ) : null}
      {slot ? (
        <fieldset className="pp-sub">
          <legend>{t('ywPub.booking.who')}</legend>
          <label className="field">
            <span>{t('ywPub.booking.name')}</span>
            <input className="p-input" autoComplete="name" maxLength={40} value={name} onChange={(e) => setName(e.target.value)} data-testid="booking-name" {...invalidProps(failure, 'name', errorId)} />
          </label>
          <label className="field">
            <span>{t('ywPub.booking.phone')}</span>
            <input className="p-input" type="tel" inputMode="numeric" autoComplete="tel" maxLength={20} value={phone} onChange={(e) => setPhone(e.target.value)} data-testid="booking-phone" {...invalidProps(failure, 'phone', errorId)} />
            <span className="hint">{t('ywPub.booking.phoneHint')}</span>
          </label>
        </fieldset>
      ) : null}
      {error ? <p className="p-error" role="alert" id={errorId} tabIndex={-1} ref={errorRef} data-testid="booking-error">{error}</p> : null}
      {/* Busy: aria-disabled, not disabled, so the button pressed keeps the focus while it sends. */}
      <button type="submit" className="p-btn p-btn-primary" disabled={!!missing} aria-disabled={busy || undefined} data-testid="booking-submit">
        {busy ? t('ywPub.booking.sending') : t('ywPub.booking.submit')}
      </button>
      {missing ? <span className="why-disabled">{t(`ywPub.booking.${missing}`)}</span> : null}
      <button type="button" className="p-btn" onClick={onClose}>{t('ywPub.booking.cancelForm')}</button>
    </form>
  );
}

/** A booking seen through its link (/booking/{token}): code, when, where, status; cancel before it starts. */
export function BookingViewPage({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [view, setView] = useState<BookingView | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState('');

  useEffect(() => {
    document.title = `${t('ywPub.booking.viewTitle')} · ${t('ywPub.brand')}`;
    request<BookingView>('GET', `/api/public/appointments/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((e: unknown) => setError(errorText(t, e)));
  }, [token, t]);

  async function cancel() {
    if (!window.confirm(t('ywPub.booking.cancelConfirm'))) return;
    setBusy(true);
    setActionError('');
    try {
      setView(await request<BookingView>('POST', `/api/public/appointments/${encodeURIComponent(token)}/cancel`));
      forgetBooking(`/booking/${token}`);
    } catch (e) {
      setActionError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  if (error) return <main><p className="p-error" data-testid="booking-view-error">{error}</p></main>;
  if (!view) return <main><p className="hint">{t('ywPub.loading')}</p></main>;
  return (
    <main data-testid="booking-view" data-status={view.status}>
      <h1>{t('ywPub.booking.viewTitle')}</h1>
      <p className="pp-code" data-testid="booking-code">{view.code}</p>
      <p><span className="p-badge" data-testid="booking-status">{t(`ywPub.booking.status.${view.status}`)}</span></p>
      <dl className="p-facts">
        <dt>{t('ywPub.booking.when')}</dt>
        <dd>{view.day} {view.starts}–{view.ends}</dd>
        <dt>{t('ywPub.rate.item')}</dt>
        <dd>{en && view.itemNameEn ? view.itemNameEn : view.itemName}</dd>
        <dt>{t('ywPub.rate.point')}</dt>
        <dd>{view.pointName}</dd>
        <dt>{t('ywPub.address')}</dt>
        <dd>{view.address}</dd>
        <dt>{t('ywPub.booking.name')}</dt>
        <dd>{view.name} {view.phone}</dd>
      </dl>
      {view.status === 'cancelled' && view.cancelledBy === 'office' && view.cancelReason ? (
        <p className="p-warn" data-testid="booking-cancelled-by-office">{t(`ywPub.booking.cancelledByOffice.${view.cancelReason}`)}</p>
      ) : view.status === 'cancelled' ? <p className="p-ok">{t('ywPub.booking.cancelled')}</p> : null}
      {view.cancellable ? (
        <button type="button" className="p-btn" disabled={busy} onClick={() => void cancel()} data-testid="booking-cancel">{t('ywPub.booking.cancel')}</button>
      ) : null}
      {actionError ? <p className="p-error" role="alert">{actionError}</p> : null}
    </main>
  );
}
