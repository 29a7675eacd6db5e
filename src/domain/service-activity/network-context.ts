import type { Db } from '../../db/index.js';
import type { PointKind, ServiceItemVersionTable } from '../../db/schema.js';
import { addDays } from '../calendar/office-hours.js';
import { type OverrideMap, loadOverrides } from '../calendar/working-days.js';
import type { MaterialSpec } from '../services-catalogue/item-input.js';

/** What the activity generator needs to know about one subdistrict's front office, read once. */
export interface ServedPoint {
  id: string;
  kind: PointKind;
  committeeId: string | null;
  /** The days it serves: from the day it was built, until the day it closed (null: not closed) */
  builtOn: string | null;
  closedOn: string | null;
  /** Staff who serve there (cadres, window clerks), not the desk's operators. */
  staff: string[];
  /** weekday (1 = Monday … 7 = Sunday) → sessions */
  sessions: Map<number, { starts: string; ends: string; capacity: number }[]>;
  itemIds: string[];
}

export interface ItemGuide {
  itemId: string;
  /** The category's ticket prefix (A, B, …) */
  prefix: string;
  versions: (Pick<ServiceItemVersionTable, 'id' | 'effective_from' | 'version' | 'mode' | 'promised_limit_days' | 'proxy_allowed' | 'assist_allowed' | 'name_zh'> & {
    materials: MaterialSpec[];
    terminal: boolean;
  })[];
}

export interface NetworkContext {
  subdistrictId: string;
  recordPrefix: string;
  points: ServedPoint[];
  items: Map<string, ItemGuide>;
  overrides: OverrideMap;
  /** The subdistrict's operator and admin: they check 差评 cases and decide appeals. */
  operatorId: string | null;
  adminId: string | null;
}

/** Kinds of point that serve people at a counter (records are made there). */
export const COUNTER_KINDS: readonly PointKind[] = ['centre', 'branch', 'committee_window', 'building_window'];

/** The item guides of the catalogue, every version (read once for all subdistricts). */
export async function loadItemGuides(db: Db): Promise<Map<string, ItemGuide>> {
  const prefixes = new Map(
    (await db.selectFrom('service_items').innerJoin('service_categories as c', 'c.id', 'service_items.category_id').select(['service_items.id', 'c.ticket_prefix']).execute())
      .map((i) => [i.id, i.ticket_prefix]),
  );
  const rows = await db
    .selectFrom('service_item_versions')
    .select(['id', 'item_id', 'effective_from', 'version', 'mode', 'promised_limit_days', 'proxy_allowed', 'assist_allowed', 'name_zh', 'materials', 'channels'])
    .orderBy('item_id')
    .orderBy('effective_from')
    .orderBy('version')
    .execute();
  const out = new Map<string, ItemGuide>();
  for (const r of rows) {
    const g = out.get(r.item_id) ?? { itemId: r.item_id, prefix: prefixes.get(r.item_id) ?? 'A', versions: [] };
    out.set(r.item_id, g);
    const channels = JSON.parse(r.channels) as string[];
    g.versions.push({ ...r, materials: JSON.parse(r.materials) as MaterialSpec[], terminal: channels.includes('terminal') });
  }
  return out;
}

/** The guide version in effect on a date (versionInEffect's rule, on the versions read once). */
export function guideOn(g: ItemGuide, date: string) {
  let best: ItemGuide['versions'][number] | null = null;
  for (const v of g.versions) if (v.effective_from <= date && (!best || v.effective_from > best.effective_from || (v.effective_from === best.effective_from && v.version > best.version))) best = v;
  return best;
}

export async function loadNetworkContext(db: Db, subdistrictId: string, items: Map<string, ItemGuide>, fromDate: string, toDate: string): Promise<NetworkContext> {
  const [sub, points, sessions, offers, staff, desk] = await Promise.all([
    db.selectFrom('subdistricts').select(['code', 'case_prefix']).where('id', '=', subdistrictId).executeTakeFirstOrThrow(),
    db.selectFrom('service_points').select(['id', 'kind', 'committee_id', 'built_on', 'closed_on']).where('subdistrict_id', '=', subdistrictId).where('status', '=', 'built')
      .where('kind', 'in', [...COUNTER_KINDS]).orderBy('code').execute(),
    db.selectFrom('service_point_sessions').innerJoin('service_points as p', 'p.id', 'service_point_sessions.point_id')
      .select(['point_id', 'weekday', 'starts', 'ends', 'capacity']).where('p.subdistrict_id', '=', subdistrictId).orderBy('starts').execute(),
    db.selectFrom('service_point_items').innerJoin('service_points as p', 'p.id', 'service_point_items.point_id')
      .select(['point_id', 'item_id']).where('p.subdistrict_id', '=', subdistrictId).orderBy('item_id').execute(),
    db.selectFrom('service_point_staff').innerJoin('service_points as p', 'p.id', 'service_point_staff.point_id').innerJoin('users as u', 'u.id', 'service_point_staff.user_id')
      .select(['point_id', 'user_id']).where('p.subdistrict_id', '=', subdistrictId).where('u.role', 'in', ['cadre', 'handler']).where('u.status', '=', 'active').orderBy('user_id').execute(),
    db.selectFrom('users').select(['id', 'role']).where('subdistrict_id', '=', subdistrictId).where('role', 'in', ['operator', 'admin']).where('status', '=', 'active').orderBy('username').execute(),
  ]);
  const served: ServedPoint[] = points.map((p) => ({ id: p.id, kind: p.kind, committeeId: p.committee_id, builtOn: p.built_on, closedOn: p.closed_on, staff: [], sessions: new Map(), itemIds: [] }));
  const byId = new Map(served.map((p) => [p.id, p]));
  for (const s of sessions) {
    const p = byId.get(s.point_id);
    if (!p) continue;
    const list = p.sessions.get(s.weekday) ?? [];
    list.push({ starts: s.starts, ends: s.ends, capacity: s.capacity });
    p.sessions.set(s.weekday, list);
  }
  for (const o of offers) if (items.has(o.item_id)) byId.get(o.point_id)?.itemIds.push(o.item_id);
  for (const s of staff) byId.get(s.point_id)?.staff.push(s.user_id);
  return {
    subdistrictId,
    recordPrefix: sub.case_prefix ?? `S${sub.code}`,
    points: served.filter((p) => p.staff.length && p.itemIds.length && p.sessions.size),
    items,
    // Records due up to a few months after the last day are computed from this map.
    overrides: await loadOverrides(db, fromDate, addDays(toDate, 120), subdistrictId),
    operatorId: desk.find((u) => u.role === 'operator')?.id ?? null,
    adminId: desk.find((u) => u.role === 'admin')?.id ?? null,
  };
}
