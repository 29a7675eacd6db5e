import '../../shared/i18n/patrol';
import '../../shared/i18n/field-map';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../shared/errors';
import { formatDistance } from '../../shared/geo/format-distance';
import { KIND_COLORS } from '../../shared/map/kind-colors';
import { TopBar } from '../TopBar';
import { RouteLegend } from './RouteLegend';
import { gradeOf, useTodaysRoute } from './use-todays-route';

/** Sites still due today in my scope, in walking order from where I am, every colour explained. */
export function TodayPage() {
  const { t, i18n } = useTranslation();
  const { pos, here, list, stops } = useTodaysRoute();
  return (
    <div className="m-page">
      <TopBar title={t('patrol.today.title')} />
      {pos.status === 'locating' ? <p className="m-notice">{t('field.locating')}</p> : null}
      {pos.status === 'unavailable' ? <p className="m-notice m-notice-warn">{t('field.locationDenied')}</p> : null}
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {list.data && !list.data.items.length ? <p className="m-note">{t('patrol.today.empty')}</p> : null}
      {list.data ? (
        <>
          <p className="m-count" data-testid="route-count">
            {t('field.sitesCount', { count: list.data.total })}
            {list.data.dueNow !== undefined && list.data.dueNow < list.data.total ? <> · {t('patrol.today.dueNow', { count: list.data.dueNow })}</> : null}
          </p>
          {/* Without a position the warning above already says the list is in name order. */}
          {pos.status !== 'unavailable' ? <p className="hint" data-testid="route-order-note">{here ? t('fmap.route.order') : t('fmap.route.orderNoGps')}</p> : null}
          <Link className="m-btn m-btn-block" to="/map?show=route" data-testid="route-map">{t('fmap.showOnMap')}</Link>
          <RouteLegend />
        </>
      ) : null}
      <ol className="m-list" data-testid="today-list" data-order={here ? 'walk' : 'server'}>
        {stops.map((s, i) => {
          const grade = gradeOf(s);
          return (
            <li key={s.id}>
              <Link to={s.kind === 'bin_room' ? `/checkin/${s.id}` : `/inspect/${s.id}`} className="m-item m-item-stop" data-site-id={s.id} data-kind={s.kind} data-later={s.later ? '' : undefined}>
                {/* The link is named by what it shows (WCAG 2.5.3), the stop's number read out in words. */}
                <span className="m-stop" aria-hidden="true">{i + 1}</span>
                <span className="visually-hidden">{t('fmap.route.stop', { n: i + 1 })}</span>
                <span className="m-item-kind" style={{ background: KIND_COLORS[s.kind] }}>{t(`patrol.kinds.${s.kind}`)}</span>
                <span className="m-item-name">
                  {s.name}
                  <small className="hint" style={{ display: 'block' }}>
                    {s.window ? t(s.later ? 'patrol.today.windowLater' : 'patrol.today.window', { window: s.window }) : grade ? <span className={`m-grade m-grade-${grade}`} data-grade={grade}>{t(`patrol.today.grade.${grade}`)}</span> : null}
                  </small>
                </span>
                {s.distanceM !== null ? <span className="m-item-dist" data-distance={s.distanceM}>{formatDistance(s.distanceM, i18n.language)}</span> : null}
              </Link>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
