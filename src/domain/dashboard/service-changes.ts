import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { hubFor } from './hub.js';

/** What changed at the front office: the 一网通办 board and the window screens re-read on it. */
export const SERVICE_CHANGE_KINDS = ['record', 'ticket', 'appointment', 'rating', 'terminal'] as const;
export type ServiceChangeKind = (typeof SERVICE_CHANGE_KINDS)[number];

export interface ServiceChange {
  subdistrictId: string;
  /** The point's committee (null: a subdistrict-level point such as the centre). */
  committeeId: string | null;
  /** null: several points, or none in particular (e.g. records gone overdue). */
  pointId: string | null;
  kind: ServiceChangeKind;
}

/** The NOTIFY channel of front-office changes is this + the schema, so schemas sharing a database do not mix. */
export const SERVICES_CHANNEL_PREFIX = 'closeloop_services_';

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Tells open dashboards and window screens that the front office changed. Call it inside the
 * change's transaction, after its writes. The notice carries no figures (viewers re-read what
 * their own scope allows) and no personal data.
 *
 * - PostgreSQL: a NOTIFY, which PostgreSQL delivers at commit — never for a rolled-back
 *   change — to the live feed of every instance (src/server/live-feed.ts), the writer's included:
 *   the path the case events' folded batches take.
 * - SQLite is one process on one connection: the notice goes to the process's hub at once, and a
 *   reader on that connection already sees the change's writes.
 */
export async function announceServiceChange(trx: Db, change: ServiceChange): Promise<void> {
  if (isPostgres(trx)) {
    await sql`select pg_notify(${SERVICES_CHANNEL_PREFIX} || current_schema(), ${JSON.stringify(change)})`.execute(trx);
  } else {
    hubFor(trx).announceServices([change]);
  }
}

/**
 * A case opened for a 差评 left the open states (closed after its check, cancelled, merged) or came
 * back to them (reopened): the board's open 差评 count changes, so the front office hears of it as
 * of any other rating change. Cases that are not a 差评's follow-up announce nothing.
 */
export async function announceBadRatingCase(trx: Db, caseId: string): Promise<void> {
  const r = await trx
    .selectFrom('service_rating_followups as f')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .select(['r.subdistrict_id', 'r.committee_id', 'r.point_id'])
    .where('f.case_id', '=', caseId)
    .executeTakeFirst();
  if (r) await announceServiceChange(trx, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, kind: 'rating' });
}

/** Reads a notice's payload back (null for anything malformed: a NOTIFY channel is not an API). */
export function parseServiceChange(payload: string): ServiceChange | null {
  try {
    const c = JSON.parse(payload) as Partial<ServiceChange>;
    if (typeof c.subdistrictId !== 'string' || !SERVICE_CHANGE_KINDS.includes(c.kind as ServiceChangeKind)) return null;
    return {
      subdistrictId: c.subdistrictId,
      committeeId: typeof c.committeeId === 'string' ? c.committeeId : null,
      pointId: typeof c.pointId === 'string' ? c.pointId : null,
      kind: c.kind as ServiceChangeKind,
    };
  } catch {
    return null;
  }
}
