import type { OutboxItem, OutboxStore } from './types';

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
  private async tx(mode: IDBTransactionMode) {
    return (await this.db).transaction(STORE, mode).objectStore(STORE);
  }
  async add(item: OutboxItem) {
    const { seq: _drop, ...rest } = item;
    return Number(await req((await this.tx('readwrite')).add(rest)));
  }
  async all() {
    return (await req((await this.tx('readonly')).getAll())) as OutboxItem[];
  }
  async put(item: OutboxItem) {
    await req((await this.tx('readwrite')).put(item));
  }
  async remove(seq: number) {
    await req((await this.tx('readwrite')).delete(seq));
  }
}
