import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../shared/api';
import { errorText } from '../shared/errors';
import { formatDistance } from '../shared/geo/format-distance';
import { KIND_COLORS } from '../shared/map/kind-colors';
import type { Marker } from '../shared/types';
import { useApi } from '../shared/use-api';
import { sortNearby } from './nearby-sort';
import { TopBar } from './TopBar';
import { usePosition } from './use-position';

const SHOWN = 60;

export function NearbyPage() {
  const { t, i18n } = useTranslation();
  const pos = usePosition();
  const [filter, setFilter] = useState('');
  const markers = useApi(() => api.get<{ items: Marker[] }>('/api/sites/markers'), []);
  const position = pos.status === 'ok' ? pos.position : null;
  const sorted = useMemo(() => sortNearby(markers.data?.items ?? [], position, i18n.language), [markers.data, position, i18n.language]);
  const shown = sorted.filter((s) => !filter.trim() || s.name.includes(filter.trim())).slice(0, SHOWN);

  const fmt = (m: number) => formatDistance(m, i18n.language);

  return (
    <div className="m-page">
      <TopBar title={t('field.nearby')} />
      {pos.status === 'locating' ? <p className="m-notice">{t('field.locating')}</p> : null}
      {pos.status === 'unavailable' ? (
        <p className="m-notice m-notice-warn" data-testid="location-denied">
          {t('field.locationDenied')}
        </p>
      ) : null}
      <input
        type="search"
        className="m-input"
        aria-label={t('field.filterPlaceholder')}
        placeholder={t('field.filterPlaceholder')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        data-testid="nearby-filter"
      />
      {markers.error ? <p className="alert alert-error">{errorText(t, markers.error)}</p> : null}
      {markers.data ? <p className="m-count">{t('field.sitesCount', { count: sorted.length })}</p> : <p>{t('common.loading')}</p>}
      <ul className="m-list" data-testid="nearby-list" data-sorted-by={position ? 'distance' : 'name'}>
        {shown.map((s) => (
          <li key={s.id}>
            <Link to={`/sites/${s.id}`} className="m-item" data-site-id={s.id}>
              <span className="m-item-kind" style={{ background: KIND_COLORS[s.kind] }}>
                {t(`kinds.${s.kind}`)}
              </span>
              <span className="m-item-name">{s.name}</span>
              {s.distance !== null ? <span className="m-item-dist" data-distance={Math.round(s.distance)}>{fmt(s.distance)}</span> : null}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
