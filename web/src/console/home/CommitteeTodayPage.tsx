import '../../shared/i18n/homes';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api';
import { type CasePage, label } from '../../shared/cases';
import { errorText } from '../../shared/errors';
import { formatTime } from '../../shared/format';
import { useApi } from '../../shared/use-api';

interface RouteStop { id: string; kind: string; name: string; address: string; window: string | null }
interface BoardRow { committeeId: string; committeeName: string; kind: string; sites: number; due: number; covered: number; missed: number; pending: number }
type Queues = Record<string, { count: number; capped: boolean }>;

const QUEUES = ['to_file', 'to_dispatch', 'overdue', 'to_check', 'mine'] as const;

/** A committee cadre's home: the bin rooms still to check in today, today's coverage, the committee's cases (all scoped by the server). */
export function CommitteeTodayPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const route = useApi(() => api.get<{ date: string; total: number; items: RouteStop[] }>('/api/coverage/today', { kind: 'bin_room', limit: 200 }), []);
  const board = useApi(() => api.get<{ items: BoardRow[] }>('/api/coverage/board'), []);
  const queues = useApi(() => api.get<Queues>('/api/cases/queues'), []);
  const overdue = useApi(() => api.get<CasePage>('/api/cases', { queue: 'overdue', limit: 10 }), []);
  const rows = board.data?.items ?? [];
  const firstError = route.error ?? board.error ?? queues.error ?? overdue.error;

  return (
    <section className="page" data-testid="committee-today">
      <h1>{t('homes.today.title')}{route.data ? <small className="muted"> {route.data.date}</small> : null}</h1>
      <p className="muted">{t('homes.today.hint')}</p>
      {firstError ? <p className="alert alert-error">{errorText(t, firstError)}</p> : null}
      <div className="home-grid">
        <div className="card" data-testid="today-checkins">
          <h2>{t('homes.today.checkins')}{route.data ? `（${route.data.total}）` : ''}</h2>
          {route.data && !route.data.items.length ? <p className="muted">{t('homes.today.checkinsNone')}</p> : null}
          <ul className="setup-list">
            {route.data?.items.map((s) => (
              <li key={s.id} data-testid="today-checkin">
                <Link to={`/sites/${s.id}`}>{s.name}</Link> <span className="muted">{s.address}</span>
                {s.window ? <span className="badge"> {t('homes.today.window', { window: s.window })}</span> : null}
              </li>
            ))}
          </ul>
        </div>
        <div className="card" data-testid="today-coverage">
          <h2>{t('homes.today.coverage')}</h2>
          <table className="table">
            <thead>
              <tr><th>{t('homes.today.kind')}</th><th>{t('homes.today.due')}</th><th>{t('homes.today.covered')}</th><th>{t('homes.today.missed')}</th><th>{t('homes.today.pending')}</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.committeeId}-${r.kind}`} data-testid="today-coverage-row" data-kind={r.kind}>
                  <td>{r.committeeName} · {t(`kinds.${r.kind}`)}</td><td>{r.due}</td><td>{r.covered}</td><td>{r.missed}</td><td>{r.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card" data-testid="today-cases">
          <h2>{t('homes.today.cases')}</h2>
          <div className="home-queues">
            {QUEUES.map((q) => (
              <Link key={q} to={`/cases?queue=${q}`} data-testid={`today-queue-${q}`}>
                {t(`homes.today.queue.${q}`)}<strong>{queues.data?.[q] ? `${queues.data[q]!.count}${queues.data[q]!.capped ? '+' : ''}` : '–'}</strong>
              </Link>
            ))}
          </div>
          <h3>{t('homes.today.overdue')}</h3>
          {overdue.data && !overdue.data.items.length ? <p className="muted">{t('homes.today.overdueNone')}</p> : null}
          <ul className="setup-list">
            {overdue.data?.items.map((c) => (
              <li key={c.id}>
                <Link to={`/cases/${c.id}`}>{c.number}</Link> {label(c.statusLabel, lang)} · {c.description}
                <small className="muted"> {formatTime(c.stageDueAt, lang)}</small>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
