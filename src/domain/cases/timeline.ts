import { type GeofenceSettings, judgePosition } from '../checkins/geofence.js';
import { distanceMetres, type LatLng } from '../geo/haversine.js';
import { caseEventLabel } from './event-labels.js';

/**
 * What a case's timeline says about each event, beyond the stored row: who acted in which unit,
 * where a dispatch sent the case, how far a located event was from the place, and whether the
 * phone's clock disagreed with the server's.
 */

/**
 * A phone's clock within this of the server's is the same time: the device time is shown only
 * when it differs by more (an event queued offline, a phone with a wrong clock).
 */
export const DEVICE_TIME_TOLERANCE_MS = 2 * 60_000;

/** Device time minus server time in ms, or null when there is none or it is within the tolerance. */
export function deviceTimeOffsetMs(at: string, deviceAt: string | null): number | null {
  if (!deviceAt) return null;
  const offset = Date.parse(deviceAt) - Date.parse(at);
  return Math.abs(offset) > DEVICE_TIME_TOLERANCE_MS ? offset : null;
}

export interface EventPlace {
  /** Great-circle metres from the reference point, to the decimetre. */
  distanceM: number;
  /** The geofence rule of check-ins (checkins/geofence.ts) applied to the event; null when no fence is given. */
  withinFence: boolean | null;
  /** The site's position, or the reported position of a case without a site. */
  reference: 'site' | 'case';
}

/**
 * Distance of a located event from the reference point and the geofence verdict. An event whose
 * accuracy was not reported is judged by its reported point alone.
 */
export function eventPlace(
  ref: (LatLng & { reference: 'site' | 'case' }) | null,
  pos: { lng: number | null; lat: number | null; accuracy: number | null },
  fence?: GeofenceSettings,
): EventPlace | null {
  if (!ref || pos.lng === null || pos.lat === null) return null;
  const at = { lng: pos.lng, lat: pos.lat };
  const distanceM = Math.round(distanceMetres(ref, at) * 10) / 10;
  const withinFence = fence ? judgePosition(ref, { ...at, accuracyM: pos.accuracy ?? 0 }, fence).accepted : null;
  return { distanceM, withinFence, reference: ref.reference };
}

/** A stored event as the case detail reads it. */
export interface TimelineRow {
  id: string;
  seq: number | string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string;
  actorUnitId?: string | null;
  at: string;
  deviceAt: string | null;
  lng: number | string | null;
  lat: number | string | null;
  accuracy: number | string | null;
  note: string | null;
  photoIds: string;
  changes: string;
  hash: string;
}

type Changes = Record<string, [unknown, unknown]>;
const asId = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Where each dispatching event sent the case: its unit and person after the event. Read from the
 * event's own changes; an earlier event that re-dispatched within the same unit recorded only the
 * person, so the unit is carried over from the events before it.
 */
export function dispatchTargets(rows: TimelineRow[]): Map<string, { unitId: string | null; userId: string | null }> {
  const out = new Map<string, { unitId: string | null; userId: string | null }>();
  let unitId: string | null = null;
  let userId: string | null = null;
  for (const r of rows) {
    const ch = JSON.parse(r.changes) as Changes;
    if ('assigned_unit_id' in ch) unitId = asId(ch.assigned_unit_id[1]);
    if ('assigned_user_id' in ch) userId = asId(ch.assigned_user_id[1]);
    const dispatching = r.action === 'dispatch' || r.action === 'redispatch' || 'assigned_unit_id' in ch || 'assigned_user_id' in ch;
    if (dispatching && (unitId || userId)) out.set(r.id, { unitId, userId });
  }
  return out;
}

export interface TimelineContext {
  reference: (LatLng & { reference: 'site' | 'case' }) | null;
  fence?: GeofenceSettings;
  unitNames: Map<string, string>;
  userNames: Map<string, string>;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** The entries of a case timeline, oldest first. */
export function timelineEntries(rows: TimelineRow[], ctx: TimelineContext) {
  const targets = dispatchTargets(rows);
  const named = (id: string | null | undefined, names: Map<string, string>) => (id ? { id, name: names.get(id) ?? null } : null);
  return rows.map(({ actorUnitId, ...e }) => {
    const lng = num(e.lng);
    const lat = num(e.lat);
    const accuracy = num(e.accuracy);
    const target = targets.get(e.id);
    return {
      ...e,
      seq: Number(e.seq),
      lng,
      lat,
      accuracy,
      photoIds: JSON.parse(e.photoIds) as string[],
      changes: JSON.parse(e.changes) as Changes,
      label: caseEventLabel(e.action),
      actorUnit: named(actorUnitId, ctx.unitNames),
      target: target ? { unit: named(target.unitId, ctx.unitNames), person: named(target.userId, ctx.userNames) } : null,
      place: eventPlace(ctx.reference, { lng, lat, accuracy }, ctx.fence),
      deviceOffsetMs: deviceTimeOffsetMs(e.at, e.deviceAt),
    };
  });
}
