import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';

const bumpCounter = prepared((db: Db, subdistrictId: string, day: string) =>
  db
    .insertInto('case_number_counters')
    .values({ subdistrict_id: subdistrictId, day, last: 1 })
    .onConflict((oc) => oc.columns(['subdistrict_id', 'day']).doUpdateSet({ last: sql`case_number_counters.last + 1` }))
    .returning('last'),
);

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has no daylight saving time

/** YYYYMMDD of an instant in Asia/Shanghai. */
export const shanghaiDay = (at: Date) => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * Next human-readable case number of a subdistrict for the day, e.g. HQ-20260526-0007.
 * Gap-free and race-safe: the counter row is upserted in the caller's transaction, so two
 * reports never get the same number, and a rolled-back report gives its number back.
 */
export async function nextCaseNumber(trx: Db, subdistrictId: string, prefix: string, at: Date): Promise<string> {
  const day = shanghaiDay(at);
  const row = await bumpCounter.first(trx, subdistrictId, day);
  if (!row) throw new Error('case number counter did not return a value');
  return `${prefix}-${day}-${String(row.last).padStart(4, '0')}`;
}

/**
 * PostgreSQL, for a report written in ONE statement (report-case.ts): the bump of the day's
 * counter as a CTE `n` (parameters `subdistrictId`, `day`) and the number as an SQL expression
 * over it (parameter `lead`, "<prefix>-<day>-"): the same number nextCaseNumber gives, the
 * sequence padded to four digits and never cut.
 */
export function pgCaseNumber(p: (type?: string) => string) {
  const [subdistrictId, day, lead] = [p(), p(), p()];
  return {
    cte: `n as (insert into case_number_counters (subdistrict_id, day, last) values (${subdistrictId}, ${day}, 1) on conflict (subdistrict_id, day) do update set last = case_number_counters.last + 1 returning last)`,
    number: `(select ${lead} || lpad(n.last::text, greatest(4, length(n.last::text)), '0') from n)`,
  };
}

/** The parameters of pgCaseNumber, in its order. */
export const caseNumberArgs = (subdistrictId: string, prefix: string, at: Date) => {
  const day = shanghaiDay(at);
  return [subdistrictId, day, `${prefix}-${day}-`];
};
