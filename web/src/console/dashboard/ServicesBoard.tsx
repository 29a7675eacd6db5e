import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { floorPercent } from '../../shared/percent';
import type { PointWaits, ServicesBoard as Board } from './types';

/** Seconds as the board shows them: under two minutes in seconds, else whole minutes. */
function duration(t: TFunction, s: number | null): string {
  if (s === null) return '—';
  return s < 120 ? t('dash.svc.seconds', { n: Math.round(s) }) : t('dash.svc.minutesShort', { n: Math.round(s / 60) });
}

/**
 * The 一网通办 board beside the case figures (dashboard and wall): today's records, overdue
 * records, 好评率 and open 差评, terminals down, self-service zones, and today's waiting times per
 * point — the viewer's scope only, replaced whenever the live stream sends a new board.
 */
export function ServicesBoard({ board, wall }: { board: Board | null; wall: boolean }) {
  const { t } = useTranslation();
  const k = board?.totals;
  const waits: (PointWaits & { sub: string })[] = (board?.subdistricts ?? [])
    .flatMap((s) => s.waits.map((w) => ({ ...w, sub: s.name })))
    .sort((a, b) => b.tickets - a.tickets)
    .slice(0, wall ? 6 : 10);
  const many = (board?.subdistricts.length ?? 0) > 1;
  const cards: [string, string, string?, string?][] = [
    ['acceptedToday', String(k?.records.acceptedToday ?? '—')],
    ['finishedToday', String(k?.records.finishedToday ?? '—')],
    ['overdue', String(k?.records.overdue ?? '—'), k?.records.overdue ? 'warn' : undefined],
    ['goodRate', k ? floorPercent(k.ratings.good, k.ratings.total) : '—', undefined, k ? t('dash.svc.goodNote', { good: k.ratings.good, total: k.ratings.total, days: board!.ratingWindow.days }) : undefined],
    ['badOpen', String(k?.badRatings.open ?? '—'), k?.badRatings.pastDue ? 'warn' : undefined, k ? t('dash.svc.badLate', { n: k.badRatings.pastDue }) : undefined],
    ['terminalsDown', k ? `${k.terminals.down} / ${k.terminals.monitored}` : '—', k?.terminals.down ? 'warn' : undefined],
    ['zones', k ? `${k.zones.builtGrids} / ${k.zones.grids}` : '—', undefined, k ? t('dash.svc.zonesNote', { planned: k.zones.plannedGrids }) : undefined],
  ];
  return (
    <section className="dash-panel dash-svc" data-testid="svc-board" data-at={board?.at ?? ''}>
      <h3>{t('dash.svc.title')}</h3>
      <div className="dash-svc-cards">
        {cards.map(([key, value, tone, note]) => (
          <div key={key} className={`dash-card ${tone ?? ''}`} data-testid={`svc-${key}`}>
            <span>{t(`dash.svc.${key}`)}</span>
            <b>{value}</b>
            {note ? <small className="dash-card-note">{note}</small> : null}
          </div>
        ))}
      </div>
      {many && (
        <table className="dash-svc-table" data-testid="svc-subdistricts">
          <thead><tr><th>{t('dash.svc.subdistrict')}</th><th>{t('dash.svc.acceptedToday')}</th><th>{t('dash.svc.overdue')}</th><th>{t('dash.svc.goodRate')}</th><th>{t('dash.svc.badOpen')}</th><th>{t('dash.svc.terminalsDown')}</th></tr></thead>
          <tbody>
            {board!.subdistricts.map((s) => (
              <tr key={s.subdistrictId}><td>{s.name}</td><td>{s.records.acceptedToday}</td><td>{s.records.overdue}</td><td>{floorPercent(s.ratings.good, s.ratings.total)}</td><td>{s.badRatings.open}</td><td>{s.terminals.down}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>{t('dash.svc.waits')}</h4>
      {waits.length ? (
        <table className="dash-svc-table" data-testid="svc-waits">
          <thead><tr><th>{t('dash.svc.point')}</th><th>{t('dash.svc.tickets')}</th><th>{t('dash.svc.waitMedian')}</th><th>{t('dash.svc.waitP90')}</th><th>{t('dash.svc.serviceMedian')}</th></tr></thead>
          <tbody>
            {waits.map((w) => (
              <tr key={w.pointId} data-testid="svc-wait-row" data-point={w.pointId}>
                <td>{many ? `${w.sub} · ` : ''}{w.name}</td><td>{w.tickets}</td><td>{duration(t, w.waitMedianS)}</td><td>{duration(t, w.waitP90S)}</td><td>{duration(t, w.serviceMedianS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="dash-empty">{board ? t('dash.svc.noQueue') : ''}</p>}
    </section>
  );
}
