import { afterEach, describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { isSeeded, seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`start-up on an empty database [${dialect}]`, () => {
    let release: (() => Promise<void>) | null = null;
    afterEach(async () => {
      await release?.();
      release = null;
    });

    it('two instances starting at once migrate and seed exactly once, and both come up', async () => {
      ({ release } = await scratchCliDatabase(dialect));
      let seeded = 0;
      const start = () =>
        openContext({
          serving: true,
          afterMigrate: async (c) => {
            if (await isSeeded(c.handle.db)) return;
            seeded++;
            await seedDemo(c.handle.db, systemClock);
          },
        });
      const [a, b] = await Promise.all([start(), start()]);
      try {
        expect(seeded).toBe(1);
        const subs = await a.handle.db.selectFrom('subdistricts').select('code').execute();
        expect(subs.map((s) => s.code).sort()).toEqual(['008', '010']);
        const users = await b.handle.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('username', '=', 'admin').executeTakeFirstOrThrow();
        expect(Number(users.n)).toBe(1);
      } finally {
        await a.destroy();
        await b.destroy();
      }
    });
  });
}
