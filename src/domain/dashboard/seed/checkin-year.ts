import type { Db } from '../../../db/index.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../checkins/local-time.js';
import { outsideKey, parseDisposalHours, windowKey } from '../../checkins/windows.js';
import { seededRandom } from '../../shared/random.js';
import type { BulkSink } from '../../../db/bulk-sink.js';
import { idAt } from './case-year.js';

export interface CheckinYearOptions {
  days: number;
  seed: number;
  now: Date;
  /** share of disposal windows someone checked in at (published coverage is in the high 90s) */
  coverage?: number;
}

const MIN = 60_000;

/**
 * A year of bin-room check-ins for one subdistrict: in each disposal window of each bin room, the
 * committee's cadre (now and then a patrol) checks in with a photo, mostly by GPS inside the
 * geofence, sometimes by the QR plate, a few off site with a reason or outside the window.
 */
export async function seedCheckinYear(db: Db, sink: BulkSink, sub: string, o: CheckinYearOptions): Promise<number> {
  const [rooms, users, scopes] = await Promise.all([
    db.selectFrom('sites').select(['id', 'committee_id', 'lng', 'lat', 'disposal_hours'])
      .where('subdistrict_id', '=', sub).where('kind', '=', 'bin_room').where('status', '=', 'active').execute(),
    db.selectFrom('users').select(['id', 'role']).where('subdistrict_id', '=', sub).where('role', 'in', ['cadre', 'patrol']).execute(),
    db.selectFrom('user_scopes').select(['user_id', 'committee_id']).where('subdistrict_id', '=', sub).where('committee_id', 'is not', null).execute(),
  ]);
  const cadreOf = new Map<string, string>();
  const cadres = new Set(users.filter((u) => u.role === 'cadre').map((u) => u.id));
  for (const s of scopes) if (cadres.has(s.user_id) && s.committee_id) cadreOf.set(s.committee_id, s.user_id);
  const patrols = users.filter((u) => u.role === 'patrol').map((u) => u.id);
  if (!rooms.length || !patrols.length) return 0;
  const r = seededRandom(o.seed);
  const now = o.now.getTime();
  const today = shanghaiDate(o.now);
  const coverage = o.coverage ?? 0.96;
  const rows: Record<string, unknown>[] = [];
  for (let d = o.days; d >= 0; d--) {
    const date = addDays(today, -d);
    for (const room of rooms) {
      const hours = parseDisposalHours(room.disposal_hours);
      hours.forEach(([start, end], wi) => {
        if (!r.chance(coverage)) return;
        const from = shanghaiInstant(date, start).getTime();
        const to = shanghaiInstant(date, end).getTime();
        // One check-in a day may fall just outside its window (kept, does not cover it).
        const outside = wi === 0 && r.chance(0.02);
        const at = outside ? from - r.int(5, 40) * MIN : from + Math.floor(r.next() * (to - from));
        if (at > now) return;
        const user = r.chance(0.85) ? (cadreOf.get(room.committee_id) ?? r.pick(patrols)) : r.pick(patrols);
        const qr = r.chance(0.15);
        const off = !qr && r.chance(0.02);
        const iso = new Date(at).toISOString();
        const distance = off ? 80 + r.int(0, 300) : r.int(2, 45);
        rows.push({
          id: idAt(at, r), subdistrict_id: sub, committee_id: room.committee_id, site_id: room.id, user_id: user,
          local_date: date, window_key: outside ? outsideKey(date) : windowKey(date, start, end), in_window: outside ? 0 : 1,
          method: qr ? 'qr' : 'gps', status: off ? 'off_site' : 'on_site', off_site_reason: off ? '定位漂移，人在箱房' : null,
          lat: Number(room.lat) + (r.next() - 0.5) * 0.0004, lng: Number(room.lng) + (r.next() - 0.5) * 0.0004,
          accuracy_m: r.int(5, 35), distance_m: distance, photo_id: idAt(at, r), device_time: null,
          first_at: iso, last_at: iso, received_at: iso, repeat_count: 0, last_photo_id: null, evidence_flags: '[]',
        });
      });
    }
  }
  await sink.insert('checkins', rows);
  return rows.length;
}
