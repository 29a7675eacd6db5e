import { PostgresAdapter } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { datesBetween, shanghaiDate } from './local-time.js';
import { parseDisposalHours, windowsOn } from './windows.js';
import { coverageChanged } from '../coverage/coverage-memo.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';

export const MISSED_CHECKINS_CURSOR = 'missed-checkins';
const CHUNK = 400;
/**
 * A check-in whose window ends within this much of the server's time may meet a round of the job
 * that has already closed that window (the job's instance keeps its own clock): such a check-in
 * waits for a running round (missesSettled) before it clears the window's misses.
 */
export const ROUND_CLOCK_DRIFT_MS = 60_000;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

export interface MissedOptions {
  /** How far back the very first run looks (later runs resume from the stored cursor). */
  firstRunLookbackMs?: number;
  /** Run by the job under its lease: the cursor is written only while the lease is still ours. */
  lease?: UnderLease;
  /** Filled in for observability: how many bin rooms this round read. */
  stats?: { roomsRead: number };
}

/**
 * The disposal-hour patterns (as stored) that end at least one window in (from, to]. Rooms share
 * a handful of patterns, so a round reads the patterns (from an index) and only the rooms of the
 * patterns whose windows ended, instead of every bin room of the city every minute.
 */
export function patternsEndingBetween(patterns: string[], from: Date, to: Date): string[] {
  const days = datesBetween(shanghaiDate(from), shanghaiDate(to));
  return patterns.filter((p) => {
    const hours = parseDisposalHours(p);
    return days.some((d) => windowsOn(d, hours).some((w) => w.endAt > from && w.endAt <= to));
  });
}

/**
 * At the end of each disposal window, records a miss for every bin room nobody checked in at
 * on site, and one for each cadre responsible for that bin room's committee.
 *
 * Exactly once: windows are processed in (cursor, now]; the cursor and the rows are written in
 * one transaction, and a unique key (site, window, subject) makes a replay insert nothing —
 * so a crash or a second process cannot double-count.
 */
export async function detectMissedCheckins(db: Db, clock: Clock, opts: MissedOptions = {}): Promise<number> {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    // First statement of the round: a takeover by another instance now waits for our commit,
    // and a runner that lost its lease rolls back instead of moving the cursor.
    await assertUnderLease(trx, clock, opts.lease);
    // PostgreSQL: the cursor row is held for the round, so a late check-in into a window this round
    // closes waits for its commit and then clears the misses it wrote (missesSettled). SQLite runs
    // one write transaction at a time, so the two cannot interleave there.
    const cur = await trx
      .selectFrom('patrol_job_cursors')
      .select('cursor_at')
      .where('name', '=', MISSED_CHECKINS_CURSOR)
      .$if(isPostgres(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    const from = cur ? new Date(cur.cursor_at) : new Date(now.getTime() - (opts.firstRunLookbackMs ?? 24 * 3600_000));
    if (now <= from) return 0;

    const patterns = await trx
      .selectFrom('sites')
      .select('disposal_hours')
      .distinct()
      .where('kind', '=', 'bin_room')
      .where('status', '=', 'active')
      .where('disposal_hours', 'is not', null)
      .execute();
    const ending = patternsEndingBetween(patterns.map((p) => p.disposal_hours!), from, now);
    const rooms = ending.length
      ? await trx
          .selectFrom('sites')
          .select(['id', 'subdistrict_id', 'committee_id', 'disposal_hours', 'created_at'])
          .where('kind', '=', 'bin_room')
          .where('status', '=', 'active')
          .where('disposal_hours', 'in', ending)
          .execute()
      : [];
    if (opts.stats) opts.stats.roomsRead = rooms.length;
    const days = datesBetween(shanghaiDate(from), shanghaiDate(now));
    const ended: { room: (typeof rooms)[number]; key: string; date: string; endAt: Date }[] = [];
    for (const room of rooms) {
      const hours = parseDisposalHours(room.disposal_hours);
      const created = new Date(room.created_at);
      for (const d of days)
        for (const w of windowsOn(d, hours))
          if (w.endAt > from && w.endAt <= now && w.startAt >= created) ended.push({ room, key: w.key, date: d, endAt: w.endAt });
    }

    let inserted = 0;
    if (ended.length) {
      const keys = [...new Set(ended.map((e) => e.key))];
      const covered = new Set<string>();
      const siteIds = [...new Set(ended.map((e) => e.room.id))];
      for (let i = 0; i < siteIds.length; i += CHUNK) {
        const rows = await trx
          .selectFrom('checkins')
          .select(['site_id', 'window_key'])
          .where('site_id', 'in', siteIds.slice(i, i + CHUNK))
          .where('window_key', 'in', keys)
          .where('status', '=', 'on_site')
          .execute();
        for (const r of rows) covered.add(`${r.site_id}|${r.window_key}`);
      }
      const cadres = await trx
        .selectFrom('users as u')
        .innerJoin('user_scopes as us', 'us.user_id', 'u.id')
        .select(['u.id', 'us.committee_id'])
        .where('u.role', '=', 'cadre')
        .where('u.status', '=', 'active')
        .where('us.committee_id', 'is not', null)
        .execute();
      const byCommittee = new Map<string, string[]>();
      for (const c of cadres) byCommittee.set(c.committee_id!, [...(byCommittee.get(c.committee_id!) ?? []), c.id]);

      const createdAt = now.toISOString();
      const rows = ended
        .filter((e) => !covered.has(`${e.room.id}|${e.key}`))
        .flatMap((e) =>
          [null, ...(byCommittee.get(e.room.committee_id) ?? [])].map((userId) => ({
            id: newId(), subdistrict_id: e.room.subdistrict_id, committee_id: e.room.committee_id, site_id: e.room.id,
            subject: userId ?? 'site', user_id: userId, local_date: e.date, window_key: e.key,
            window_end_at: e.endAt.toISOString(), created_at: createdAt,
          })),
        );
      for (let i = 0; i < rows.length; i += CHUNK) {
        const res = await trx
          .insertInto('checkin_misses')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.columns(['site_id', 'window_key', 'subject']).doNothing())
          .executeTakeFirst();
        inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
        for (const r of rows.slice(i, i + CHUNK)) coverageChanged(r.subdistrict_id);
      }
    }
    const at = now.toISOString();
    await trx
      .insertInto('patrol_job_cursors')
      .values({ name: MISSED_CHECKINS_CURSOR, cursor_at: at, updated_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ cursor_at: at, updated_at: at }))
      .execute();
    return inserted;
  });
}

/**
 * Call first in the transaction of an on-site check-in into a window that has ended (or is about
 * to): on PostgreSQL it waits for a round of the job that is recording this window's misses to
 * commit, and keeps a round from starting until the check-in commits, so the round either sees the
 * check-in or its misses are visible to clearMisses. Check-ins share the lock and do not wait for
 * one another.
 */
export async function missesSettled(trx: Db): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.selectFrom('patrol_job_cursors').select('name').where('name', '=', MISSED_CHECKINS_CURSOR).forShare().execute();
}

/**
 * An on-site check-in covers its window even when it arrives after the job recorded the window as
 * missed (a phone offline at the bin room syncs later, timed at capture): the misses of that window
 * — the bin room's and its cadres', as the job would not have written any had the check-in been
 * there — are removed in the check-in's transaction. Coverage, staff activity, the misses list and
 * the site timeline all read these rows, so they agree with the check-in again.
 */
export async function clearMisses(trx: Db, siteId: string, localDate: string, windowKey: string): Promise<number> {
  const res = await trx
    .deleteFrom('checkin_misses')
    .where('site_id', '=', siteId)
    .where('window_key', '=', windowKey)
    .where('local_date', '=', localDate)
    .executeTakeFirst();
  return Number(res.numDeletedRows ?? 0);
}
