import type { StorageConfig } from '../../config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-store.js';
import { S3FileStore } from './s3-store.js';

export type { FileStore } from './file-store.js';

export function createFileStore(c: StorageConfig): FileStore {
  return c.kind === 'local' ? new LocalFileStore(c.dir) : new S3FileStore(c);
}

const stores = new WeakMap<object, FileStore>();

/** The file store of a configuration (one client per process, shared by routes and jobs). */
export function filesFor(config: { storage: StorageConfig }): FileStore {
  let s = stores.get(config);
  if (!s) {
    s = createFileStore(config.storage);
    stores.set(config, s);
  }
  return s;
}
