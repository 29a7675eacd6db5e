import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { shanghaiParts } from '../checkins/local-time.js';
import { COUNTERS, type CaseAttrs, type Counters } from './counters.js';

/**
 * Rollup grains: each table holds the same counters keyed by a Shanghai day (or hour) and a
 * slice. Every event adds its delta to one row of each grain, so a dashboard read touches at most
 * (days × slices) rows and never the case history.
 */
export const GRAINS = {
  /** full slice: any filter by grid, category, source or unit inside a scope */
  case_rollups_daily: ['day', 'subdistrict_id', 'committee_id', 'grid_id', 'category_id', 'source', 'unit_id'],
  /** committee figures and rankings */
  case_rollups_committee_daily: ['day', 'subdistrict_id', 'committee_id'],
  /** subdistrict and citywide figures */
  case_rollups_subdistrict_daily: ['day', 'subdistrict_id'],
  /** handling-unit rankings, also citywide */
  case_rollups_unit_daily: ['day', 'subdistrict_id', 'unit_id'],
  /** category breakdown across subdistricts (catalogue codes are shared) */
  case_rollups_category_daily: ['day', 'subdistrict_id', 'category_code'],
  /** what each person did (reported, handled, checked) */
  case_rollups_person_daily: ['day', 'subdistrict_id', 'committee_id', 'user_id'],
  /** today's hourly lines */
  case_rollups_hourly: ['hour', 'subdistrict_id', 'committee_id'],
  /** citywide category breakdown: one row per district, code and day (not per subdistrict) */
  case_rollups_district_category_daily: ['day', 'district_id', 'category_code'],
  /** citywide KPIs and daily lines (optionally by source) for viewers of whole districts */
  case_rollups_district_source_daily: ['district_id', 'day', 'source'],
  /** citywide hourly lines */
  case_rollups_district_hourly: ['district_id', 'hour'],
} as const;
export type GrainTable = keyof typeof GRAINS;
export const GRAIN_TABLES = Object.keys(GRAINS) as GrainTable[];
/** Every table the fold writes (the additive grains and the cumulative unit rows, unit-cum.ts). */
export const ROLLUP_TABLES = [...GRAIN_TABLES, 'case_rollups_unit_cum'] as const;
/** Grains keyed by district, shared by the subdistricts of a district. */
export const DISTRICT_GRAINS: GrainTable[] = ['case_rollups_district_category_daily', 'case_rollups_district_source_daily', 'case_rollups_district_hourly'];

interface Row {
  table: GrainTable;
  keys: string[];
  c: Partial<Counters>;
}

/** Sums deltas per grain row in memory; flushed once per batch. */
export class RollupAccumulator {
  readonly rows = new Map<string, Row>();

  /** @param districtId the district of the subdistrict whose events are folded */
  constructor(readonly districtId: string) {}

  private add(table: GrainTable, keys: string[], delta: Partial<Counters>) {
    const id = `${table}|${keys.join('|')}`;
    let row = this.rows.get(id);
    if (!row) {
      row = { table, keys, c: {} };
      this.rows.set(id, row);
    }
    for (const [k, v] of Object.entries(delta) as [keyof Counters, number][]) row.c[k] = (row.c[k] ?? 0) + v;
  }

  /** Adds one event's delta to every grain. */
  addEvent(a: CaseAttrs, unitId: string, actorUserId: string | null, at: string, delta: Partial<Counters>) {
    if (!Object.keys(delta).length) return;
    const { date, hhmm } = shanghaiParts(new Date(at));
    const sub = a.subdistrict_id;
    this.add('case_rollups_daily', [date, sub, a.committee_id, a.grid_id ?? '', a.category_id, a.source, unitId], delta);
    this.add('case_rollups_committee_daily', [date, sub, a.committee_id], delta);
    this.add('case_rollups_subdistrict_daily', [date, sub], delta);
    if (unitId) this.add('case_rollups_unit_daily', [date, sub, unitId], delta);
    this.add('case_rollups_category_daily', [date, sub, a.category_code], delta);
    this.add('case_rollups_district_category_daily', [date, this.districtId, a.category_code], delta);
    if (actorUserId) this.add('case_rollups_person_daily', [date, sub, a.committee_id, actorUserId], delta);
    this.add('case_rollups_hourly', [`${date}T${hhmm.slice(0, 2)}`, sub, a.committee_id], delta);
    this.add('case_rollups_district_source_daily', [this.districtId, date, a.source], delta);
    this.add('case_rollups_district_hourly', [this.districtId, `${date}T${hhmm.slice(0, 2)}`], delta);
  }

  get size() {
    return this.rows.size;
  }
}

const ROWS_PER_STATEMENT = 200;

/** Adds the accumulated deltas to the rollup tables (insert, or add on conflict). */
export async function flushRollups(db: Db, acc: RollupAccumulator) {
  const byTable = new Map<GrainTable, Row[]>();
  for (const r of acc.rows.values()) {
    if (!byTable.has(r.table)) byTable.set(r.table, []);
    byTable.get(r.table)!.push(r);
  }
  for (const [table, rows] of byTable) {
    const keys = GRAINS[table] as readonly string[];
    const cols = sql.join([...keys, ...COUNTERS].map((c) => sql.ref(c)));
    const update = sql.join(COUNTERS.map((c) => sql`${sql.ref(c)} = ${sql.table(table)}.${sql.ref(c)} + excluded.${sql.ref(c)}`));
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const values = sql.join(chunk.map((r) => sql`(${sql.join([...r.keys, ...COUNTERS.map((c) => r.c[c] ?? 0)])})`));
      await sql`insert into ${sql.table(table)} (${cols}) values ${values}
        on conflict (${sql.join(keys.map((k) => sql.ref(k)))}) do update set ${update}`.execute(db);
    }
  }
}
