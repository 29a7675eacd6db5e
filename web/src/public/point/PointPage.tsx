import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { QrCode } from '../../shared/QrCode';
import { ItemRow } from './ItemRow';
import { myBookings } from './my-bookings';
import type { PublicItem, PublicPoint } from './types';
import { floorPercent } from '../../shared/percent';

const sessionsText = (s: { starts: string; ends: string }[], sep: string) => s.map((x) => `${x.starts}–${x.ends}`).join(sep);

/**
 * A service point's public page (/point/{code}): what it is, where, when it opens today and this
 * week, the items it offers by category with their guides, booking and how to rate.
 */
export function PointPage({ code, renderBooking }: { code: string; renderBooking?: (p: PublicPoint, item: PublicItem | null, close: () => void) => ReactNode }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [point, setPoint] = useState<PublicPoint | null>(null);
  const [error, setError] = useState('');
  const [booking, setBooking] = useState<{ item: PublicItem | null } | null>(null);
  const [share, setShare] = useState(false);
  /** What opened the booking form (an item's 预约, the 预约 button): the focus goes back there when it closes. */
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    request<PublicPoint>('GET', `/api/public/points/${encodeURIComponent(code)}`)
      .then((p) => {
        setPoint(p);
        document.title = `${p.name} · ${t('ywPub.brand')}`;
      })
      .catch((e: unknown) => setError(e instanceof ApiError && (e.status === 404 || e.status === 400) ? t('ywPub.notFound') : errorText(t, e)));
  }, [code, t]);

  if (error) return <main><p className="p-error" data-testid="point-error">{error}</p></main>;
  if (!point) return <main><p className="hint">{t('ywPub.loading')}</p></main>;
  const today = point.days[0]!;
  const built = point.status === 'built';
  const canBook = built && point.staffed && !!renderBooking;
  const startBooking = (item: PublicItem | null) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setBooking({ item });
    requestAnimationFrame(() => document.getElementById('booking')?.scrollIntoView({ block: 'start' }));
  };
  const closeBooking = () => {
    setBooking(null);
    requestAnimationFrame(() => opener.current?.focus());
  };
  return (
    <main data-testid="point" data-code={point.code} data-status={point.status}>
      <h1 data-testid="point-name">{point.name}</h1>
      <p className="p-sub">
        <span className="p-badge pp-kind">{t(`ywPub.kind.${point.kind}`)}</span> {en ? point.subdistrict.nameEn : point.subdistrict.name}
      </p>
      {point.status === 'planned' ? <p className="p-warn" data-testid="point-planned">{point.targetOn ? t('ywPub.status.plannedBy', { date: point.targetOn }) : t('ywPub.status.planned')}</p> : null}
      {point.status === 'closed' ? <p className="p-error">{point.closedOn ? t('ywPub.status.closed', { date: point.closedOn }) : t('ywPub.status.closedNoDate')}</p> : null}
      <dl className="p-facts">
        <dt>{t('ywPub.address')}</dt>
        <dd data-testid="point-address">{point.address}</dd>
        {point.phone ? (<><dt>{t('ywPub.phone')}</dt><dd><a href={`tel:${point.phone}`}>{point.phone}</a></dd></>) : null}
        {point.ratings.total && point.ratings.goodRate !== null ? (
          <>
            <dt>{t('ywPub.goodRate')}</dt>
            <dd data-testid="point-good-rate">
              {floorPercent(point.ratings.good, point.ratings.total)} <small className="p-sub">{t('ywPub.goodRateOf', { days: point.ratings.days, total: point.ratings.total })}</small>
            </dd>
          </>
        ) : null}
      </dl>

      {built ? (
        <section className="pp-today" data-testid="point-today">
          <h2>{t('ywPub.today')}</h2>
          <p className="p-number">
            {today.holiday ? t('ywPub.holiday') : today.sessions.length ? sessionsText(today.sessions, t('ywPub.sep')) : t('ywPub.todayClosed')}
          </p>
          {!point.staffed ? <p className="hint">{t('ywPub.selfService')}</p> : null}
          {canBook ? <button type="button" className="p-btn p-btn-primary" onClick={() => startBooking(null)} data-testid="book">{t('ywPub.book')}</button> : null}
        </section>
      ) : null}

      {booking && renderBooking ? <section id="booking" className="pp-booking">{renderBooking(point, booking.item, closeBooking)}</section> : null}

      <MyBookings point={point} en={en} />

      {built ? (
        <section>
          <h2>{t('ywPub.week')}</h2>
          <table className="pp-week" data-testid="point-week">
            <tbody>
              {point.days.map((d) => (
                <tr key={d.date} data-date={d.date} className={d.date === point.today ? 'pp-now' : ''}>
                  <th scope="row">{t(`ywPub.weekday.${d.weekday}`)} {d.date.slice(5)}</th>
                  <td>{d.holiday ? t('ywPub.holiday') : d.sessions.length ? sessionsText(d.sessions, t('ywPub.sep')) : t('ywPub.noSessions')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section>
        <h2 data-testid="items-title">{t('ywPub.items', { count: point.itemCount })}</h2>
        {point.categories.length === 0 ? <p className="hint">{t('ywPub.itemsNone')}</p> : null}
        {point.categories.map((c) => (
          <details key={c.id} className="pp-cat" data-testid="point-category" data-code={c.code}>
            <summary>{en ? c.nameEn : c.nameZh}<span className="pp-count">{c.items.length}</span></summary>
            <ul className="pp-items">
              {c.items.map((i) => <ItemRow key={i.id} code={point.code} item={i} onBook={canBook ? (it) => startBooking(it) : null} />)}
            </ul>
          </details>
        ))}
      </section>

      {built && point.staffed ? (
        <section data-testid="point-rate">
          <h2>{t('ywPub.rateTitle')}</h2>
          <p className="p-sub">{t('ywPub.rateHint')}</p>
        </section>
      ) : null}

      <section className="pp-share">
        <button type="button" className="p-btn" onClick={() => setShare((s) => !s)} data-testid="share">{t(share ? 'ywPub.hideShare' : 'ywPub.share')}</button>
        {share ? (
          <figure className="pp-qr">
            <QrCode text={window.location.origin + `/point/${encodeURIComponent(point.code)}`} label={t('ywPub.shareHint')} testId="point-qr" />
            <figcaption className="hint">{t('ywPub.shareHint')}</figcaption>
          </figure>
        ) : null}
      </section>
    </main>
  );
}

/**
 * The bookings made from this phone (kept only in its localStorage), today's and later ones,
 * soonest first, each linking to its page, where it is viewed or cancelled.
 */
function MyBookings({ point, en }: { point: PublicPoint; en: boolean }) {
  const { t } = useTranslation();
  const list = myBookings().filter((b) => b.day >= point.today).sort((a, b) => (a.day + a.starts).localeCompare(b.day + b.starts));
  if (!list.length) return null;
  return (
    <section className="p-mine" data-testid="my-bookings">
      <h2>{t('ywPub.booking.mine')}</h2>
      <ul>
        {list.map((b) => {
          const item = en && b.itemNameEn ? b.itemNameEn : b.itemName;
          return (
            <li key={b.code} data-testid="my-booking" data-code={b.code}>
              <a href={b.path}>{b.day} {b.starts}{item ? ` · ${item}` : ''}</a>
              <small className="p-sub"> {b.code}{b.pointName !== point.name ? ` · ${b.pointName}` : ''}</small>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
