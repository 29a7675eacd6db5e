import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BulkSink } from './bulk-sink.js';

/**
 * The city-scale seed's sink on PostgreSQL: its own connection, COPY … FROM STDIN in text format
 * (pg-copy-streams; a multi-row INSERT through Kysely spent most of its time building SQL), one
 * transaction per subdistrict without waiting for the WAL flush, and the big tables' secondary
 * indexes dropped for the load and rebuilt once at the end — as the SQLite sink does. Indexes that
 * back a constraint (primary keys, unique constraints) stay: the load must still honour them.
 */
export function pgCopySink(url: string, schema?: string): BulkSink {
  const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  const ready = (async () => {
    await client.connect();
    await client.query(`set synchronous_commit = off`);
    await client.query(`set maintenance_work_mem = '256MB'`);
  })();
  const deferred: { name: string; sql: string }[] = [];
  return {
    async insert(table, rows) {
      if (!rows.length) return;
      await ready;
      const cols = Object.keys(rows[0]!);
      const copy = client.query(copyFrom(`copy "${table}" (${cols.map((c) => `"${c}"`).join(',')}) from stdin`));
      await pipeline(Readable.from(copyText(rows, cols)), copy);
    },
    async transaction(fn) {
      await ready;
      await client.query('begin');
      try {
        await fn();
        await client.query('commit');
      } catch (e) {
        await client.query('rollback');
        throw e;
      }
    },
    async deferIndexes(tables) {
      await ready;
      const { rows } = await client.query<{ name: string; sql: string }>(
        `select c.relname as name, pg_get_indexdef(i.indexrelid) as sql
           from pg_index i
           join pg_class c on c.oid = i.indexrelid
           join pg_class t on t.oid = i.indrelid
          where t.relname = any($1) and t.relnamespace in (select oid from pg_namespace where nspname = any(current_schemas(false)))
            and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
        [tables],
      );
      for (const r of rows) {
        await client.query(`drop index "${r.name}"`);
        // A partitioned table's index prints as `ON ONLY parent`; made again it must cover every partition.
        deferred.push({ ...r, sql: r.sql.replace(' ON ONLY ', ' ON ') });
      }
    },
    async finish(onIndex) {
      try {
        await ready;
        while (deferred.length) {
          const r = deferred[0]!;
          onIndex?.(r.name);
          await client.query(r.sql);
          deferred.shift();
        }
        // Statistics for the planner, current for the benchmark that follows.
        await client.query('analyze');
      } finally {
        await client.end();
      }
    },
  };
}

/** Rows as COPY text: tab-separated, \N for null, backslash escapes; in chunks of ~1,000 rows. */
function* copyText(rows: Record<string, unknown>[], cols: string[]): Generator<string> {
  let chunk = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let line = '';
    for (let j = 0; j < cols.length; j++) {
      if (j) line += '\t';
      line += copyValue(r[cols[j]!]);
    }
    chunk += `${line}\n`;
    if (i % 1000 === 999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
