import { sql } from 'kysely';
import type { Db, DialectKind } from '../../src/db/index.js';

const STATUS_BANDS: [number, string][] = [[70, 'closed'], [78, 'dispatched'], [85, 'handled'], [92, 'reported'], [97, 'filed'], [100, 'cancelled']];

const caseOf = (expr: string, values: string[]) =>
  `case ${expr} ${values.map((v, i) => `when ${i} then '${v}'`).join(' ')} end`;

/**
 * Fills `cases` with n synthetic cases of one subdistrict in a single INSERT … SELECT over a
 * generated series (recursive CTE on SQLite, generate_series on PostgreSQL): the fastest batched
 * insert either engine offers. Ids sort in time order like UUIDv7.
 */
export async function generateCases(db: Db, kind: DialectKind, n: number, subdistrictId: string, opts: { startUnixS?: number; stepS?: number; numberPrefix?: string } = {}) {
  const startS = opts.startUnixS ?? 1690848000;
  const step = opts.stepS ?? 86;
  const committees = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', subdistrictId).orderBy('code').execute()).map((r) => r.id);
  const standards = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subdistrictId).where('level', '=', 'standard').orderBy('code').execute()).map((r) => r.id);
  const units = (await db.selectFrom('handling_units').select('id').where('subdistrict_id', '=', subdistrictId).where('kind', '=', 'property_company').orderBy('name').execute()).map((r) => r.id);
  const reporter = (await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow()).id;
  const pg = kind === 'postgres';
  const hex = pg ? `lpad(to_hex(i), 12, '0')` : `printf('%012x', i)`;
  // Numbers in the real shape (PREFIX-8 digits-4 digits) so number search takes its index path.
  const pad = pg ? `lpad((i / 10000)::text, 8, '0') || '-' || lpad((i % 10000)::text, 4, '0')` : `printf('%08d-%04d', i / 10000, i % 10000)`;
  const status = `case ${STATUS_BANDS.map(([lim, s], k) => `when i % 100 < ${lim} ${k ? `and i % 100 >= ${STATUS_BANDS[k - 1]![0]}` : ''} then '${s}'`).join(' ')} end`;
  // Reported over the last ~1,000 days before 2026-05-01, newest last.
  const at = pg
    ? `to_char((to_timestamp(${startS}) + (i * ${step} || ' seconds')::interval) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')::timestamptz`
    : `strftime('%Y-%m-%dT%H:%M:%S.000Z', ${startS} + i * ${step}, 'unixepoch')`;
  const assigned = `case when i % 100 >= 70 and i % 100 < 85 or i % 100 < 70 then ${caseOf(`i % ${units.length}`, units)} else null end`;
  const series = pg
    ? `from generate_series(1, ${n}) as g(i)`
    : `from (with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s)`;
  const statement = `
    insert into cases (id, subdistrict_id, committee_id, grid_id, site_id, category_id, number, source, status, pending_request, requested_due_at,
      description, lng, lat, reporter_id, reporter_role, assigned_unit_id, assigned_user_id, merged_into_id, status_reason,
      rework_count, redispatch_count, reopen_count, extension_count, overdue_count, version, reported_at, filed_at, dispatched_at,
      handled_at, closed_at, cancelled_at, stage_started_at, stage_due_at, remind_at, reminded_key, overdue_at, escalated_key,
      handle_due_at, handled_on_time, closed_on_time, updated_at, responsible_unit_id)
    select '00000000-0000-7000-8000-' || ${hex}, '${subdistrictId}', ${caseOf(`i % ${committees.length}`, committees)}, null, null,
      ${caseOf(`(i / 7) % ${standards.length}`, standards)}, '${opts.numberPrefix ?? 'BM'}-' || ${pad}, case when i % 5 = 0 then 'self_resolved' else 'patrol' end, st,
      null, null, '批量生成的案件 ' || i, 121.40 + (i % 300) * 0.0001, 31.195 + (i % 170) * 0.0001, '${reporter}', 'patrol',
      ${assigned}, null, null, null, case when i % 97 = 0 then 1 else 0 end, 0, 0, 0, 0, 1, t, t, t, t,
      case when st = 'closed' then t else null end, case when st = 'cancelled' then t else null end,
      null, case when st in ('reported', 'filed', 'dispatched', 'handled') then t else null end, null, null,
      case when st in ('reported', 'filed', 'dispatched', 'handled') and i % 40 = 0 then t else null end, null, null, null, null, t, ${assigned}
    from (select i, ${status} as st, ${at} as t ${series}) x`;
  await sql.raw(statement).execute(db);
  await sql.raw(pg ? 'analyze cases' : 'analyze').execute(db);
}
