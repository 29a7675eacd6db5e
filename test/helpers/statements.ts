import SQLite from 'better-sqlite3';
import pg from 'pg';

/** What a statement was, as the driver saw it. */
export interface SentStatement {
  text: string;
  /** BEGIN, SAVEPOINT, RELEASE, COMMIT or ROLLBACK. */
  transaction: boolean;
  /** PostgreSQL's change notice (pg_notify), which SQLite has no counterpart for. */
  notice: boolean;
}

const TRANSACTION = /^\s*(begin|start transaction|savepoint|release|commit|rollback)\b/i;
const NOTICE = /\bpg_notify\(/i;

/**
 * Records every statement this process sends to either engine while `run` runs: each prepared
 * statement's run/all/get/iterate and every exec on SQLite, every query on PostgreSQL's client.
 * `sent()` is the list so far, in order.
 */
export async function recordingStatements<T>(run: (sent: () => readonly SentStatement[]) => Promise<T>): Promise<T> {
  const list: SentStatement[] = [];
  const seen = (text: unknown) => {
    const t = String(text);
    list.push({ text: t, transaction: TRANSACTION.test(t), notice: NOTICE.test(t) });
  };
  const probe = new SQLite(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<'run' | 'all' | 'get' | 'iterate', (...a: unknown[]) => unknown>;
  probe.close();
  const originals = { run: statement.run, all: statement.all, get: statement.get, iterate: statement.iterate };
  for (const m of ['run', 'all', 'get', 'iterate'] as const) {
    const f = originals[m];
    statement[m] = function (this: { source: string }, ...a: unknown[]) {
      seen(this.source);
      return f.apply(this, a);
    };
  }
  const exec = SQLite.prototype.exec;
  SQLite.prototype.exec = function (this: SQLite.Database, text: string) {
    seen(text);
    return exec.call(this, text);
  } as typeof exec;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
    const q = a[0] as string | { text?: string };
    seen(typeof q === 'string' ? q : q?.text);
    return (query as (...x: unknown[]) => unknown).apply(this, a);
  } as typeof query;
  try {
    return await run(() => list);
  } finally {
    Object.assign(statement, originals);
    SQLite.prototype.exec = exec;
    pg.Client.prototype.query = query;
  }
}
