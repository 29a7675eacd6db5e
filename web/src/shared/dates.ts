/**
 * Dates and times as Chinese offices write them, whatever the browser's locale: yyyy-MM-dd and
 * 24-hour HH:mm, in Shanghai wall time. Asia/Shanghai is UTC+8 all year (no daylight saving
 * since 1991), so a fixed offset converts exactly for every date these apps deal with.
 *
 * Values handed to forms are the strings the native inputs gave: "2026-12-05" (date),
 * "16:00" (time) and "2026-12-05T16:00" (date and time, a Shanghai wall time).
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** A Shanghai wall time ("2026-12-05T16:00") as the ISO instant the API takes. */
export function wallToIso(wall: string): string {
  const [d, c = '00:00'] = wall.split('T');
  const [y, mo, da] = d!.split('-').map(Number);
  const [h, mi] = c.split(':').map(Number);
  return new Date(Date.UTC(y!, mo! - 1, da!, h!, mi!) - SHANGHAI_OFFSET_MS).toISOString();
}

/** An ISO instant as Shanghai wall time, "2026-12-05T16:00" ('' when it is not an instant). */
export function isoToWall(iso: string | null | undefined): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? '' : new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** Today in Shanghai, yyyy-MM-dd. */
export function shanghaiToday(now: Date = new Date()): string {
  return isoToWall(now.toISOString()).slice(0, 10);
}

/** An instant as Shanghai wall time, yyyy-MM-dd HH:mm — how every date and time is shown. */
export function formatStamp(iso: string | null | undefined): string {
  return isoToWall(iso).replace('T', ' ');
}
