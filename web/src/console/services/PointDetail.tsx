import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';
import type { PointDetail as Detail } from './types';

/** One point: its opening sessions, staff and the items it offers (names from the catalogue). */
export function PointDetail({ id, itemName }: { id: string; itemName(id: string): string }) {
  const { t } = useTranslation();
  const p = useApi(() => api.get<Detail>(`/api/services/points/${encodeURIComponent(id)}`), [id]);
  if (p.error) return <p className="alert alert-error">{errorText(t, p.error)}</p>;
  if (!p.data) return <p className="muted">{t('common.loading')}</p>;
  const d = p.data;
  return (
    <div className="card yw-panel" data-testid="yw-point-detail">
      <h2>{d.name}</h2>
      <p className="muted">{t(`yw.kinds.${d.kind}`)} · {t(`yw.pointStatus.${d.status}`)} · {d.staffed ? t('yw.network.staffed') : t('yw.network.selfService')} · {d.address}</p>
      <h3>{t('yw.network.sessions')}</h3>
      {d.sessions.length ? (
        <ul data-testid="yw-point-sessions">
          {d.sessions.map((s) => (
            <li key={s.id}>{t(`yw.weekdays.d${s.weekday}`)} {s.starts}–{s.ends} · {t('yw.network.capacity', { n: s.capacity })}</li>
          ))}
        </ul>
      ) : <p className="muted">{t('yw.network.noSessions')}</p>}
      {d.staff.length ? <p>{t('yw.network.staff')}：{d.staff.map((s) => s.displayName).join('、')}</p> : null}
      <h3>{t('yw.network.items')}（{t('yw.network.itemsCount', { count: d.itemIds.length })}）</h3>
      <p className="yw-offered" data-testid="yw-point-items">{d.itemIds.map(itemName).join('、')}</p>
    </div>
  );
}
