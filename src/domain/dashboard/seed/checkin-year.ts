import type { Db } from '../../../db/index.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../checkins/local-time.js';
import { outsideKey, parseDisposalHours, windowKey } from '../../checkins/windows.js';
import { seededRandom } from '../../shared/random.js';
import type { BulkSink } from '../../../db/bulk-sink.js';
import { idAt } from './synthetic-ids.js';
import type { FileStore } from '../../storage/file-store.js';
import { plannedPhoto, storePlanned } from './history-evidence.js';

export interface CheckinYearOptions {
  days: number;
  seed: number;
  now: Date;
  /** share of disposal windows someone checked in at (published coverage is in the high 90s) */
  coverage?: number;
  /** Where the check-ins' photos are stored; without it they name photos that are not there (a benchmark's city-year). */
  files?: FileStore;
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
          lat: Math.round((Number(room.lat) + (r.next() - 0.5) * 0.0004) * 1e7) / 1e7, lng: Math.round((Number(room.lng) + (r.next() - 0.5) * 0.0004) * 1e7) / 1e7,
          accuracy_m: r.int(5, 35), distance_m: distance, photo_id: idAt(at, r), device_time: null,
          first_at: iso, last_at: iso, received_at: iso, repeat_count: 0, last_photo_id: null, evidence_flags: '[]',
        });
      });
    }
  }
  // The picture each check-in names (the live app requires one): the bin room in its window,
  // now and then with something wrong in it, and its recorded use (the reuse check sees it).
  const rp = seededRandom((o.seed * 2_246_822_519 + 3) >>> 0);
  const planned = o.files
    ? rows.map((k) => {
        const at = Date.parse(k.first_at as string);
        const takenAt = Math.floor(at / 1000) * 1000 - rp.int(10, 180) * 1000;
        const state = rp.chance(0.1) ? ('problem' as const) : ('fixed' as const);
        const variant = rp.int(0, 1_000);
        return plannedPhoto({
          id: k.photo_id as string, sub, uploadedBy: k.user_id as string, kind: 'bin_room', state, variant, takenAt,
          lat: k.lat as number, lng: k.lng as number, createdAt: at - rp.int(1, 9) * 1000,
        });
      })
    : [];
  if (o.files) await storePlanned(o.files, planned);
  await sink.insert('photos', planned.map((p) => p.row) as unknown as Record<string, unknown>[]);
  await sink.insert('checkins', rows);
  await sink.insert('evidence_photo_uses', planned.map((p, i) => ({
    id: idAt(Date.parse(p.row.created_at), rp), subdistrict_id: sub, photo_id: p.row.id, sha256: p.row.sha256, record_kind: 'checkin', record_id: rows[i]!.id, used_at: rows[i]!.received_at,
  })));
  return rows.length;
}
