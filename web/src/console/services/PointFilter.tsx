import { useTranslation } from 'react-i18next';
import type { ServicePoint } from './types';

/** The "服务点" filter of the front-office lists: every point in scope, or 全部服务点 (value ''). */
export function PointFilter({ value, points, onChange, testId, disabled }: { value: string; points: ServicePoint[]; onChange: (pointId: string | null) => void; testId: string; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t('yw.ratings.point')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value || null)} disabled={disabled} data-testid={testId}>
        <option value="">{t('yw.records.allPoints')}</option>
        {points.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
      </select>
    </label>
  );
}
