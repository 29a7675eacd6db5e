import '../../shared/i18n/field-map';
import '../../shared/i18n/patrol';
import { useTranslation } from 'react-i18next';
import { KIND_COLORS } from '../../shared/map/kind-colors';

const GRADES = ['red', 'yellow', 'green', 'new'] as const;
const KINDS = ['bin_room', 'shop', 'institution'] as const;

/** What every label and colour on today's route means (the kinds, and the grades under a shop or unit). */
export function RouteLegend() {
  const { t } = useTranslation();
  return (
    <details className="m-legend" data-testid="route-legend">
      <summary>{t('fmap.route.legend')}</summary>
      <p>{t('fmap.route.kinds')}</p>
      <ul>
        {KINDS.map((k) => (
          <li key={k}>
            <span className="m-item-kind" style={{ background: KIND_COLORS[k] }}>{t(`patrol.kinds.${k}`)}</span>
            {k === 'bin_room' ? ` ${t('fmap.route.binRoom')}` : null}
          </li>
        ))}
      </ul>
      <p>{t('fmap.route.grades')}</p>
      <ul>
        {GRADES.map((g) => (
          <li key={g} data-grade={g}>
            <span className={`m-grade m-grade-${g}`}>{t(`patrol.today.grade.${g}`)}</span> {t(`fmap.route.grade.${g}`)}
          </li>
        ))}
      </ul>
    </details>
  );
}
