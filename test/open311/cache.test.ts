import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { cachedRead, cacheSize, MAX_CACHE_BYTES } from '../../src/server/open311/cache.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/** The GET answer cache stays within its size bound whatever the answers, and answers what was built. */
for (const dialect of DIALECTS) {
  describe(`Open311 answer cache [${dialect}]`, () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await testDatabase(dialect);
    });
    afterAll(async () => handle?.destroy());

    it('never holds more than its byte bound, and a hit returns the body that was built', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: Math.floor(MAX_CACHE_BYTES / 3) })), { minLength: 1, maxLength: 20 }), async (ops) => {
          for (const [key, size] of ops) {
            const built = `${key}:`.padEnd(size, 'x');
            const body = await cachedRead(handle.db, 'sub', `k${key}`, async () => built, false);
            expect(body.startsWith(`${key}:`)).toBe(true);
            expect(cacheSize(handle.db).chars).toBeLessThanOrEqual(MAX_CACHE_BYTES);
          }
        }),
        { numRuns: 10 },
      );
    });
  });
}
