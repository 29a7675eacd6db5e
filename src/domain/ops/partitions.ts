import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction } from '../shared/in-transaction.js';

/**
 * Monthly partitions of the growing tables (PostgreSQL only; the migration
 * 2026-12-04T1950-monthly-partitions made them partitioned, with a DEFAULT partition that takes
 * any row no month partition covers). `ensurePartitions` creates the coming months ahead of
 * time. If rows of a month were already put in the DEFAULT partition (the job did not run for
 * months, or a clock was far ahead), exactly those rows move into the new month partition in the
 * same transaction; nothing else is moved, detached or dropped. SQLite tables are not
 * partitioned: nothing to do there.
 */
export interface PartitionedTable {
  table: 'case_events' | 'checkins';
  /** The partition key column. */
  key: string;
  /** The bound literal of a month starting on 'YYYY-MM-01' (months of Asia/Shanghai). */
  bound(month: string): string;
}

export const PARTITIONED: PartitionedTable[] = [
  { table: 'case_events', key: 'at', bound: (m) => `'${m} 00:00:00+08'` },
  { table: 'checkins', key: 'local_date', bound: (m) => `'${m}'` },
];

/** Months created ahead of the current one. */
export const MONTHS_AHEAD = 3;

export const partitionName = (table: string, month: string) => `${table}_y${month.slice(0, 4)}m${month.slice(5, 7)}`;

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** 'YYYY-MM-01' of an instant's month in Shanghai. */
export function shanghaiMonth(at: Date): string {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(at);
  return `${ymd.slice(0, 7)}-01`;
}


export interface PartitionInfo {
  name: string;
  /** The partition's bound as PostgreSQL prints it (`FOR VALUES FROM (…) TO (…)`, `DEFAULT`). */
  bound: string;
}

/** The partitions of a table, by name (empty on SQLite or for a table that is not partitioned). */
export async function listPartitions(db: Db, table: string): Promise<PartitionInfo[]> {
  if (!isPostgres(db)) return [];
  const r = await sql<PartitionInfo>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass(${table}) order by c.relname`.execute(db);
  return r.rows;
}

/**
 * Creates the partitions of the current month and MONTHS_AHEAD months after it for every
 * partitioned table; idempotent. With `since`, also every month from the one holding `since` on
 * (a bulk load of past history creates its months before it writes, so the rows land in them
 * rather than in DEFAULT). Resolves with the names it created and the rows it moved out of the
 * DEFAULT partitions.
 */
export async function ensurePartitions(db: Db, clock: Clock, monthsAhead = MONTHS_AHEAD, since?: Date): Promise<{ created: string[]; moved: number }> {
  const out = { created: [] as string[], moved: 0 };
  if (!isPostgres(db)) return out;
  const months: string[] = [];
  const current = shanghaiMonth(clock.now());
  const first = since && shanghaiMonth(since) < current ? shanghaiMonth(since) : current;
  for (let m = first; m < current; m = nextMonth(m)) months.push(m);
  for (let m = current, i = 0; i <= monthsAhead; i++, m = nextMonth(m)) months.push(m);
  for (const t of PARTITIONED) {
    const existing = new Set((await listPartitions(db, t.table)).map((p) => p.name));
    if (!existing.size) continue; // not partitioned (an older schema)
    for (const m of months) {
      const name = partitionName(t.table, m);
      if (existing.has(name)) continue;
      out.moved += await createMonth(db, t, m, name);
      out.created.push(name);
    }
  }
  return out;
}

async function createMonth(db: Db, t: PartitionedTable, month: string, name: string): Promise<number> {
  const lo = t.bound(month);
  const hi = t.bound(nextMonth(month));
  const range = `${t.key} >= ${lo} and ${t.key} < ${hi}`;
  return inTransaction(db, async (trx) => {
    // Another round (or instance) may have made it meanwhile: then nothing to do.
    if ((await sql<{ r: string | null }>`select to_regclass(${name})::text as r`.execute(trx)).rows[0]?.r) return 0;
    // Writers of the DEFAULT partition wait for this transaction (readers do not), so no row of the
    // month can slip in between moving its rows and attaching the partition.
    await sql.raw(`lock table ${t.table}_default in exclusive mode`).execute(trx);
    const stray = await sql.raw(`select 1 from ${t.table}_default where ${range} limit 1`).execute(trx);
    if (!stray.rows.length) {
      await sql.raw(`create table ${name} partition of ${t.table} for values from (${lo}) to (${hi})`).execute(trx);
      return 0;
    }
    await sql.raw(`create table ${name} (like ${t.table} including defaults including constraints)`).execute(trx);
    const moved = await sql.raw(`with m as (delete from ${t.table}_default where ${range} returning *) insert into ${name} select * from m`).execute(trx);
    await sql.raw(`alter table ${t.table} attach partition ${name} for values from (${lo}) to (${hi})`).execute(trx);
    // The delete from DEFAULT fired case_events' photo_citations trigger (forgetting the moved
    // events' photos), while the insert into the table not yet attached fired none: cite them again
    // (2026-12-10T0610-photo-citations), or the unattached-photo purge would take them for unused.
    if (t.table === 'case_events' && (await sql<{ f: string | null }>`select to_regprocedure('photo_citations_add(text,text,text)')::text as f`.execute(trx)).rows[0]?.f) {
      await sql.raw(`select photo_citations_add('case_events.photo_ids', id, photo_ids) from ${name} where photo_ids <> '[]'`).execute(trx);
    }
    return Number(moved.numAffectedRows ?? 0);
  });
}
