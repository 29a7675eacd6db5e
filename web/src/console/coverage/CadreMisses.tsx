import '../../shared/i18n/console';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { useApi } from '../../shared/use-api';

interface Miss { id: string; siteId: string; siteName: string; userId: string | null; userName: string | null; windowKey: string }

/** Missed check-ins per responsible cadre for a day: one row per cadre with the bin rooms and windows missed. */
export function CadreMisses({ date }: { date: string }) {
  const { t } = useTranslation();
  // Grouped per cadre, so the whole day is read (page after page).
  const r = useApi(() => api.getAll<Miss>('/api/checkins/misses', { date, subject: 'cadre', limit: 5000 }), [date]);
  const byCadre = new Map<string, { name: string; misses: Miss[] }>();
  for (const m of r.data?.items ?? []) {
    const k = m.userId ?? '';
    const e = byCadre.get(k) ?? { name: m.userName ?? '—', misses: [] };
    e.misses.push(m);
    byCadre.set(k, e);
  }
  const rows = [...byCadre.entries()].sort((a, b) => b[1].misses.length - a[1].misses.length || a[1].name.localeCompare(b[1].name));
  return (
    <>
      <h2>{t('console.coverage.cadreMisses')}</h2>
      {r.error ? <p className="alert alert-error">{errorText(t, r.error)}</p> : null}
      <table className="table" data-testid="cadre-misses">
        <thead>
          <tr><th>{t('console.coverage.cadre')}</th><th>{t('patrol.board.missedWindows')}</th><th>{t('patrol.board.site')} · {t('patrol.board.window')}</th></tr>
        </thead>
        <tbody>
          {rows.map(([userId, e]) => (
            <tr key={userId} data-testid="cadre-miss" data-user-id={userId} data-count={e.misses.length}>
              <td>{e.name}</td>
              <td>{e.misses.length}</td>
              <td>{e.misses.map((m) => `${m.siteName} ${m.windowKey.split('@')[1] ?? m.windowKey}`).join('；')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.data && !rows.length ? <p className="muted">{t('patrol.board.none')}</p> : null}
    </>
  );
}
