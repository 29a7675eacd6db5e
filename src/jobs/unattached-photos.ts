import { purgeUnattachedPhotos } from '../domain/photos/purge.js';
import { filesFor } from '../domain/storage/index.js';
import { sweepOrphanFiles } from '../domain/storage/orphans.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 6 * 3600_000;

/**
 * Deletes photos no record refers to, UNATTACHED_PHOTO_RETENTION_DAYS after upload, and their files
 * (src/domain/photos/purge.ts); then files no row refers to at all, past their grace period
 * (src/domain/storage/orphans.ts).
 */
export function unattachedPhotosPoller(deps: JobDeps) {
  return leasedPoller(deps, 'unattached-photos', INTERVAL_MS, async () => {
    const files = filesFor(deps.config);
    const r = await purgeUnattachedPhotos(deps.db, deps.clock, files, { olderThanDays: deps.config.retention.unattachedPhotoDays });
    if (r.photos) deps.logger?.info?.({ job: 'unattached-photos', photos: r.photos, files: r.files }, 'unattached photos purged');
    const s = await sweepOrphanFiles(deps.db, deps.clock, files);
    if (s.deleted) deps.logger?.info?.({ job: 'unattached-photos', orphanFiles: s.deleted, examined: s.examined }, 'orphan files swept');
    return r.photos + s.deleted;
  });
}
