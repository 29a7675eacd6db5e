import '../../shared/i18n/patrol';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { KIND_COLORS } from '../../shared/map/kind-colors';
import { useApi } from '../../shared/use-api';
import { TopBar } from '../TopBar';
import { usePosition } from '../use-position';

interface DueSite {
  id: string;
  kind: 'bin_room' | 'institution' | 'shop';
  name: string;
  address: string;
  reason: string;
  window: string | null;
  distanceM: number | null;
}

/** Sites still due today in my scope, nearest first (the server sorts by distance from here). */
export function TodayPage() {
  const { t } = useTranslation();
  const pos = usePosition();
  const here = pos.status === 'ok' ? pos.position : null;
  const ready = pos.status !== 'locating';
  const list = useApi(
    () => (ready ? api.get<{ total: number; items: DueSite[] }>('/api/coverage/today', { lat: here?.lat, lng: here?.lng, limit: 100 }) : new Promise<never>(() => {})),
    [ready, here?.lat, here?.lng],
  );
  const fmt = (m: number) => (m < 1000 ? t('field.distanceM', { value: m }) : t('field.distanceKm', { value: (m / 1000).toFixed(1) }));
  return (
    <div className="m-page">
      <TopBar title={t('patrol.today.title')} />
      {pos.status === 'locating' ? <p className="m-notice">{t('field.locating')}</p> : null}
      {pos.status === 'unavailable' ? <p className="m-notice m-notice-warn">{t('field.locationDenied')}</p> : null}
      {list.error ? <p className="alert alert-error">{errorText(t, list.error)}</p> : null}
      {list.data && !list.data.items.length ? <p className="m-note">{t('patrol.today.empty')}</p> : null}
      {list.data ? <p className="m-count">{t('field.sitesCount', { count: list.data.total })}</p> : null}
      <ul className="m-list" data-testid="today-list">
        {(list.data?.items ?? []).map((s) => {
          const grade = s.reason.startsWith('inspection:') ? s.reason.slice('inspection:'.length) : null;
          return (
            <li key={s.id}>
              <Link to={s.kind === 'bin_room' ? `/checkin/${s.id}` : `/inspect/${s.id}`} className="m-item" data-site-id={s.id} data-kind={s.kind}>
                <span className="m-item-kind" style={{ background: KIND_COLORS[s.kind] }}>{t(`patrol.kinds.${s.kind}`)}</span>
                <span className="m-item-name">
                  {s.name}
                  <small className="hint" style={{ display: 'block' }}>
                    {s.window ? t('patrol.today.window', { window: s.window }) : grade ? t(`patrol.today.grade.${grade}`) : ''}
                  </small>
                </span>
                {s.distanceM !== null ? <span className="m-item-dist" data-distance={s.distanceM}>{fmt(s.distanceM)}</span> : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
