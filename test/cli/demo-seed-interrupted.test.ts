import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { seedDemoData } from '../../src/cli/demo-seed.js';
import { isSeeded } from '../../src/domain/demo/seed-demo.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

/**
 * `npm start` seeds the demo in stages; a start interrupted between them (here: the photo folder
 * stops being writable once the first subdistrict's history is committed, so the second
 * subdistrict's photos cannot be stored) leaves the registry and part of the history in the
 * database. The next start sees a demo that is not complete and seeds it again, once, to the end.
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
      const photos = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-blocked-')), 'photos');
      process.env.PHOTO_DIR = photos;
      const first = await openContext();
      // The progress line after the first subdistrict's history (written once its transaction has
      // committed): from then on the photo folder is a file.
      const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        if (String(chunk).startsWith('Demo history (4 weeks): 1/')) {
          fs.rmSync(photos, { recursive: true, force: true });
          fs.writeFileSync(photos, 'not a folder');
        }
        return write(chunk, ...rest);
      }) as typeof process.stderr.write);
      try {
        await expect(seedDemoData(first)).rejects.toThrow();
        const cases = await first.handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        expect(Number(cases.n), 'the history stage was committed before the interruption').toBeGreaterThan(0);
        expect(await isSeeded(first.handle.db)).toBe(false);
      } finally {
        spy.mockRestore();
        await first.destroy();
      }
      fs.rmSync(photos, { force: true });

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
        // The photos of the history are there again, the first subdistrict's included.
        const store = filesFor(second.config);
        const photoRows = await db.selectFrom('photos').select(['storage_key', 'subdistrict_id']).execute();
        expect(new Set(photoRows.map((p) => p.subdistrict_id)).size).toBe(2);
        for (const p of photoRows.filter((_, i) => i % 211 === 0)) expect(await store.has(p.storage_key), p.storage_key).toBe(true);
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
