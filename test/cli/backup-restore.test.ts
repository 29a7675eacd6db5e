import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../src/cli/backup-commands.js';
import { openContext } from '../../src/cli/context.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { buildApp } from '../../src/server/app.js';
import { uploadPhoto } from '../api/cases-helpers.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';

for (const dialect of DIALECTS) {
  describe(`closeloop backup → restore → audit verify [${dialect}]`, () => {
    it('restores the database and the evidence files into an empty place, and every chain verifies', async () => {
      const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-backup-')), 'b1');
      const source = await scratchCliDatabase(dialect);
      let counts: { cases: number; events: number; audit: number };
      let photoKeys: string[];
      try {
        const ctx = await openContext();
        try {
          await seedDemo(ctx.handle.db, ctx.deps.clock);
          const app = await buildApp(ctx.deps, testLogOptions('backup-restore'));
          const cookie = await signInAs(app, 'patrol1');
          const hq = await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
          const cat = await ctx.handle.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
          const sites = await ctx.handle.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).orderBy('id').limit(3).execute();
          for (const s of sites) {
            const photo = await uploadPhoto(app, cookie);
            expect(photo.status).toBe(201);
            const res = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: { source: 'patrol', categoryId: cat.id, siteId: s.id, lng: Number(s.lng), lat: Number(s.lat), description: '备份测试', photoIds: [photo.id] } });
            expect(res.statusCode, res.body).toBe(201);
          }
          await app.close();
          const n = (t: 'cases' | 'case_events' | 'audit_log') => ctx.handle.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
          counts = { cases: await n('cases'), events: await n('case_events'), audit: await n('audit_log') };
          photoKeys = fs.readdirSync(ctx.config.photoDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(ctx.config.photoDir, f)).isFile()).sort();
          expect(counts.cases).toBe(3);
          expect(photoKeys.length).toBeGreaterThanOrEqual(3);
        } finally {
          await ctx.destroy();
        }
        const manifest = await backup(folder);
        expect(manifest.engine).toBe(dialect);
        expect(manifest.files.count).toBe(photoKeys.length);
        await expect(backup(folder)).rejects.toThrow(/not empty/);
      } finally {
        await source.release();
      }

      const target = await scratchCliDatabase(dialect);
      try {
        const report = await restore(folder);
        expect(report.lines.join('\n')).toMatch(/audit log: \d+ entries, chain intact/);
        expect(report.ok).toBe(true);
        const ctx = await openContext();
        try {
          const n = (t: 'cases' | 'case_events' | 'audit_log') => ctx.handle.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
          expect({ cases: await n('cases'), events: await n('case_events'), audit: await n('audit_log') }).toEqual(counts!);
          const restored = fs.readdirSync(ctx.config.photoDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(ctx.config.photoDir, f)).isFile()).sort();
          expect(restored).toEqual(photoKeys!);
        } finally {
          await ctx.destroy();
        }
        // A second restore into the now non-empty database is refused.
        await expect(restore(folder)).rejects.toThrow(/not empty/);
      } finally {
        await target.release();
      }

      // A damaged image is refused before anything is written.
      const image = path.join(folder, dialect === 'sqlite' ? 'closeloop.db' : 'closeloop.pgdump');
      const bytes = fs.readFileSync(image);
      const mid = bytes.length >> 1;
      bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
      fs.writeFileSync(image, bytes);
      const third = await scratchCliDatabase(dialect);
      try {
        await expect(restore(folder)).rejects.toThrow(/damaged/);
      } finally {
        await third.release();
        fs.rmSync(path.dirname(folder), { recursive: true, force: true });
      }
    }, 180_000);
  });
}
