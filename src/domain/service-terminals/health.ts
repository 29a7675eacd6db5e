import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { OutageReason } from '../../db/schema.js';
import { SYSTEM_ACTOR } from '../cases/events.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import { endCaseOutsideDesk } from '../cases/system-close.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import { parseInput } from '../cases/case-input.js';
import { hashToken } from '../service-records/records.js';
import { fallbackCommittee, openSystemCase } from '../service-ratings/system-case.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { FaultInput, HeartbeatInput } from './terminal-input.js';
import { announceServiceChange } from '../dashboard/service-changes.js';

/**
 * A self-service terminal is a site like a bin room: when it goes quiet or reports a fault, a
 * maintenance case opens in its subdistrict (自助终端故障维修, reported by the system to the
 * desk, which dispatches it like any other); when it reports a heartbeat again the outage ends,
 * and once it has stayed up for the recovery time (default 30 minutes) the case is closed with a
 * timeline entry saying so. A terminal that goes down again meanwhile (a flapping network, a
 * printer that jams every few minutes) opens a new outage under the same case: the desk gets one
 * case to send someone to, not one per flap.
 *
 * Exactly once: the terminal's status row is the point every writer serialises on (each first
 * UPDATEs it, which takes its row lock on PostgreSQL; SQLite has one writer), the change to
 * `down` is a conditional UPDATE only one writer can win, and the outage row's unique
 * `open_point_id` refuses a second open outage whatever happens.
 */

export const RECOVERED_REASON = '自助终端恢复正常（收到心跳），系统自动结案';

/** How long a terminal must stay up after an outage before its maintenance case is closed. */
export const DEFAULT_RECOVERY_MS = 30 * 60_000;

/** The terminal's latest ended outage whose maintenance case is still open (the terminal not yet up for the recovery time). */
const recovering = (trx: Db, pointId: string) =>
  trx
    .selectFrom('service_terminal_outages as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .select(['o.case_id', 'o.ended_at', 'c.status'])
    .where('o.point_id', '=', pointId)
    .where('o.ended_at', 'is not', null)
    .orderBy('o.started_at', 'desc')
    .limit(1)
    .executeTakeFirst()
    .then((o) => (o && OPEN_STATUSES.includes(o.status) ? { caseId: o.case_id as string, endedAt: o.ended_at as string } : null));

/** The terminal a device token belongs to, if it is current and the point is still in service. */
export async function terminalByToken(db: Db, token: string) {
  const row = await db
    .selectFrom('service_points as p')
    .innerJoin('service_terminals as t', 't.point_id', 'p.id')
    .select(['p.id', 'p.subdistrict_id', 'p.committee_id', 'p.status', 't.state'])
    .where('p.terminal_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.status === 'closed') throw new DomainError('unauthenticated', 'Unknown or revoked terminal token: send the device token as Authorization: Bearer …');
  return row;
}

/** The board counts terminals down: a terminal going down or coming back up changes it. */
const announceTerminal = (trx: Db, p: { id: string; subdistrict_id: string; committee_id: string | null }) =>
  announceServiceChange(trx, { subdistrictId: p.subdistrict_id, committeeId: p.committee_id, pointId: p.id, kind: 'terminal' });

/**
 * Opens an outage and its maintenance case, unless the terminal already has an open one; an outage
 * while the last one's case is still open (not up for the recovery time since) goes under that case.
 */
async function openOutage(trx: Db, clock: Clock, pointId: string, reason: OutageReason, detail: { code?: string; text?: string; silentMs?: number }) {
  const p = await trx.selectFrom('service_points').select(['subdistrict_id', 'committee_id', 'code', 'name', 'lng', 'lat']).where('id', '=', pointId).executeTakeFirstOrThrow();
  const at = clock.now().toISOString();
  const id = newId();
  const inserted = await trx
    .insertInto('service_terminal_outages')
    .values({
      id, point_id: pointId, subdistrict_id: p.subdistrict_id, open_point_id: pointId, reason, fault_code: detail.code ?? null,
      fault_text: detail.text ?? null, started_at: at, ended_at: null, case_id: null,
    })
    .onConflict((oc) => oc.column('open_point_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
  const last = await recovering(trx, pointId);
  if (last) {
    await trx.updateTable('service_terminal_outages').set({ case_id: last.caseId }).where('id', '=', id).execute();
    return null;
  }
  const silentMinutes = reason === 'silence' ? Math.round((detail.silentMs ?? 0) / 60_000) : null;
  const why = silentMinutes !== null ? `已 ${silentMinutes} 分钟未收到心跳` : `终端报告故障 ${detail.code}：${detail.text}`;
  const c = await openSystemCase(trx, clock, {
    subdistrictId: p.subdistrict_id, committeeId: p.committee_id ?? (await fallbackCommittee(trx, p.subdistrict_id)), kind: 'terminal_fault',
    source: 'iot', description: `自助终端故障：${p.name}（${p.code}）${why}`, lng: p.lng, lat: p.lat, assignUserId: null,
    notice: { terminal: p.name, code: p.code, silentMinutes, faultCode: silentMinutes === null ? (detail.code ?? null) : null, faultText: silentMinutes === null ? (detail.text ?? null) : null },
    dedupeKey: `terminal_outage:${id}`,
  });
  await trx.updateTable('service_terminal_outages').set({ case_id: c.id }).where('id', '=', id).execute();
  return { outageId: id, caseId: c.id, caseNumber: c.number };
}

/**
 * A heartbeat: the terminal is up and an open outage ends. Its case is closed by the first heartbeat
 * once the terminal has been up `recoveryMs` since (at once when 0). The caller owns the transaction.
 */
export async function recordHeartbeat(trx: Db, clock: Clock, token: string, raw: HeartbeatInput, opts: { recoveryMs?: number } = {}) {
  const input = parseInput(HeartbeatInput, raw);
  const t = await terminalByToken(trx, token);
  const at = clock.now().toISOString();
  await trx
    .updateTable('service_terminals')
    .set({ last_seen_at: at, last_heartbeat_at: at, ...(input.appVersion ? { app_version: input.appVersion } : {}), state: 'up', down_reason: null, down_since: null, updated_at: at })
    .where('point_id', '=', t.id)
    .execute();
  const open = await trx.selectFrom('service_terminal_outages').select(['id', 'case_id']).where('open_point_id', '=', t.id).executeTakeFirst();
  let closedCaseId: string | null = null;
  if (open) await trx.updateTable('service_terminal_outages').set({ ended_at: at, open_point_id: null }).where('id', '=', open.id).execute();
  const settled = await recovering(trx, t.id);
  if (settled && Date.parse(at) - Date.parse(settled.endedAt) >= (opts.recoveryMs ?? DEFAULT_RECOVERY_MS)) {
    const ev = await endCaseOutsideDesk(trx, clock, settled.caseId, { actor: SYSTEM_ACTOR, action: 'terminal_recovered', reason: RECOVERED_REASON });
    if (ev) closedCaseId = settled.caseId;
  }
  if (t.state === 'down') await announceTerminal(trx, t);
  return { state: 'up' as const, recovered: open !== undefined, closedCaseId, at };
}

export const RETIRED_REASON = '服务点已关闭，自助终端停止服务，维修案件注销';

/**
 * The terminal's point closed (service-network/points.ts): nothing is left to repair. An open
 * outage ends, and its maintenance case — open, or waiting out the recovery time — is cancelled
 * (注销) with an event saying why; a closed point's token is refused, so no heartbeat would ever
 * close it. The caller owns the transaction.
 */
export async function retireTerminal(trx: Db, clock: Clock, pointId: string): Promise<string | null> {
  const at = clock.now().toISOString();
  const open = await trx.selectFrom('service_terminal_outages').select(['id', 'case_id']).where('open_point_id', '=', pointId).executeTakeFirst();
  if (open) await trx.updateTable('service_terminal_outages').set({ ended_at: at, open_point_id: null }).where('id', '=', open.id).execute();
  const caseId = open?.case_id ?? (await recovering(trx, pointId))?.caseId ?? null;
  if (!caseId) return null;
  const ev = await endCaseOutsideDesk(trx, clock, caseId, { actor: SYSTEM_ACTOR, action: 'terminal_retired', reason: RETIRED_REASON, to: 'cancelled' });
  return ev ? caseId : null;
}

/** A fault report: the terminal is down (it is alive, so its silence clock restarts). The caller owns the transaction. */
export async function recordFault(trx: Db, clock: Clock, token: string, raw: FaultInput) {
  const input = parseInput(FaultInput, raw);
  const t = await terminalByToken(trx, token);
  const at = clock.now().toISOString();
  await trx
    .updateTable('service_terminals')
    .set({ last_seen_at: at, last_fault_at: at, fault_code: input.code, fault_text: input.text, ...(input.appVersion ? { app_version: input.appVersion } : {}), updated_at: at })
    .where('point_id', '=', t.id)
    .execute();
  const wentDown = await trx
    .updateTable('service_terminals')
    .set({ state: 'down', down_reason: 'fault', down_since: at })
    .where('point_id', '=', t.id)
    .where('state', '=', 'up')
    .executeTakeFirst();
  // Already down (gone quiet, now back with a fault): the same outage goes on, its cause now known.
  if (Number(wentDown.numUpdatedRows) !== 1) await trx.updateTable('service_terminals').set({ down_reason: 'fault' }).where('point_id', '=', t.id).execute();
  const opened = Number(wentDown.numUpdatedRows) === 1 ? await openOutage(trx, clock, t.id, 'fault', { code: input.code, text: input.text }) : null;
  if (Number(wentDown.numUpdatedRows) === 1) await announceTerminal(trx, t);
  const open = await trx.selectFrom('service_terminal_outages').select(['id', 'case_id']).where('open_point_id', '=', t.id).executeTakeFirst();
  return { state: 'down' as const, opened: opened !== null, caseId: open?.case_id ?? null, at };
}

export interface SilenceOptions {
  silenceMs: number;
  /** Run by the job under its lease: each terminal's change commits only while the lease is ours. */
  lease?: UnderLease;
  /** At most this many terminals per round (the rest wait for the next). */
  limit?: number;
}

/**
 * The silence check (job `terminal-health`): every monitored terminal of a built point whose last
 * word (heartbeat or fault, else the token's issue) is older than the threshold goes down and
 * opens its outage and case — one transaction per terminal, so one failure holds up no other.
 */
export async function detectSilentTerminals(db: Db, clock: Clock, opts: SilenceOptions): Promise<number> {
  const now = clock.now();
  const cutoff = new Date(now.getTime() - opts.silenceMs).toISOString();
  const lastWord = sql<string>`coalesce(t.last_seen_at, t.token_issued_at)`;
  const silent = await db
    .selectFrom('service_terminals as t')
    .innerJoin('service_points as p', 'p.id', 't.point_id')
    .select(['t.point_id', lastWord.as('last_word')])
    .where('t.state', '=', 'up')
    .where('p.status', '=', 'built')
    .where('p.terminal_token_hash', 'is not', null)
    .where(sql<boolean>`${lastWord} < ${cutoff}`)
    .orderBy('t.point_id')
    .limit(opts.limit ?? 500)
    .execute();
  let opened = 0;
  for (const s of silent) {
    const did = await db.transaction().execute(async (trx) => {
      await assertUnderLease(trx, clock, opts.lease);
      // Re-checked under the row's lock: a heartbeat that came in since the read above wins.
      const res = await trx
        .updateTable('service_terminals as t')
        .set({ state: 'down', down_reason: 'silence', down_since: now.toISOString(), updated_at: now.toISOString() })
        .where('t.point_id', '=', s.point_id)
        .where('t.state', '=', 'up')
        .where(sql<boolean>`coalesce(last_seen_at, token_issued_at) < ${cutoff}`)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      const p = await trx.selectFrom('service_points').select(['id', 'subdistrict_id', 'committee_id']).where('id', '=', s.point_id).executeTakeFirstOrThrow();
      await announceTerminal(trx, p);
      return (await openOutage(trx, clock, s.point_id, 'silence', { silentMs: now.getTime() - Date.parse(s.last_word) })) !== null;
    });
    if (did) opened++;
  }
  return opened;
}
