import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';

/** A token bucket: at most `capacity` at once, refilled at `perMs` tokens a millisecond. */
export interface RatePolicy {
  capacity: number;
  perMs: number;
}

/** A WeCom group robot accepts 20 messages a minute (errcode 45009 beyond that). */
export const WECOM_ROBOT_RATE: RatePolicy = { capacity: 20, perMs: 20 / 60_000 };

/**
 * Takes one token from the bucket `key`, shared by every instance on the database; false when
 * it is empty. The refill and the take are one conditional UPDATE, so concurrent takers on any
 * number of instances can never together exceed the budget.
 */
export async function takeToken(db: Db, clock: Clock, key: string, p: RatePolicy): Promise<boolean> {
  const now = clock.now().getTime();
  await db
    .insertInto('rate_budgets')
    .values({ key, tokens: p.capacity, refilled_ms: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // refilled = min(capacity, tokens + elapsed × rate), written portably as a CASE.
  const t = sql`cast(${now} as bigint)`;
  const rate = sql`cast(${p.perMs} as double precision)`;
  const cap = sql`cast(${p.capacity} as double precision)`;
  const refilled = sql<number>`(case when tokens + (${t} - refilled_ms) * ${rate} > ${cap} then ${cap} else tokens + (${t} - refilled_ms) * ${rate} end)`;
  const res = await db
    .updateTable('rate_budgets')
    .set({ tokens: sql`${refilled} - 1`, refilled_ms: sql`case when refilled_ms > ${t} then refilled_ms else ${t} end` })
    .where('key', '=', key)
    .where(sql<boolean>`${refilled} >= 1`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
