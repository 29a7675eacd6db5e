import { DomainError } from '../shared/errors.js';

/** Seconds a client is told to wait when the file store cannot be reached. */
export const STORAGE_RETRY_AFTER_S = 5;

/**
 * The file store failed for a reason of its own (endpoint down, bucket missing, credentials
 * refused, disk full or unmounted): nothing the client sent is wrong, it may retry. The store's
 * own error rides along as `cause` for the operator's log; the client sees no bucket or path.
 */
export class StorageUnavailableError extends DomainError {
  constructor(operation: string, cause: unknown) {
    super('storage_unavailable', `File storage is unavailable (${operation}); retry in a moment`, { retryAfterSeconds: STORAGE_RETRY_AFTER_S });
    this.cause = cause;
  }
}

/** Runs a store operation, turning any failure of the store into StorageUnavailableError. */
export async function storeCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new StorageUnavailableError(operation, err);
  }
}
