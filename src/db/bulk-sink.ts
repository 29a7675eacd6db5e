import SQLite from 'better-sqlite3';
import type { DatabaseConfig } from '../config.js';
import type { Db } from './index.js';
import { pgCopySink } from './pg-copy-sink.js';

/**
 * Where the city-scale seed writes its rows. On SQLite a second connection to the same file with
 * prepared multi-row INSERTs, a large page cache and one transaction per subdistrict; the
 * secondary indexes of the big tables are dropped for the load and rebuilt once at the end
 * (sorting once is far cheaper than millions of random index inserts). On PostgreSQL COPY
 * (pg-copy-sink.ts); for an in-memory SQLite database the app's own Kysely handle.
 */
export interface BulkSink {
  insert(table: string, rows: Record<string, unknown>[]): Promise<void>;
  /** Runs fn in one transaction. */
  transaction(fn: () => Promise<void>): Promise<void>;
  /** Drops the secondary indexes of these tables until finish(). */
  deferIndexes(tables: string[]): Promise<void>;
  /** Rebuilds deferred indexes and closes. */
  finish(onIndex?: (name: string) => void): Promise<void>;
}

const MAX_VARS = 30_000;

export function sqliteSink(file: string): BulkSink {
  const conn = new SQLite(file);
  conn.pragma('busy_timeout = 60000');
  conn.pragma('synchronous = OFF');
  conn.pragma('cache_size = -1500000');
  conn.pragma('temp_store = MEMORY');
  const statements = new Map<string, SQLite.Statement>();
  const deferred: { name: string; sql: string }[] = [];
  const stmt = (table: string, cols: string[], n: number) => {
    const k = `${table}|${cols.join(',')}|${n}`;
    let s = statements.get(k);
    if (!s) {
      const one = `(${cols.map(() => '?').join(',')})`;
      s = conn.prepare(`insert into "${table}" (${cols.map((c) => `"${c}"`).join(',')}) values ${Array.from({ length: n }, () => one).join(',')}`);
      statements.set(k, s);
    }
    return s;
  };
  return {
    async insert(table, rows) {
      if (!rows.length) return;
      const cols = Object.keys(rows[0]!);
      const per = Math.max(1, Math.min(200, Math.floor(MAX_VARS / cols.length)));
      const full = stmt(table, cols, per);
      const flat: unknown[] = new Array(per * cols.length);
      let i = 0;
      for (; i + per <= rows.length; i += per) {
        let k = 0;
        for (let j = i; j < i + per; j++) {
          const r = rows[j]!;
          for (const c of cols) flat[k++] = r[c] ?? null;
        }
        full.run(flat);
      }
      if (i < rows.length) {
        const rest = rows.slice(i);
        stmt(table, cols, rest.length).run(rest.flatMap((r) => cols.map((c) => r[c] ?? null)));
      }
    },
    async transaction(fn) {
      conn.exec('begin');
      try {
        await fn();
        conn.exec('commit');
      } catch (e) {
        conn.exec('rollback');
        throw e;
      }
      conn.pragma('wal_checkpoint(PASSIVE)');
    },
    async deferIndexes(tables) {
      const rows = conn.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables.map(() => '?').join(',')})`).all(...tables) as { name: string; sql: string }[];
      for (const r of rows) {
        conn.exec(`drop index "${r.name}"`);
        deferred.push(r);
      }
    },
    async finish(onIndex) {
      try {
        while (deferred.length) {
          const r = deferred[0]!;
          onIndex?.(r.name);
          conn.exec(r.sql);
          deferred.shift();
        }
        // No ANALYZE: the app's queries are planned without statistics on every database.
        conn.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        conn.close();
      }
    },
  };
}

export function kyselySink(db: Db): BulkSink {
  let trx: Db | null = null;
  return {
    async insert(table, rows) {
      if (!rows.length) return;
      const cols = Object.keys(rows[0]!);
      const per = Math.max(1, Math.min(500, Math.floor(30_000 / cols.length)));
      for (let i = 0; i < rows.length; i += per) {
        await (trx ?? db).insertInto(table as any).values(rows.slice(i, i + per) as any).execute();
      }
    },
    async transaction(fn) {
      await db.transaction().execute(async (t) => {
        trx = t;
        try {
          await fn();
        } finally {
          trx = null;
        }
      });
    },
    async deferIndexes() {},
    async finish() {},
  };
}

/** The bulk sink for the configured database: COPY on PostgreSQL, a second connection on a SQLite file. */
export function openBulkSink(config: DatabaseConfig, db: Db): BulkSink {
  if (config.kind === 'postgres') return pgCopySink(config.url, config.schema);
  return config.file === ':memory:' ? kyselySink(db) : sqliteSink(config.file);
}
