import { purgeUnattachedPhotos } from '../domain/photos/purge.js';
import { filesFor } from '../domain/storage/index.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 6 * 3600_000;

/** Deletes photos no record refers to, UNATTACHED_PHOTO_RETENTION_DAYS after upload, and their files (src/domain/photos/purge.ts). */
export function unattachedPhotosPoller(deps: JobDeps) {
  return leasedPoller(deps, 'unattached-photos', INTERVAL_MS, async () => {
    const r = await purgeUnattachedPhotos(deps.db, deps.clock, filesFor(deps.config), { olderThanDays: deps.config.retention.unattachedPhotoDays });
    if (r.photos) deps.logger?.info?.({ job: 'unattached-photos', photos: r.photos, files: r.files }, 'unattached photos purged');
    return r.photos;
  });
}
