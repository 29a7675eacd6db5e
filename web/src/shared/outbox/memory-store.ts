import type { OutboxItem, OutboxStore } from './types.js';

/** In-memory store (tests, and the fallback when IndexedDB is unavailable). */
export class MemoryStore implements OutboxStore {
  private items = new Map<number, OutboxItem>();
  private next = 1;
  async add(item: OutboxItem) {
    const seq = this.next++;
    this.items.set(seq, structuredClone({ ...item, seq }));
    return seq;
  }
  async all() {
    return [...this.items.values()].map((i) => structuredClone(i));
  }
  async put(item: OutboxItem) {
    this.items.set(item.seq as number, structuredClone(item));
  }
  async remove(seq: number) {
    this.items.delete(seq);
  }
}
