import { useTranslation } from 'react-i18next';
import { pointColor } from './point-colors';
import type { ServicePoint } from './types';

/** The network as a list: kind, status with its date, and the point's code and address. */
export function PointTable({ points, selectedId, onSelect }: { points: ServicePoint[]; selectedId: string | null; onSelect(id: string): void }) {
  const { t } = useTranslation();
  if (!points.length) return <p className="muted">{t('yw.network.empty')}</p>;
  const date = (p: ServicePoint) =>
    p.status === 'closed' && p.closedOn ? t('yw.network.closedOn', { date: p.closedOn })
      : p.status === 'built' && p.builtOn ? t('yw.network.builtOn', { date: p.builtOn })
        : p.targetOn ? t('yw.network.targetOn', { date: p.targetOn }) : '';
  return (
    <table className="table" data-testid="yw-points">
      <thead>
        <tr><th>{t('yw.network.name')}</th><th>{t('yw.network.kind')}</th><th>{t('yw.network.status')}</th><th>{t('yw.network.address')}</th></tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={p.id} className={p.id === selectedId ? 'selected' : undefined} data-testid={`yw-point-${p.code}`} data-status={p.status}>
            <td>
              <button type="button" className="yw-item" onClick={() => onSelect(p.id)}>
                <span className="yw-swatch" style={{ background: pointColor(p.kind, p.status) }} />
                {p.name} <small className="muted">{p.code}</small>
              </button>
            </td>
            <td>{t(`yw.kinds.${p.kind}`)}</td>
            <td>{t(`yw.pointStatus.${p.status}`)} <small className="muted">{date(p)}</small></td>
            <td>{p.address}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
