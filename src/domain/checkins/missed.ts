import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { datesBetween, shanghaiDate } from './local-time.js';
import { parseDisposalHours, windowsOn } from './windows.js';
import { coverageChanged } from '../coverage/coverage-memo.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';

export const MISSED_CHECKINS_CURSOR = 'missed-checkins';
const CHUNK = 400;

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
    const cur = await trx.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', MISSED_CHECKINS_CURSOR).executeTakeFirst();
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
