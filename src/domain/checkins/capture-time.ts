/**
 * When a check-in happened. A phone that was offline sends it minutes or hours later, carrying
 * the time it was captured (deviceTime, from the outbox). That time decides the disposal window
 * and is what the photo's EXIF time is compared with, when it is believable: not ahead of the
 * server (beyond a small clock drift) and not older than `maxDeviceAgeMs` (default 24 h).
 * Otherwise the server's time decides and the record is flagged device_time_far for review.
 */
export const DEVICE_AHEAD_TOLERANCE_MS = 2 * 60_000;
export const DEFAULT_MAX_DEVICE_AGE_MS = 24 * 3600_000;
/**
 * A capture that reaches the server later than this (offline for a while) is accepted at its
 * capture time but flagged synced_late with the delay, so a backdated check-in cannot pass
 * unseen; the server's receipt time is stored beside it (checkins.received_at).
 */
export const LATE_SYNC_MS = 30 * 60_000;

export interface CaptureTime {
  at: Date;
  source: 'device' | 'server';
  /** Set when the device time was refused: minutes it is off from the server (+ ahead, − behind). */
  refusedSkewMinutes: number | null;
  /** Set when a believed device time is more than LATE_SYNC_MS before the server's: minutes late. */
  lateMinutes: number | null;
}

export function captureTime(serverNow: Date, deviceTime: string | undefined, maxDeviceAgeMs = DEFAULT_MAX_DEVICE_AGE_MS): CaptureTime {
  if (!deviceTime) return { at: serverNow, source: 'server', refusedSkewMinutes: null, lateMinutes: null };
  const device = new Date(deviceTime);
  const ahead = device.getTime() - serverNow.getTime();
  if (Number.isNaN(ahead) || ahead > DEVICE_AHEAD_TOLERANCE_MS || -ahead > maxDeviceAgeMs) {
    return { at: serverNow, source: 'server', refusedSkewMinutes: Number.isNaN(ahead) ? null : Math.round(ahead / 60_000), lateMinutes: null };
  }
  const lateMinutes = -ahead > LATE_SYNC_MS ? Math.round(-ahead / 60_000) : null;
  return { at: ahead > 0 ? serverNow : device, source: 'device', refusedSkewMinutes: null, lateMinutes };
}
