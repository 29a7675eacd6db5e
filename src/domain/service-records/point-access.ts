import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { ServicePointTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan, type Permission } from '../auth/permissions.js';
import { assertSeesCommittee } from '../auth/scope.js';
import { DomainError } from '../shared/errors.js';

/**
 * What a window call needs to know about a point, read in one statement (the window calls run
 * thousands of times a minute citywide): the point, whether it offers an item, whether a user is
 * on its staff, its subdistrict's record-number prefix, and the item's ticket prefix.
 */
export interface PointAccess extends Pick<ServicePointTable, 'id' | 'subdistrict_id' | 'committee_id' | 'status' | 'staffed' | 'name' | 'address'> {
  /** The point offers the item asked about. */
  offered: boolean;
  /** The user asked about is on the point's staff. */
  onStaff: boolean;
  /** The subdistrict's case prefix and code (service record numbers). */
  casePrefix: string | null;
  subdistrictCode: string;
  /** The ticket prefix of the item's category (null: no such item): what a walk-in ticket is numbered by. */
  ticketPrefix: string | null;
}

const pointAccessRow = prepared((db: Db, pointId: string, itemId: string, userId: string) =>
  db
    .selectFrom('service_points as p')
    .innerJoin('subdistricts as sd', 'sd.id', 'p.subdistrict_id')
    .select(['p.id', 'p.subdistrict_id', 'p.committee_id', 'p.status', 'p.staffed', 'p.name', 'p.address', 'sd.case_prefix', 'sd.code'])
    .select((eb) => [
      eb.exists(eb.selectFrom('service_point_items as i').select('i.item_id').whereRef('i.point_id', '=', 'p.id').where('i.item_id', '=', itemId)).as('offered'),
      eb.exists(eb.selectFrom('service_point_staff as s').select('s.user_id').whereRef('s.point_id', '=', 'p.id').where('s.user_id', '=', userId)).as('on_staff'),
      eb.selectFrom('service_items as it').innerJoin('service_categories as c', 'c.id', 'it.category_id').select('c.ticket_prefix').where('it.id', '=', itemId).as('ticket_prefix'),
    ])
    .where('p.id', '=', pointId),
);

/** The point (or undefined), whether it offers `itemId` (and its ticket prefix) and whether `userId` is on its staff. */
export async function pointAccess(db: Db, pointId: string, itemId: string | null, userId: string | null): Promise<PointAccess | undefined> {
  const r = await pointAccessRow.first(db, pointId, itemId ?? '', userId ?? '');
  if (!r) return undefined;
  return {
    id: r.id, subdistrict_id: r.subdistrict_id, committee_id: r.committee_id, status: r.status, staffed: Number(r.staffed), name: r.name, address: r.address,
    offered: Boolean(Number(r.offered)), onStaff: Boolean(Number(r.on_staff)), casePrefix: r.case_prefix ?? null, subdistrictCode: r.code,
    ticketPrefix: r.ticket_prefix ?? null,
  };
}

/**
 * assertServesAt's rule on what is already known: the actor holds the permission, sees the point's
 * committee, and is on its staff (or runs the subdistrict's desk: operator, admin).
 */
export function assertServesAtKnown(
  actor: Actor,
  point: { subdistrict_id: string; committee_id: string | null },
  onStaff: boolean,
  permission: Extract<Permission, 'services.serve' | 'services.queue'> = 'services.serve',
) {
  assertCan(actor, permission);
  assertSeesCommittee(actor, point.subdistrict_id, point.committee_id, 'Service point');
  if (actor.role === 'operator' || actor.role === 'admin') return;
  if (!onStaff) throw new DomainError('forbidden', 'You are not on the staff of this point', { fields: [{ field: 'pointId', reason: 'not your point' }] });
}
