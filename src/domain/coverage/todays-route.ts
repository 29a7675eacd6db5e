import type { Db } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { parseDisposalHours, windowsOn } from '../checkins/windows.js';
import { distanceMetres, type LatLng } from '../geo/haversine.js';
import type { Clock } from '../shared/clock.js';
import { zhCollator } from './collate.js';

/** A bin room joins the route this long before its disposal window opens (time to walk there). */
export const ROUTE_LEAD_MS = 30 * 60_000;

/**
 * The field app's "today": sites in my scope still due today, nearest first. A bin room is due
 * while today has a disposal window not yet ended in which nobody checked in on site; it is marked
 * `later` until half an hour before that window opens (a check-in covers only its own window, so at
 * ten in the morning the evening's rooms can wait). A shop or unit is due when its next inspection
 * falls before tomorrow and it was not inspected today, and can be inspected at any hour.
 */
export async function todaysRoute(db: Db, clock: Clock, actor: Actor, f: { near?: LatLng; kind?: SiteKind; limit: number }) {
  assertCan(actor, 'patrols.read');
  const now = clock.now();
  const today = shanghaiDate(now);
  const tomorrow = shanghaiInstant(addDays(today, 1)).toISOString();
  const out: { id: string; kind: SiteKind; name: string; address: string; lat: number; lng: number; reason: string; window: string | null; startsAt: string | null; later: boolean; distanceM: number | null }[] = [];

  if (!f.kind || f.kind === 'bin_room') {
    const rooms = await db
      .selectFrom('sites')
      .select(['id', 'name', 'address', 'lat', 'lng', 'disposal_hours', 'qr_code'])
      .where('kind', '=', 'bin_room')
      .where('status', '=', 'active')
      .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
      .execute();
    const covered = new Set(
      // By the committee the room is in now (as the rooms above): a room moved today keeps its check-ins.
      (await db
        .selectFrom('checkins as k')
        .innerJoin('sites as s', 's.id', 'k.site_id')
        .select(['k.site_id', 'k.window_key'])
        .where('k.local_date', '=', today)
        .where('k.status', '=', 'on_site')
        .where(scopeCondition(actor, 's.subdistrict_id', 's.committee_id'))
        .execute()).map((c) => `${c.site_id}|${c.window_key}`),
    );
    for (const r of rooms) {
      const open = windowsOn(today, parseDisposalHours(r.disposal_hours)).find((w) => w.endAt > now && !covered.has(`${r.id}|${w.key}`));
      if (open) {
        const later = open.startAt.getTime() - now.getTime() > ROUTE_LEAD_MS;
        out.push({ id: r.id, kind: 'bin_room', name: r.name, address: r.address, lat: Number(r.lat), lng: Number(r.lng), reason: 'checkin', window: `${open.start}-${open.end}`, startsAt: open.startAt.toISOString(), later, distanceM: null });
      }
    }
  }
  if (f.kind !== 'bin_room') {
    const inspectedToday = db.selectFrom('inspections').select('site_id').where('local_date', '=', today);
    const rows = await db
      .selectFrom('sites as s')
      .leftJoin('site_compliance as sc', 'sc.site_id', 's.id')
      .select(['s.id', 's.kind', 's.name', 's.address', 's.lat', 's.lng', 'sc.grade', 'sc.next_due_at'])
      .where('s.status', '=', 'active')
      .where('s.kind', 'in', f.kind ? [f.kind] : ['shop', 'institution'])
      .where(scopeCondition(actor, 's.subdistrict_id', 's.committee_id'))
      .where((eb) => eb.or([eb('sc.next_due_at', '<', tomorrow), eb('sc.site_id', 'is', null)]))
      .where('s.id', 'not in', inspectedToday)
      .execute();
    for (const r of rows)
      out.push({ id: r.id, kind: r.kind, name: r.name, address: r.address, lat: Number(r.lat), lng: Number(r.lng), reason: r.grade ? `inspection:${r.grade}` : 'inspection:new', window: null, startsAt: null, later: false, distanceM: null });
  }
  if (f.near) for (const s of out) s.distanceM = Math.round(distanceMetres(f.near, s));
  out.sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0) || zhCollator.compare(a.name, b.name));
  const later = out.filter((s) => s.later);
  const nextWindowAt = later.reduce<string | null>((m, s) => (m === null || s.startsAt! < m ? s.startsAt : m), null);
  return { date: today, total: out.length, dueNow: out.length - later.length, nextWindowAt, items: out.slice(0, f.limit) };
}
