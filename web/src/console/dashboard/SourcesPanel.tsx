import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import '../../shared/i18n/sources';
import { useApi } from '../../shared/use-api';

export interface SourceFigures {
  window: { from: string; to: string; days: number };
  figures: {
    patrolSelfResolved: number;
    patrolReported: number;
    selfToReportedRatio: number | null;
    cadreCheckins: number;
    cadreCheckinsPerDay: { date: string; checkins: number }[];
    sweepSelfResolved: { institution: number; shop: number };
    total: number;
  };
}

/** The newspaper's figures for the dashboard's window: patrol self-resolved vs reported, cadre check-ins, the sweep's self-resolved cases. */
export function SourcesPanel({ window, tick }: { window: string; tick: number }) {
  const { t } = useTranslation();
  const res = useApi(() => api.get<SourceFigures>('/api/dashboard/sources', { window }), [window, tick]);
  const f = res.data?.figures;
  const days = res.data?.window.days ?? 1;
  return (
    <section className="dash-panel" data-testid="dash-sources">
      <h3>{t('sources.title')}</h3>
      {f ? (
        <ul className="dash-sources">
          <li data-testid="sources-patrol">
            <b>{f.patrolSelfResolved}</b> {t('sources.patrolSelf')} · <b>{f.patrolReported}</b> {t('sources.patrolReported')}
            {f.selfToReportedRatio !== null ? <small> （{t('sources.ratio', { ratio: f.selfToReportedRatio })}）</small> : null}
          </li>
          <li data-testid="sources-checkins">
            <b>{f.cadreCheckins}</b> {t('sources.cadreCheckins')} <small>{t('sources.perDay', { n: Math.round(f.cadreCheckins / days) })}</small>
          </li>
          <li data-testid="sources-sweep">
            {t('sources.sweep')}：{t('sources.sweepInstitution', { n: f.sweepSelfResolved.institution })}、{t('sources.sweepShop', { n: f.sweepSelfResolved.shop })}
          </li>
          <li><small>{t('sources.total', { n: f.total })}</small></li>
        </ul>
      ) : null}
    </section>
  );
}
