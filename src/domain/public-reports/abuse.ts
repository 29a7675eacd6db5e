import { createHmac } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { loadVisibleCase } from '../cases/case-scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { bumpVersions } from '../open311/versions.js';
import { rateClient } from '../rate-limits/client-address.js';
import { serverSecret } from './proof-of-work.js';

/**
 * Abuse of the public page: an operator marks a report abusive (the caller records it in the
 * audit log; the tracking page and Open311 then stop showing it as a case in progress). The client
 * it came from is known only by a keyed hash of its address; a client with repeated abusive
 * reports may send only one report a day.
 */
export const ABUSE_LOOKBACK_DAYS = 30;
export const ABUSE_REPEAT = 2;
export const LIMITED_PER_DAY = 1;
const DAY_MS = 86_400_000;

/**
 * A keyed hash of the client address: the same client is recognised, the address is never stored.
 * An IPv6 client is its /64, as for the rate limits: one line hands out a whole /64.
 */
export async function clientHash(db: Db, clock: Clock, ip: string): Promise<string> {
  return createHmac('sha256', await serverSecret(db, clock)).update(`client:${rateClient(ip)}`).digest('base64url');
}

export async function assertClientMayReport(db: Db, now: Date, hash: string): Promise<void> {
  const since = new Date(now.getTime() - ABUSE_LOOKBACK_DAYS * DAY_MS).toISOString();
  const abusive = await db
    .selectFrom('open311_requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('client_hash', '=', hash)
    .where('abusive', '=', 1)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  if (Number(abusive.n) < ABUSE_REPEAT) return;
  const today = await db
    .selectFrom('open311_requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('client_hash', '=', hash)
    .where('created_at', '>=', new Date(now.getTime() - DAY_MS).toISOString())
    .executeTakeFirstOrThrow();
  if (Number(today.n) >= LIMITED_PER_DAY) {
    throw new DomainError('rate_limited', 'Reports from this client were marked abusive; it may send one report a day', {
      fields: [{ field: 'client', reason: 'reports from this client were marked abusive; one report a day' }],
    });
  }
}

export interface AbuseState {
  caseId: string;
  number: string;
  subdistrictId: string;
  channel: string;
  abusive: boolean;
  abusiveReason: string | null;
  abusiveAt: string | null;
  feedback: string | null;
  feedbackAt: string | null;
}

async function load(db: Db, actor: Actor, caseId: string): Promise<AbuseState | null> {
  // Scope first: a case out of the actor's scope is not found, whatever its channel.
  await loadVisibleCase(db, actor, caseId);
  const r = await db
    .selectFrom('open311_requests as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .select(['c.id', 'c.number', 'c.subdistrict_id', 'o.channel', 'o.abusive', 'o.abusive_reason', 'o.abusive_at', 'o.feedback', 'o.feedback_at'])
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    caseId: r.id, number: r.number, subdistrictId: r.subdistrict_id, channel: r.channel, abusive: !!r.abusive, abusiveReason: r.abusive_reason,
    abusiveAt: r.abusive_at, feedback: r.feedback, feedbackAt: r.feedback_at,
  };
}

/** The public side of a case for the console (null: the case did not come in over Open311 or the public page). */
export async function publicSide(db: Db, actor: Actor, caseId: string): Promise<AbuseState | null> {
  return load(db, actor, caseId);
}

export async function markAbusive(db: Db, clock: Clock, actor: Actor, caseId: string, reason: string | undefined): Promise<AbuseState> {
  assertCan(actor, 'open311.moderate');
  const why = reason?.trim() ?? '';
  if (!why) throw invalidField('reason', 'required: why the report is abusive');
  if (why.length > 500) throw invalidField('reason', 'at most 500 characters');
  const before = await load(db, actor, caseId);
  if (!before) throw new DomainError('not_found', 'This case did not come from the public or an integration', { id: caseId });
  if (before.abusive) throw invalidField('reason', 'the report is already marked abusive');
  const at = clock.now().toISOString();
  await db.updateTable('open311_requests').set({ abusive: 1, abusive_reason: why, abusive_at: at, abusive_by: actor.userId }).where('case_id', '=', caseId).execute();
  // The report leaves the public lists without a case event: its subdistrict's public version moves.
  await bumpVersions(db, [before.subdistrictId]);
  return { ...before, abusive: true, abusiveReason: why, abusiveAt: at };
}
