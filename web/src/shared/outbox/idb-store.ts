import type { OutboxItem, OutboxStore } from './types.js';

const DB_NAME = 'closeloop-outbox';
const STORE = 'actions';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The outbox in IndexedDB (raw API, no dependency): survives reloads, restarts and going offline. Blobs are stored as they are. */
export class IdbStore implements OutboxStore {
  private db: Promise<IDBDatabase>;
  constructor(name = DB_NAME) {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  /**
   * A write counts only once its transaction has COMMITTED (strict durability: on disk), not when
   * the request succeeded: a full disk often aborts the transaction afterwards (QuotaExceededError),
   * and an action reported as kept must really be kept.
   */
  private async write<T>(op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = (await this.db).transaction(STORE, 'readwrite', { durability: 'strict' });
    const r = op(tx.objectStore(STORE));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(r.result);
      tx.onabort = () => reject(tx.error ?? r.error);
    });
  }
  async add(item: OutboxItem) {
    const { seq: _drop, ...rest } = item;
    return Number(await this.write((s) => s.add(rest)));
  }
  async all() {
    return (await req((await this.db).transaction(STORE, 'readonly').objectStore(STORE).getAll())) as OutboxItem[];
  }
  async put(item: OutboxItem) {
    await this.write((s) => s.put(item));
  }
  async remove(seq: number) {
    await this.write((s) => s.delete(seq));
  }
}
