import type { Readable } from 'node:stream';

/** Bytes `start` to `end` of an object, both inclusive (as in HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredObject {
  size: number;
  modifiedAt: Date;
}

/**
 * Where photo originals and thumbnails live, shared by every instance that serves them.
 * Keys are content-addressed (see keys.ts): the same bytes are stored once, and a stored object
 * never changes. Readers go through the app (scope checks), never to the store directly.
 * A failure of the store itself (endpoint down, bucket missing, disk full) is thrown as
 * StorageUnavailableError (errors.ts; answered 503), never as the backend's own error.
 */
export interface FileStore {
  readonly kind: 'local' | 's3';
  /** A readable description for logs and the migrate command (no secrets). */
  readonly description: string;
  /**
   * Stores bytes under a key unless already there; resolves to whether a new object was written.
   * An object already there has its modification time renewed: an upload about to record a row
   * for it counts as recent, so the orphan sweep (orphans.ts) leaves it alone for its grace period.
   */
  putOnce(key: string, bytes: Buffer): Promise<boolean>;
  /**
   * Stores many generated objects (a seed's synthetic photos), each as put does. Durable when the
   * seed's database writes are (they are not flushed row by row either: db/bulk-sink.ts), not
   * object by object: a local folder writes them without a flush per file.
   */
  putGenerated(objects: readonly { key: string; bytes: Buffer }[]): Promise<void>;
  /** Stores bytes under a key, replacing what is there (repairing a corrupt copy; see migrate.ts). */
  put(key: string, bytes: Buffer): Promise<void>;
  /** Removes an object (no error when there is none): only for files no row refers to any more. */
  delete(key: string): Promise<void>;
  /** The whole object, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /**
   * A stream of the object and its size, or null when there is none. With a range (byte offsets,
   * both inclusive, within the object: see stat), only those bytes; `size` is still the whole's.
   */
  open(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null>;
  /** The object's size and last modification (written or renewed by putOnce), or null when there is none. */
  stat(key: string): Promise<StoredObject | null>;
  has(key: string): Promise<boolean>;
  /** Every stored key (for migration and verification). */
  list(): AsyncIterable<string>;
  /** Every stored key with its last modification (for the orphan sweep). */
  entries(): AsyncIterable<{ key: string; modifiedAt: Date }>;
  close(): Promise<void>;
}
