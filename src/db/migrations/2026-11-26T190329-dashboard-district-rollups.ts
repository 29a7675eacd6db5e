import { type Kysely, sql } from 'kysely';

// Frozen in time: the counter list is copied here, not imported.
const COUNTERS = [
  'found', 'reported', 'self_resolved', 'filed', 'cancelled', 'dispatched', 'redispatched', 'handled', 'handled_on_time',
  'rework', 'check_failed', 'closed', 'closed_on_time', 'enforcement_closed', 'reopened', 'merged', 'overdue', 'handle_overdue',
  'holds', 'hold_released', 'extension_requests', 'extensions', 'close_minutes',
  'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11',
];

/**
 * District grains for viewers of whole districts (a city's operations centre): the day by source
 * (KPIs, daily lines, before/after, with or without a source filter) and the hour, so a citywide
 * answer reads tens of rows instead of one per subdistrict (and committee) and day.
 * Keyed district first: reads ask for a district and a time range.
 *
 * A database that already holds rollups gets these (and the grains of 2026-11-26T183951, if still
 * empty) filled from the existing grains, which is what folding the same events would give.
 */
const GRAINS: Record<string, string[]> = {
  case_rollups_district_source_daily: ['district_id', 'day', 'source'],
  case_rollups_district_hourly: ['district_id', 'hour'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, keys] of Object.entries(GRAINS)) {
    let t = db.schema.createTable(table);
    for (const k of keys) t = t.addColumn(k, 'text', (c) => c.notNull());
    for (const c of COUNTERS) t = t.addColumn(c, c === 'close_minutes' ? 'bigint' : 'integer', (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint(`${table}_pk`, keys as any).execute();
  }
  await backfill(db);
}

const cols = (prefix = '') => sql.raw(COUNTERS.map((c) => `${prefix}${c}`).join(', '));
const sums = () => sql.raw(COUNTERS.map((c) => `sum(r.${c})`).join(', '));
const isEmpty = async (db: Kysely<any>, table: string) => !(await sql`select 1 from ${sql.table(table)} limit 1`.execute(db)).rows.length;

async function backfill(db: Kysely<any>) {
  await sql`insert into case_rollups_district_source_daily (district_id, day, source, ${cols()})
    select s.district_id, r.day, r.source, ${sums()} from case_rollups_daily r join subdistricts s on s.id = r.subdistrict_id
    group by s.district_id, r.day, r.source`.execute(db);
  await sql`insert into case_rollups_district_hourly (district_id, hour, ${cols()})
    select s.district_id, r.hour, ${sums()} from case_rollups_hourly r join subdistricts s on s.id = r.subdistrict_id
    group by s.district_id, r.hour`.execute(db);
  if (await isEmpty(db, 'case_rollups_district_category_daily')) {
    await sql`insert into case_rollups_district_category_daily (day, district_id, category_code, ${cols()})
      select r.day, s.district_id, r.category_code, ${sums()} from case_rollups_category_daily r join subdistricts s on s.id = r.subdistrict_id
      group by r.day, s.district_id, r.category_code`.execute(db);
  }
  if (await isEmpty(db, 'case_rollups_unit_cum')) await backfillUnitCum(db);
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Per unit, the counters summed through each day from its first day to its subdistrict's last. */
async function backfillUnitCum(db: Kysely<any>) {
  const lasts = await sql<{ subdistrict_id: string; d: string }>`select subdistrict_id, max(day) as d from case_rollups_unit_daily group by subdistrict_id`.execute(db);
  for (const { subdistrict_id: sub, d: last } of lasts.rows) {
    const rows = await sql<Record<string, any>>`select unit_id, day, ${cols()} from case_rollups_unit_daily where subdistrict_id = ${sub} order by unit_id, day`.execute(db);
    const out: unknown[][] = [];
    let unit: string | null = null;
    let run: number[] = [];
    let day = '';
    const fill = (until: string) => {
      for (; day <= until; day = nextDay(day)) out.push([sub, day, unit, ...run]);
    };
    for (const r of rows.rows) {
      if (r.unit_id !== unit) {
        if (unit !== null) fill(last);
        unit = r.unit_id;
        run = COUNTERS.map(() => 0);
        day = r.day;
      }
      if (r.day > day) fill(new Date(Date.parse(`${r.day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
      run = run.map((v, i) => v + Number(r[COUNTERS[i]!]));
      day = r.day;
      fill(r.day);
    }
    if (unit !== null) fill(last);
    for (let i = 0; i < out.length; i += 200) {
      const values = sql.join(out.slice(i, i + 200).map((v) => sql`(${sql.join(v)})`));
      await sql`insert into case_rollups_unit_cum (subdistrict_id, day, unit_id, ${cols()}) values ${values}`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of Object.keys(GRAINS)) await db.schema.dropTable(t).execute();
}
