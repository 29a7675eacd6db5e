import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../../shared/LangSwitch';
import { BookingPanel, BookingViewPage } from './BookingPanel';
import { PointPage } from './PointPage';
import { FeedbackPage, RatePage } from './RatePage';

/**
 * The 一网通办 public pages, no router (it would only weigh on a slow link):
 * /point/{code}, /booking/{token}, /rate/{token} and /rate/feedback/{token}.
 */
export function PointApp() {
  const { t } = useTranslation();
  const path = window.location.pathname;
  const point = /^\/point\/([0-9A-Za-z-]+)\/?$/.exec(path);
  const feedback = /^\/rate\/feedback\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  const rate = /^\/rate\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  const booking = /^\/booking\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  let page;
  if (point) page = <PointPage code={point[1]!} renderBooking={(p, item, close) => <BookingPanel point={p} initialItem={item} onClose={close} />} />;
  else if (booking) page = <BookingViewPage token={booking[1]!} />;
  else if (feedback) page = <FeedbackPage token={feedback[1]!} />;
  else if (rate) page = <RatePage token={rate[1]!} />;
  else page = <main><p className="p-error" data-testid="point-error">{t('ywPub.notFound')}</p></main>;
  return (
    <div className="p-page">
      <header className="p-top">
        <span className="p-brand">{t('ywPub.brand')}</span>
        <LangSwitch className="p-lang" />
      </header>
      {page}
    </div>
  );
}
