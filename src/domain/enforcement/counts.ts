import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { invalidField } from '../shared/errors.js';
import { serviceOverdueInScope } from './service-limit.js';

export interface CountRange {
  /** inclusive, ISO instant */
  from: string;
  /** exclusive, ISO instant */
  to: string;
}

/**
 * Enforcement figures for a period, for the dashboard: ladders opened, documents issued by
 * kind, re-inspections dispatched, ladders closed rectified or paid, fines decided and paid;
 * plus what is open now (by stage), fines overdue now and penalty decisions overdue for service
 * at `now` (the desk's overdue_service view, counted).
 */
export async function enforcementCounts(db: Db, actor: Actor, range: CountRange, now: Date) {
  assertCan(actor, 'enforcement.read');
  // An inverted period counts nothing; answering zeros would read as a quiet month.
  if (Date.parse(range.from) > Date.parse(range.to)) throw invalidField('from', 'must not be after to');
  const scoped = scopeCondition(actor, 'e.subdistrict_id', 'e.committee_id');
  const opened = await db.selectFrom('enforcement_cases as e').select((eb) => eb.fn.countAll<number>().as('n'))
    .where(scoped).where('e.opened_at', '>=', range.from).where('e.opened_at', '<', range.to).executeTakeFirstOrThrow();
  const closed = await db.selectFrom('enforcement_cases as e').select(['e.outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where(scoped).where('e.closed_at', '>=', range.from).where('e.closed_at', '<', range.to).groupBy('e.outcome').execute();
  const steps = await db.selectFrom('enforcement_steps as st').innerJoin('enforcement_cases as e', 'e.id', 'st.enforcement_case_id')
    .select(['st.kind', (eb) => eb.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(st.fine_amount), 0)`.as('fines')])
    .where(scoped).where('st.at', '>=', range.from).where('st.at', '<', range.to).groupBy('st.kind').execute();
  const paid = await db.selectFrom('enforcement_cases as e').select(sql<number>`coalesce(sum(e.fine_amount), 0)`.as('sum'))
    .where(scoped).where('e.paid_at', '>=', range.from).where('e.paid_at', '<', range.to).executeTakeFirstOrThrow();
  const open = await db.selectFrom('enforcement_cases as e').select(['e.stage', (eb) => eb.fn.countAll<number>().as('n')])
    .where(scoped).where('e.stage', '!=', 'closed').groupBy('e.stage').execute();
  const overdue = await db.selectFrom('enforcement_cases as e').select((eb) => eb.fn.countAll<number>().as('n'))
    .where(scoped).where('e.stage', '=', 'decided').where('e.overdue_at', 'is not', null).executeTakeFirstOrThrow();
  const unserved = await db.selectFrom('enforcement_cases as e').leftJoin('enforcement_steps as u', 'u.id', 'e.unserved_step_id')
    .select((eb) => eb.fn.countAll<number>().as('n')).where(scoped).where(await serviceOverdueInScope(db, actor, now)).executeTakeFirstOrThrow();
  const stepN = (k: string) => Number(steps.find((s) => s.kind === k)?.n ?? 0);
  return {
    range,
    opened: Number(opened.n),
    ordersIssued: stepN('order'),
    noticesIssued: stepN('notice'),
    priorNoticesIssued: stepN('prior_notice'),
    decisionsIssued: stepN('decision'),
    reinspectionsDispatched: stepN('dispatch'),
    reinspections: stepN('reinspection'),
    closedRectified: Number(closed.find((c) => c.outcome === 'rectified')?.n ?? 0),
    closedPaid: Number(closed.find((c) => c.outcome === 'paid')?.n ?? 0),
    finesDecidedRmb: Number(steps.find((s) => s.kind === 'decision')?.fines ?? 0),
    finesPaidRmb: Number(paid.sum),
    openByStage: Object.fromEntries(open.map((o) => [o.stage, Number(o.n)])),
    overdueFines: Number(overdue.n),
    overdueService: Number(unserved.n),
  };
}
