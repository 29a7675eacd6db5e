import { useTranslation } from 'react-i18next';
import type { GridCoverage } from './types';
import { DateInput } from '../../shared/date-input/DateInput';

/** "6 built, 20 planned, every grid by year end" — the grid plan as the report computes it. */
export function GridCoverageReport({ data, asOf, by, onDates }: { data: GridCoverage | null; asOf: string; by: string; onDates(asOf: string, by: string): void }) {
  const { t } = useTranslation();
  return (
    <section className="card yw-panel" data-testid="yw-coverage">
      <h2>{t('yw.coverage.title')}</h2>
      <div className="filters">
        <label className="field">
          <span>{t('yw.coverage.asOf')}</span>
          <DateInput value={asOf} onChange={(v) => onDates(v, by)} data-testid="yw-cov-asof" />
        </label>
        <label className="field">
          <span>{t('yw.coverage.by')}</span>
          <DateInput value={by} onChange={(v) => onDates(asOf, v)} data-testid="yw-cov-by" />
        </label>
      </div>
      {data ? (
        <>
          <p data-testid="yw-cov-summary">
            {t('yw.coverage.summary', {
              grids: data.totals.grids, subdistricts: data.totals.subdistricts, built: data.totals.builtGrids,
              planned: data.totals.plannedGrids, uncovered: data.totals.uncoveredGrids,
            })}{' '}
            {t('yw.coverage.zones', { built: data.totals.builtZones, planned: data.totals.plannedZones })}
          </p>
          <p className={data.totals.everyGridCoveredBy ? 'alert alert-ok' : 'alert alert-error'} data-testid="yw-cov-every">
            {data.totals.everyGridCoveredBy
              ? t('yw.coverage.every', { by: data.by })
              : t('yw.coverage.notEvery', { by: data.by, n: data.totals.grids - data.totals.coveredByDate })}
          </p>
          <table className="table" data-testid="yw-cov-grids">
            <thead>
              <tr>
                <th>{t('yw.coverage.grid')}</th><th>{t('yw.coverage.subdistrict')}</th><th>{t('yw.coverage.state')}</th>
                <th>{t('yw.coverage.builtPlanned')}</th><th>{t('yw.coverage.target')}</th><th>{t('yw.coverage.covered')}</th>
              </tr>
            </thead>
            <tbody>
              {data.grids.map((g) => (
                <tr key={g.id} data-state={g.state}>
                  <td>{g.code} {g.name}</td>
                  <td>{g.subdistrictName}</td>
                  <td>{t(`yw.coverage.states.${g.state}`)}</td>
                  <td>{g.builtZones}/{g.plannedZones}</td>
                  <td>{g.plannedTarget ?? ''}</td>
                  <td>{t(g.coveredBy ? 'yw.yes' : 'yw.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : <p className="muted">{t('common.loading')}</p>}
    </section>
  );
}
