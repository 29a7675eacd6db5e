import { type Expression, PostgresAdapter, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee, assertSeesSubdistrict, scopeCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { type DashboardFilter, resolveWindow } from './slice.js';

/**
 * The newspaper's figures, read off the product for any period and scope: cases by who reported
 * them (the reporter's role: 市容辅助力量 patrol officers, 居委干部 cadres, …), how they came in
 * (source: self-resolved 自发自处, reported 主动上报, check-in, …) and the kind of site; the cadres'
 * bin-room check-ins per day; and the self-resolved cases found in a unit/shop sweep (a case at a
 * unit or shop, on a day a sweep campaign covering that kind of site was running).
 *
 * Counted from the cases and check-ins themselves (indexed by subdistrict and time), so every
 * slice adds up to the same cases the desk lists.
 */
export async function sourceSlices(db: Db, clock: Clock, actor: Actor, f: Pick<DashboardFilter, 'subdistrictId' | 'committeeId' | 'window' | 'from' | 'to'>) {
  assertCan(actor, 'dashboard.read');
  if (f.subdistrictId) assertSeesSubdistrict(actor, f.subdistrictId, 'subdistrict');
  if (f.committeeId) {
    const c = await db.selectFrom('committees').select(['id', 'subdistrict_id']).where('id', '=', f.committeeId).executeTakeFirst();
    if (!c) throw notFound('committee');
    assertSeesCommittee(actor, c.subdistrict_id, c.id, 'committee');
  }
  const w = resolveWindow(clock, f);
  const where: Expression<SqlBool>[] = [scopeCondition(actor, 'c.subdistrict_id', 'c.committee_id') as unknown as Expression<SqlBool>];
  if (f.subdistrictId) where.push(sql<SqlBool>`c.subdistrict_id = ${f.subdistrictId}`);
  if (f.committeeId) where.push(sql<SqlBool>`c.committee_id = ${f.committeeId}`);
  const localDate = db.getExecutor().adapter instanceof PostgresAdapter
    ? sql`to_char(c.reported_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`
    : sql`date(c.reported_at, '+8 hours')`;
  const caseWhere = sql.join(where.map((p) => sql`(${p})`), sql` and `);
  const rows = await sql<{ reporter_role: string; source: string; site_kind: string | null; in_sweep: number; n: number }>`
    select c.reporter_role, c.source, s.kind as site_kind,
      case when s.kind in ('institution', 'shop') and exists (
        select 1 from campaigns k where k.subdistrict_id = c.subdistrict_id
          and k.start_date <= ${localDate} and k.end_date >= ${localDate}
          and k.site_kinds like '%' || s.kind || '%'
          and (k.committee_ids is null or k.committee_ids like '%' || c.committee_id || '%')
      ) then 1 else 0 end as in_sweep,
      count(*) as n
    from cases c left join sites s on s.id = c.site_id
    where ${caseWhere} and c.reported_at >= ${w.fromAt} and c.reported_at < ${w.toAt} and c.status <> 'merged'
    group by c.reporter_role, c.source, s.kind, in_sweep`.execute(db);
  const slices = rows.rows.map((r) => ({ reporterRole: r.reporter_role, source: r.source, siteKind: r.site_kind, inSweep: Number(r.in_sweep) === 1, cases: Number(r.n) }));
  const sum = (p: (s: (typeof slices)[number]) => boolean) => slices.filter(p).reduce((a, s) => a + s.cases, 0);

  const checkinWhere = [scopeCondition(actor, 'k.subdistrict_id', 'k.committee_id')];
  let q = db
    .selectFrom('checkins as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.local_date', (eb) => eb.fn.countAll<number>().as('n')])
    .where('u.role', '=', 'cadre')
    .where('k.local_date', '>=', w.from)
    .where('k.local_date', '<=', w.to)
    .where(checkinWhere[0]!);
  if (f.subdistrictId) q = q.where('k.subdistrict_id', '=', f.subdistrictId);
  if (f.committeeId) q = q.where('k.committee_id', '=', f.committeeId);
  const perDay = await q.groupBy('k.local_date').orderBy('k.local_date').execute();
  const byDay = new Map(perDay.map((d) => [d.local_date, Number(d.n)]));
  const cadreCheckins = [...byDay.values()].reduce((a, b) => a + b, 0);

  const patrolSelfResolved = sum((s) => s.reporterRole === 'patrol' && s.source === 'self_resolved' && !s.inSweep);
  const patrolReported = sum((s) => s.reporterRole === 'patrol' && s.source !== 'self_resolved');
  return {
    window: { name: w.name, from: w.from, to: w.to, days: w.days.length },
    slices,
    figures: {
      /** 市容辅助力量: found and fixed on the spot, outside the unit/shop sweep. */
      patrolSelfResolved,
      /** 市容辅助力量: reported for someone else to fix (主动上报). */
      patrolReported,
      /** self-resolved : reported, e.g. 4.5 means 4.5 : 1; null without reported cases. */
      selfToReportedRatio: patrolReported ? Math.round((patrolSelfResolved / patrolReported) * 10) / 10 : null,
      cadreCheckins,
      cadreCheckinsPerDay: w.days.map((d) => ({ date: d, checkins: byDay.get(d) ?? 0 })),
      sweepSelfResolved: {
        institution: sum((s) => s.inSweep && s.siteKind === 'institution' && s.source === 'self_resolved'),
        shop: sum((s) => s.inSweep && s.siteKind === 'shop' && s.source === 'self_resolved'),
      },
      total: sum(() => true),
    },
  };
}

