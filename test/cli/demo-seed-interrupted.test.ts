import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { seedDemoData } from '../../src/cli/demo-seed.js';
import { isSeeded } from '../../src/domain/demo/seed-demo.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

/**
 * `npm start` seeds the demo in stages; a start interrupted between them (here: the photo folder
 * cannot be written when the enforcement ladders' documents are stored) leaves the registry and
 * the history in the database. The next start sees a demo that is not complete and seeds it again,
 * once, to the end.
 */
for (const dialect of DIALECTS) {
  describe(`demo seeding interrupted half-way [${dialect}]`, { timeout: 600_000 }, () => {
    let release: (() => Promise<void>) | null = null;
    const saved = process.env.PHOTO_DIR;
    afterEach(async () => {
      if (saved === undefined) delete process.env.PHOTO_DIR; else process.env.PHOTO_DIR = saved;
      await release?.();
      release = null;
    });

    it('the next start finishes the demo instead of keeping the half-seeded one', async () => {
      ({ release } = await scratchCliDatabase(dialect));
      const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-blocked-')), 'photos');
      fs.writeFileSync(blocker, 'not a folder');
      process.env.PHOTO_DIR = blocker;
      const first = await openContext();
      try {
        await expect(seedDemoData(first)).rejects.toThrow();
        const cases = await first.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(cases.n), 'the history stage was committed before the interruption').toBeGreaterThan(0);
        expect(await isSeeded(first.handle.db)).toBe(false);
      } finally {
        await first.destroy();
      }

      delete process.env.PHOTO_DIR;
      let seeded = 0;
      const start = () => openContext({
        afterMigrate: async (c) => {
          if (await isSeeded(c.handle.db)) return;
          seeded++;
          await seedDemoData(c);
        },
      });
      const second = await start();
      try {
        const db = second.handle.db;
        expect(seeded).toBe(1);
        expect(await isSeeded(db)).toBe(true);
        expect(await db.selectFrom('districts').select('id').execute()).toHaveLength(1);
        expect((await db.selectFrom('subdistricts').select('code').execute()).map((s) => s.code)).toEqual(expect.arrayContaining(['008', '010']));
        expect(await db.selectFrom('users').select('id').where('username', '=', 'admin').execute()).toHaveLength(1);
        expect(await db.selectFrom('enforcement_cases').select('id').execute()).toHaveLength(2);
        const records = await db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(records.n)).toBeGreaterThan(0);
      } finally {
        await second.destroy();
      }
      // A third start finds it complete and seeds nothing.
      const third = await start();
      await third.destroy();
      expect(seeded).toBe(1);
    });
  });
}
