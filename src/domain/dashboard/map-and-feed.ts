import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts, scopeCondition, touchedSubdistricts } from '../auth/scope.js';
import { invalidField } from '../shared/errors.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import { resolveSlice } from './slice.js';

/**
 * The map: every active site of one subdistrict (or committee) with its open problems now and
 * its compliance grade (shops and units; bin rooms have none). Open cases only, by site.
 *
 * The answer, `{"sites":[{id, name, kind, committeeId, lng, lat, grade, openProblems,
 * overdueProblems}, …]}`, is built as JSON text by the database (json_group_array on SQLite,
 * json_agg on PostgreSQL): a subdistrict has ~1,000–1,500 sites, and building them as rows, then
 * objects, then text made the map the dashboard's biggest source of garbage.
 */
export async function siteMapJson(db: Db, actor: Actor, f: { subdistrictId?: string; committeeId?: string; kind?: SiteKind }, now: Date): Promise<string> {
  assertCan(actor, 'dashboard.read');
  const subs = touchedSubdistricts(actor);
  if (!f.subdistrictId && !f.committeeId && subs.length > 1) throw invalidField('subdistrictId', 'choose a subdistrict for the map');
  await resolveSlice(db, actor, { subdistrictId: f.subdistrictId, committeeId: f.committeeId });
  // A whole subdistrict the viewer owns (checked above) needs no scope list on every row.
  const owned = !!f.subdistrictId && fullSubdistricts(actor).includes(f.subdistrictId);
  const where = (sub: string, com: string) => {
    const parts = owned ? [] : [scopeCondition(actor, sub, com)];
    if (f.subdistrictId) parts.push(sql`${sql.ref(sub)} = ${f.subdistrictId}`);
    if (f.committeeId) parts.push(sql`${sql.ref(com)} = ${f.committeeId}`);
    return sql<boolean>`${sql.join(parts, sql` and `)}`;
  };
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const fields = sql.join(
    [
      sql`'id', s.id`, sql`'name', s.name`, sql`'kind', s.kind`, sql`'committeeId', s.committee_id`, sql`'lng', s.lng`, sql`'lat', s.lat`,
      sql`'grade', sc.grade`, sql`'openProblems', coalesce(o.n, 0)`, sql`'overdueProblems', coalesce(o.overdue, 0)`,
    ],
  );
  const body = pg
    ? sql`json_build_object('sites', coalesce(json_agg(json_build_object(${fields})), '[]'::json))::text`
    : sql`json_object('sites', json_group_array(json_object(${fields})))`;
  const open = sql`(select c.site_id, count(*) as n, sum(case when c.overdue_at is not null and c.status <> 'on_hold' and ${instantCompare(db, 'c.stage_due_at', '<=', now.toISOString())} then 1 else 0 end) as overdue
    from cases c where ${where('c.subdistrict_id', 'c.committee_id')} and c.status in (${sql.join([...OPEN_STATUSES])}) and c.site_id is not null
    group by c.site_id)`;
  const kind = f.kind ? sql` and s.kind = ${f.kind}` : sql``;
  const r = await sql<{ body: string }>`select ${body} as body
    from sites s left join site_compliance sc on sc.site_id = s.id left join ${open} o on o.site_id = s.id
    where ${where('s.subdistrict_id', 's.committee_id')} and s.status = 'active'${kind}`.execute(db);
  return r.rows[0]?.body ?? '{"sites":[]}';
}

export const FEED_LIMIT = 20;
const WIDE_SCOPE_GROUPS = 8;

/**
 * The live feed's first page: the latest cases in scope with their category, status and the
 * thumbnail of their first before-photo. Later cases arrive through the stream.
 */
export async function latestCases(db: Db, actor: Actor, f: { subdistrictId?: string; committeeId?: string; limit?: number }) {
  await resolveSlice(db, actor, f);
  const limit = f.limit ?? FEED_LIMIT;
  // Newest first per subdistrict or committee in scope (each an index seek on (…, id)), merged:
  // one `in (…) order by id` over a whole city would walk the index instead.
  const groups: [string, string][] = f.committeeId
    ? [['c.committee_id', f.committeeId]]
    : actor.scope.filter((s) => !f.subdistrictId || s.subdistrictId === f.subdistrictId)
      .map((s) => (s.committeeId ? ['c.committee_id', s.committeeId] : ['c.subdistrict_id', s.subdistrictId]) as [string, string]);
  // Newest ids per group, one index seek each, in one statement; then the details of the top few.
  const seeks = groups.map(([col, v], i) => sql`select * from (select id from cases where ${sql.ref(col.slice(2))} = ${v} order by id desc limit ${limit}) as ${sql.raw(`g${i}`)}`);
  // A wide scope (a district, a city) walks the primary key newest-first instead: almost every
  // recent case is in scope, so it stops after about `limit` rows.
  const top = !groups.length
    ? []
    : groups.length > WIDE_SCOPE_GROUPS
      ? (await db.selectFrom('cases as c').select('c.id').where(scopeCondition(actor, 'c.subdistrict_id', 'c.committee_id'))
        .$if(!!f.subdistrictId, (q) => q.where('c.subdistrict_id', '=', f.subdistrictId!))
        .orderBy('c.id', 'desc').limit(limit).execute()).map((r) => r.id)
      : (await sql<{ id: string }>`select id from (${sql.join(seeks, sql` union all `)}) as t order by id desc limit ${limit}`.execute(db)).rows.map((r) => r.id);
  const rows = top.length
    ? await db.selectFrom('cases as c').innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .select(['c.id', 'c.number', 'c.status', 'c.source', 'c.subdistrict_id', 'c.committee_id', 'c.description', 'c.reported_at', 'c.lng', 'c.lat',
        'cat.code as category_code', 'cat.name_zh', 'cat.name_en'])
      .where('c.id', 'in', [...new Set(top)])
      .where(scopeCondition(actor, 'c.subdistrict_id', 'c.committee_id'))
      .orderBy('c.id', 'desc').execute()
    : [];
  const ids = rows.map((r) => r.id);
  const photos = ids.length
    ? await db.selectFrom('case_photos').select(['case_id', sql<string>`min(photo_id)`.as('photo_id')])
      .where('case_id', 'in', ids).where('purpose', '=', 'before').groupBy('case_id').execute()
    : [];
  const photoOf = new Map(photos.map((p) => [p.case_id, p.photo_id]));
  return {
    cases: rows.map((r) => ({
      id: r.id, number: r.number, status: r.status, source: r.source, subdistrictId: r.subdistrict_id, committeeId: r.committee_id,
      description: r.description, reportedAt: r.reported_at, lng: r.lng, lat: r.lat,
      category: { code: r.category_code, zh: r.name_zh, en: r.name_en },
      thumbUrl: photoOf.has(r.id) ? `/api/photos/${photoOf.get(r.id)}/thumb` : null,
    })),
  };
}
