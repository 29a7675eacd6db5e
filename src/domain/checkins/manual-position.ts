import { sql } from 'kysely';

/**
 * THE rule for check-ins by manual position (method 'manual'), in one place.
 *
 * When the phone has no position (location refused — common inside WeChat's browser —, a weak
 * signal, a basement bin room with no fix) and no QR plate can be scanned, the person confirms
 * they stand at this bin room (its registered position, chosen from their route) and gives a
 * reason from a short list (plus free text; required for 'other'). Then:
 *
 * - It is never GPS or QR proof: the row keeps method 'manual' with manual_reason/manual_note,
 *   and no lat/lng/accuracy/distance (nothing was measured).
 * - Coverage: it COUNTS as covering the disposal window (status 'on_site', which the coverage
 *   board, today's route and the missed-check-in job count). The usual causes are honest and
 *   marking the bin room missed would punish the person who did go there.
 * - Review: it is ALWAYS flagged for the operator — listed by GET /api/checkins?flagged=true
 *   (the console's flagged check-ins, with the reason) and counted per person in staff activity
 *   — so reliance on it is visible and can be challenged.
 * - Repeats in one window fold into one row by proof strength: on-site GPS/QR (3) > manual (2) >
 *   off-site (1). A stronger later proof replaces the row's proof (a later GPS fix upgrades a
 *   manual row); an equal or weaker one keeps the first proof. Off-site rows are replaced by any
 *   later proof, as before.
 */
export const MANUAL_COUNTS_AS_COVERED = true;

const rankOf = (table: 'checkins' | 'excluded') =>
  sql<number>`(case when ${sql.ref(`${table}.method`)} = 'manual' then 2 when ${sql.ref(`${table}.status`)} = 'on_site' then 3 else 1 end)`;

/** True (in SQL, inside ON CONFLICT DO UPDATE) when the existing row's proof is kept over the new one. */
export const keepsExistingProof = sql<boolean>`(${rankOf('checkins')} >= 2 and ${rankOf('checkins')} >= ${rankOf('excluded')})`;
