import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';

describe('ids', () => {
  it('are UUIDv7: unique, strictly increasing in one process, stamped with the time of their making, and random beyond it', () => {
    const before = Date.now();
    // More than the random pool holds, several times over.
    const ids = Array.from({ length: 5_000 }, () => newId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after + 1);
    }
    // The last 32 bits are drawn at random for each id: over 5,000 ids they repeat rarely, if ever.
    const tails = new Set(ids.map((id) => id.slice(-8)));
    expect(tails.size).toBeGreaterThan(ids.length - 5);
  });
});
