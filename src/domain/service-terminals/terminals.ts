import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { OutageReason, PointKind, TerminalState } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, scopeCondition } from '../auth/scope.js';
import { loadVisiblePoint } from '../service-network/points.js';
import { hashToken } from '../service-records/records.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { afterPosition, keysetPage, pageLimit, readTupleCursor, tupleCursor } from '../shared/keyset-page.js';

/** Points that report their own health: single terminals and self-service zones. */
export const MONITORED_KINDS: readonly PointKind[] = ['terminal', 'self_service_zone'];

/** A device credential: shown once, stored only as its SHA-256. */
const newDeviceToken = () => `clt_${randomBytes(32).toString('base64url')}`;

export interface TerminalStatus {
  pointId: string;
  code: string;
  name: string;
  kind: PointKind;
  subdistrictId: string;
  committeeId: string | null;
  /** unmonitored: no device token issued yet. */
  state: TerminalState | 'unmonitored';
  downReason: OutageReason | null;
  downSince: string | null;
  tokenIssuedAt: string | null;
  lastSeenAt: string | null;
  lastHeartbeatAt: string | null;
  lastFaultAt: string | null;
  faultCode: string | null;
  faultText: string | null;
  appVersion: string | null;
  /** The maintenance case of the open outage. */
  openCase: { id: string; number: string; status: string } | null;
}

/**
 * Issues (or replaces) the device token of a terminal or self-service zone: the old token stops
 * working at once. The token is in the answer only; its issue is audited by the route. The
 * caller owns the transaction.
 */
export async function issueTerminalToken(db: Db, clock: Clock, actor: Actor, pointId: string) {
  assertCan(actor, 'services.network.write');
  const p = await loadVisiblePoint(db, actor, pointId);
  assertOwnsSubdistrict(actor, p.subdistrict_id, 'Service point');
  if (!MONITORED_KINDS.includes(p.kind)) throw invalidField('kind', 'only a terminal or a self-service zone reports its health');
  // Only a built point is monitored (the health job, the status list): a planned one has no device yet.
  if (p.status !== 'built') throw invalidField('status', p.status === 'closed' ? 'the point is closed' : 'the point is not built yet');
  const token = newDeviceToken();
  const at = clock.now().toISOString();
  await db.updateTable('service_points').set({ terminal_token_hash: hashToken(token), updated_at: at }).where('id', '=', p.id).execute();
  await db
    .insertInto('service_terminals')
    .values({
      point_id: p.id, subdistrict_id: p.subdistrict_id, token_issued_at: at, token_issued_by: actor.userId, last_seen_at: null, last_heartbeat_at: null,
      last_fault_at: null, fault_code: null, fault_text: null, app_version: null, state: 'up', down_reason: null, down_since: null, updated_at: at,
    })
    // A new token restarts the silence clock (the device is being set up again); its state stays.
    .onConflict((oc) => oc.column('point_id').doUpdateSet({ token_issued_at: at, token_issued_by: actor.userId, last_seen_at: null, updated_at: at }))
    .execute();
  return { pointId: p.id, token, issuedAt: at };
}

export const TERMINALS_PAGE_DEFAULT = 1000;
export const TERMINALS_PAGE_MAX = 2000;

export interface TerminalFilter {
  subdistrictId?: string;
  state?: TerminalState | 'unmonitored';
  pointId?: string;
}

/** The state a listing shows: a point without a device token (or never set up) is unmonitored. */
const shownState = sql<string>`case when t.point_id is null or p.terminal_token_hash is null then 'unmonitored' else t.state end`;
/** Down ones first: the order's first key. */
const downRank = sql<number>`case when t.point_id is not null and p.terminal_token_hash is not null and t.state = 'down' then 0 else 1 end`;

/**
 * Terminals and zones in the actor's scope with their health, in pages: down ones first, then by
 * code (`after` → `nextCursor`). The totals count every terminal in scope (and subdistrict), not
 * just the page nor only the state asked for.
 */
export async function listTerminals(db: Db, actor: Actor, filter: TerminalFilter = {}, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'services.read');
  const limit = pageLimit(page.limit, TERMINALS_PAGE_DEFAULT, TERMINALS_PAGE_MAX);
  let base = db
    .selectFrom('service_points as p')
    .leftJoin('service_terminals as t', 't.point_id', 'p.id')
    .where('p.kind', 'in', MONITORED_KINDS)
    .where('p.status', '=', 'built')
    .where(scopeCondition(actor, 'p.subdistrict_id', 'p.committee_id'));
  if (filter.subdistrictId) base = base.where('p.subdistrict_id', '=', filter.subdistrictId);
  if (filter.pointId) base = base.where('p.id', '=', filter.pointId);
  let q = base
    .leftJoin('service_terminal_outages as o', 'o.open_point_id', 'p.id')
    .leftJoin('cases as c', 'c.id', 'o.case_id')
    .select([
      'p.id', 'p.code', 'p.name', 'p.kind', 'p.subdistrict_id', 'p.committee_id', 't.down_reason', 't.down_since',
      't.token_issued_at', 't.last_seen_at', 't.last_heartbeat_at', 't.last_fault_at', 't.fault_code', 't.fault_text', 't.app_version',
      'c.id as case_id', 'c.number as case_number', 'c.status as case_status',
    ])
    .select([shownState.as('shown_state'), downRank.as('down_rank')]);
  if (filter.state) q = q.where(shownState, '=', filter.state);
  if (page.after) {
    const [rank, code] = readTupleCursor(page.after, ['number', 'string']) as [number, string];
    q = q.where(afterPosition([[downRank, rank], [sql.ref('p.code'), code]], 'asc'));
  }
  const [rows, counts] = await Promise.all([
    q.orderBy(downRank).orderBy('p.code').limit(limit + 1).execute(),
    base.select([shownState.as('state'), sql<number>`count(*)`.as('n')]).groupBy(shownState).execute(),
  ]);
  const { page: shown, nextCursor } = keysetPage(rows, limit, (r) => tupleCursor([Number(r.down_rank), r.code]));
  const items: TerminalStatus[] = shown.map((r) => ({
    pointId: r.id, code: r.code, name: r.name, kind: r.kind, subdistrictId: r.subdistrict_id, committeeId: r.committee_id,
    state: r.shown_state as TerminalStatus['state'], downReason: r.down_reason ?? null, downSince: r.down_since ?? null,
    tokenIssuedAt: r.token_issued_at ?? null, lastSeenAt: r.last_seen_at ?? null, lastHeartbeatAt: r.last_heartbeat_at ?? null,
    lastFaultAt: r.last_fault_at ?? null, faultCode: r.fault_code ?? null, faultText: r.fault_text ?? null, appVersion: r.app_version ?? null,
    openCase: r.case_id ? { id: r.case_id, number: r.case_number!, status: r.case_status! } : null,
  }));
  const count = (s: TerminalStatus['state']) => Number(counts.find((c) => c.state === s)?.n ?? 0);
  const totals = { up: count('up'), down: count('down'), unmonitored: count('unmonitored') };
  return { totals: { points: totals.up + totals.down + totals.unmonitored, ...totals }, items, nextCursor };
}
