import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

export interface LagFigures {
  /** Case events not yet folded into the dashboard rollups, and the age of the oldest (s). */
  foldBacklog: number;
  foldLagSeconds: number;
  /** Webhook deliveries due and not yet sent, and how late the oldest is (s). */
  webhookBacklog: number;
  webhookLagSeconds: number;
  /** Webhook deliveries by outcome over the last day. */
  webhookOutcomes: Record<string, number>;
}

const DAY_MS = 24 * 3600_000;

/**
 * Lag of the background work, read from the database (so every instance reports the same
 * figures, whichever runs the job). Each query uses an index: case_events by (subdistrict, seq),
 * webhook_deliveries by (status, next_attempt_at).
 */
export async function measureLag(db: Db, now: Date): Promise<LagFigures> {
  const nowMs = now.getTime();
  const fold = await db
    .selectFrom('case_events as e')
    .leftJoin('rollup_cursors as r', 'r.subdistrict_id', 'e.subdistrict_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('e.at').as('oldest')])
    .where(sql<boolean>`e.seq > coalesce(r.seq, 0)`)
    .executeTakeFirstOrThrow();
  const hooks = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirstOrThrow();
  const outcomes = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('next_attempt_at', '>', new Date(nowMs - DAY_MS).toISOString())
    .groupBy('status')
    .execute();
  const age = (oldest: unknown) => (oldest ? Math.max(0, (nowMs - new Date(String(oldest)).getTime()) / 1000) : 0);
  return {
    foldBacklog: Number(fold.n),
    foldLagSeconds: age(fold.oldest),
    webhookBacklog: Number(hooks.n),
    webhookLagSeconds: age(hooks.oldest),
    webhookOutcomes: Object.fromEntries(outcomes.map((o) => [o.status, Number(o.n)])),
  };
}
