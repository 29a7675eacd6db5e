import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { zhCollator } from './collate.js';

/**
 * Staff activity per person for a day (人员力量全纳入): check-ins (on site / off site / by manual
 * position, bin rooms),
 * inspections (failed), cases raised from inspections (self-resolved / reported), missed windows.
 * Counts only records in the viewer's scope.
 */
export async function staffActivity(db: Db, actor: Actor, f: { date: string; committeeId?: string }) {
  assertCan(actor, 'coverage.read');
  const people = new Map<string, {
    userId: string; name: string; role: string; checkins: number; offSite: number; manual: number; binRooms: number;
    inspections: number; failedInspections: number; selfResolved: number; reported: number; missed: number;
  }>();
  const person = (id: string, name: string, role: string) => {
    if (!people.has(id)) people.set(id, { userId: id, name, role, checkins: 0, offSite: 0, manual: 0, binRooms: 0, inspections: 0, failedInspections: 0, selfResolved: 0, reported: 0, missed: 0 });
    return people.get(id)!;
  };
  const com = f.committeeId;
  const k = await db
    .selectFrom('checkins as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'u.id', 'u.display_name as name', 'u.role',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when k.status = 'off_site' then 1 else 0 end)`.as('off'),
      sql<number>`sum(case when k.method = 'manual' then 1 else 0 end)`.as('manual'),
      sql<number>`count(distinct k.site_id)`.as('rooms'),
    ])
    .where('k.local_date', '=', f.date)
    .where(scopeCondition(actor, 'k.subdistrict_id', 'k.committee_id'))
    .$if(!!com, (q) => q.where('k.committee_id', '=', com!))
    .groupBy(['u.id', 'u.display_name', 'u.role'])
    .execute();
  for (const r of k) Object.assign(person(r.id, r.name, r.role), { checkins: Number(r.n), offSite: Number(r.off), manual: Number(r.manual), binRooms: Number(r.rooms) });
  const i = await db
    .selectFrom('inspections as i')
    .innerJoin('users as u', 'u.id', 'i.inspector_id')
    .leftJoin('inspection_cases as ic', 'ic.inspection_id', 'i.id')
    .select([
      'u.id', 'u.display_name as name', 'u.role',
      sql<number>`count(distinct i.id)`.as('n'),
      sql<number>`count(distinct case when i.outcome = 'fail' then i.id end)`.as('failed'),
      sql<number>`sum(case when ic.resolution = 'fixed' then 1 else 0 end)`.as('fixed'),
      sql<number>`sum(case when ic.resolution = 'reported' then 1 else 0 end)`.as('reported'),
    ])
    .where('i.local_date', '=', f.date)
    .where(scopeCondition(actor, 'i.subdistrict_id', 'i.committee_id'))
    .$if(!!com, (q) => q.where('i.committee_id', '=', com!))
    .groupBy(['u.id', 'u.display_name', 'u.role'])
    .execute();
  for (const r of i)
    Object.assign(person(r.id, r.name, r.role), { inspections: Number(r.n), failedInspections: Number(r.failed), selfResolved: Number(r.fixed ?? 0), reported: Number(r.reported ?? 0) });
  const m = await db
    .selectFrom('checkin_misses as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name as name', 'u.role', (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.local_date', '=', f.date)
    .where(scopeCondition(actor, 'm.subdistrict_id', 'm.committee_id'))
    .$if(!!com, (q) => q.where('m.committee_id', '=', com!))
    .groupBy(['u.id', 'u.display_name', 'u.role'])
    .execute();
  for (const r of m) person(r.id, r.name, r.role).missed = Number(r.n);
  return { date: f.date, items: [...people.values()].sort((a, b) => zhCollator.compare(a.name, b.name)) };
}
