import { type Kysely, sql } from 'kysely';
import { isPostgres } from './_dialect.js';

/**
 * PostgreSQL only: `case_events` range-partitioned by month of `at` (months of Asia/Shanghai)
 * and `checkins` by month of `local_date` (the Shanghai date), each with a DEFAULT partition so
 * an insert is never refused; the `partitions` job creates months ahead. SQLite keeps plain tables.
 *
 * What partitioning changes, and how each guarantee is kept:
 * - A primary key or unique constraint must include the partition key: case_events' key becomes
 *   (id, at) and (subdistrict_id, seq, at). A subdistrict's seq stays unique because it is taken
 *   from its one `chain_heads` row under a row lock (events.ts) and `audit verify` walks the
 *   chain by seq; the plain (subdistrict_id, seq) index still serves lookups by seq.
 * - checkins' unique (site_id, user_id, window_key) becomes (site_id, user_id, window_key,
 *   local_date): the window key starts with its local date, so the two are the same rule, and
 *   the check-in upsert names the four columns on PostgreSQL.
 * - A foreign key may only reference a unique key of a partitioned table that includes its
 *   partition key, so case_photos.event_id and enforcement_steps.event_id → case_events(id) are
 *   kept as constraint triggers: a referencing row needs its event (checked at once); an event
 *   still referenced cannot go away (checked at commit, so moving a row between partitions is
 *   allowed).
 * Frozen in time: the partition naming and bounds are copied in src/domain/ops/partitions.ts.
 */

/** Months kept ahead of the current one by the migration (the job keeps the same). */
const AHEAD = 3;
/** Older rows than this many months before now go to the DEFAULT partition (no endless list). */
const MAX_BACK = 120;

interface Spec {
  table: string;
  /** The column and the SQL giving a row's month start ('YYYY-MM-01') from it. */
  key: string;
  monthOf: string;
  /** The bound literal of a month start 'YYYY-MM-01'. */
  bound: (month: string) => string;
}

const SPECS: Spec[] = [
  {
    table: 'case_events', key: 'at',
    monthOf: `to_char(date_trunc('month', at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD')`,
    bound: (m) => `'${m} 00:00:00+08'`,
  },
  {
    table: 'checkins', key: 'local_date',
    monthOf: `substr(local_date, 1, 7) || '-01'`,
    bound: (m) => `'${m}'`,
  },
];

const nextMonth = (m: string) => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
};
/** The month n months before `m` ('YYYY-MM-01'). */
const monthsBefore = (m: string, n: number) => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const k = y * 12 + (mo - 1) - n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}-01`;
};
const partName = (table: string, m: string) => `${table}_y${m.slice(0, 4)}m${m.slice(5, 7)}`;

async function currentMonth(db: Kysely<any>): Promise<string> {
  const r = await sql<{ m: string }>`select to_char(date_trunc('month', now() at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as m`.execute(db);
  return r.rows[0]!.m;
}

async function dataMonths(db: Kysely<any>, s: Spec, from: string): Promise<string[]> {
  const r = await sql<{ m: string }>`select distinct ${sql.raw(s.monthOf)} as m from ${sql.raw(`${s.table}__old`)} where ${sql.raw(s.key)} is not null`.execute(db);
  return r.rows.map((x) => x.m).filter((m) => m >= from).sort();
}

/** Index definitions of a table (not those backing a constraint), to create them again on the parent. */
async function plainIndexes(db: Kysely<any>, table: string) {
  const r = await sql<{ name: string; def: string }>`
    select i.relname as name, pg_get_indexdef(x.indexrelid) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = ${table}::regclass
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(db);
  return r.rows;
}

/** Check and foreign-key constraints of a table (primary and unique keys are redefined below). */
async function otherConstraints(db: Kysely<any>, table: string) {
  const r = await sql<{ name: string; def: string }>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = ${table}::regclass and contype in ('c', 'f') order by conname`.execute(db);
  return r.rows;
}

const KEYS: Record<string, string[]> = {
  case_events: [
    'constraint case_events_pkey primary key (id, at)',
    'constraint case_events_sub_seq_uq unique (subdistrict_id, seq, at)',
  ],
  checkins: [
    'constraint checkins_pkey primary key (id, local_date)',
    'constraint checkins_site_user_window_uq unique (site_id, user_id, window_key, local_date)',
  ],
};

const REFERENCING = [
  ['case_photos', 'case_photos_event_id_fkey'],
  ['enforcement_steps', 'enforcement_steps_event_id_fkey'],
] as const;

async function partitionTable(db: Kysely<any>, s: Spec, now: string) {
  const t = s.table;
  const indexes = await plainIndexes(db, t);
  const constraints = await otherConstraints(db, t);
  await sql.raw(`alter table ${t} rename to ${t}__old`).execute(db);
  await sql.raw(`create table ${t} (like ${t}__old including defaults) partition by range (${s.key})`).execute(db);
  await sql.raw(`create table ${t}_default partition of ${t} default`).execute(db);
  const months = new Set(await dataMonths(db, s, monthsBefore(now, MAX_BACK)));
  for (let m = now, i = 0; i <= AHEAD; i++, m = nextMonth(m)) months.add(m);
  for (const m of [...months].sort()) {
    await sql.raw(`create table ${partName(t, m)} partition of ${t} for values from (${s.bound(m)}) to (${s.bound(nextMonth(m))})`).execute(db);
  }
  await sql.raw(`insert into ${t} select * from ${t}__old`).execute(db);
  if (t === 'case_events') for (const [table, fk] of REFERENCING) await sql.raw(`alter table ${table} drop constraint ${fk}`).execute(db);
  await sql.raw(`drop table ${t}__old`).execute(db);
  for (const k of KEYS[t]!) await sql.raw(`alter table ${t} add ${k}`).execute(db);
  for (const c of constraints) await sql.raw(`alter table ${t} add constraint ${c.name} ${c.def}`).execute(db);
  for (const ix of indexes) await sql.raw(ix.def.replace(/ ON (ONLY )?[\w.]+\./, ' ON ').replace(/ ON ONLY /, ' ON ')).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  const now = await currentMonth(db);
  for (const s of SPECS) await partitionTable(db, s, now);
  await sql.raw(`
    create function case_event_referenced_exists() returns trigger language plpgsql set search_path from current as $$
    begin
      if new.event_id is not null and not exists (select 1 from case_events where id = new.event_id) then
        raise exception using errcode = 'foreign_key_violation', table = tg_table_name,
          message = format('insert or update on table "%s" violates foreign key "%s_event_id_fkey"', tg_table_name, tg_table_name),
          detail = format('Key (event_id)=(%s) is not present in table "case_events".', new.event_id);
      end if;
      return null;
    end $$`).execute(db);
  await sql.raw(`
    create function case_event_still_referenced() returns trigger language plpgsql set search_path from current as $$
    begin
      if not exists (select 1 from case_events where id = old.id)
         and (exists (select 1 from case_photos where event_id = old.id) or exists (select 1 from enforcement_steps where event_id = old.id)) then
        raise exception using errcode = 'foreign_key_violation', table = 'case_events',
          message = 'delete on table "case_events" violates a foreign key of case_photos or enforcement_steps',
          detail = format('Key (id)=(%s) is still referenced.', old.id);
      end if;
      return null;
    end $$`).execute(db);
  for (const [table, fk] of REFERENCING) {
    await sql.raw(`create constraint trigger ${fk} after insert or update of event_id on ${table} for each row execute function case_event_referenced_exists()`).execute(db);
  }
  await sql.raw(`create constraint trigger case_events_referenced after delete or update of id on case_events deferrable initially deferred for each row execute function case_event_still_referenced()`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql.raw('drop trigger case_events_referenced on case_events').execute(db);
  for (const [table, fk] of REFERENCING) await sql.raw(`drop trigger ${fk} on ${table}`).execute(db);
  await sql.raw('drop function case_event_referenced_exists()').execute(db);
  await sql.raw('drop function case_event_still_referenced()').execute(db);
  const PLAIN_KEYS: Record<string, string[]> = {
    case_events: ['constraint case_events_pkey primary key (id)', 'constraint case_events_sub_seq_uq unique (subdistrict_id, seq)'],
    checkins: ['constraint checkins_pkey primary key (id)', 'constraint checkins_site_user_window_uq unique (site_id, user_id, window_key)'],
  };
  for (const s of SPECS) {
    const t = s.table;
    const indexes = await plainIndexes(db, t);
    const constraints = await otherConstraints(db, t);
    await sql.raw(`alter table ${t} rename to ${t}__old`).execute(db);
    await sql.raw(`create table ${t} (like ${t}__old including defaults)`).execute(db);
    await sql.raw(`insert into ${t} select * from ${t}__old`).execute(db);
    await sql.raw(`drop table ${t}__old cascade`).execute(db);
    for (const k of PLAIN_KEYS[t]!) await sql.raw(`alter table ${t} add ${k}`).execute(db);
    for (const c of constraints) await sql.raw(`alter table ${t} add constraint ${c.name} ${c.def}`).execute(db);
    for (const ix of indexes) await sql.raw(ix.def.replace(/ ON (ONLY )?[\w.]+\./, ' ON ').replace(/ ON ONLY /, ' ON ')).execute(db);
  }
  for (const [table, fk] of REFERENCING) await sql.raw(`alter table ${table} add constraint ${fk} foreign key (event_id) references case_events(id)`).execute(db);
}
