import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

export interface BacklogFigures {
  /** Case events not yet folded into the dashboard rollups. */
  foldBacklog: number;
  /** Webhook deliveries due and not yet sent. */
  webhookBacklog: number;
  /** Webhook deliveries by outcome over the last day. */
  webhookOutcomes: Record<string, number>;
}

const DAY_MS = 24 * 3600_000;

/**
 * Backlogs of the background work, read from the database (so every instance reports the same
 * figures, whichever runs the job; how late each job is comes from domain/jobs/lag.ts). The fold
 * backlog is counted from the chain heads: a subdistrict's events are numbered 1, 2, … without gap
 * (hash-chain.ts), so those past its rollup cursor are the head's seq minus the cursor's — one row
 * per subdistrict read, not every event of the city. Webhook deliveries by (status, due).
 */
export async function measureBacklog(db: Db, now: Date): Promise<BacklogFigures> {
  const nowMs = now.getTime();
  const fold = await db
    .selectFrom('chain_heads as h')
    .leftJoin('rollup_cursors as r', 'r.subdistrict_id', 'h.subdistrict_id')
    .select(sql<number>`coalesce(sum(h.seq - coalesce(r.seq, 0)), 0)`.as('n'))
    .where(sql<boolean>`h.seq > coalesce(r.seq, 0)`)
    .executeTakeFirstOrThrow();
  const hooks = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .executeTakeFirstOrThrow();
  const outcomes = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('next_attempt_at', '>', new Date(nowMs - DAY_MS).toISOString())
    .groupBy('status')
    .execute();
  return {
    foldBacklog: Number(fold.n),
    webhookBacklog: Number(hooks.n),
    webhookOutcomes: Object.fromEntries(outcomes.map((o) => [o.status, Number(o.n)])),
  };
}
