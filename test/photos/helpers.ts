import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { DialectKind } from '../../src/db/index.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { multipart } from '../helpers/images.js';

const DAY = 86_400_000;

/**
 * The demo with its own photo folder (`photoDir`, removed by `close`), for the purge tests:
 * `upload` posts a picture as the signed-in `cookie`, `exists` says whether a photo row is still
 * there, `later(days)` is a clock that many days past the test clock.
 */
export async function photoPurgeContext(dialect: DialectKind, folderPrefix: string, env: Record<string, string> = {}) {
  const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
  const ctx = await demoContext(dialect, { PHOTO_DIR: photoDir, ...env });
  return {
    ctx,
    photoDir,
    async upload(cookie: string, bytes: Buffer) {
      const m = multipart(bytes);
      const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; sha256: string; url: string };
    },
    exists: async (id: string) => !!(await ctx.handle.db.selectFrom('photos').select('id').where('id', '=', id).executeTakeFirst()),
    later: (days: number) => ({ now: () => new Date(ctx.clock.now().getTime() + days * DAY) }),
    async close() {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    },
  };
}

/** Hongqiao's subdistrict id. */
export async function hongqiaoId(ctx: TestContext): Promise<string> {
  return (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
}

/** The patrol (`cookie`) reports an overflowing bin (A0301) at Hongqiao's first bin room, with `photoIds` if given; answers the new case's id. */
export async function reportAtBinRoom(ctx: TestContext, cookie: string, photoIds?: string[]): Promise<string> {
  const db = ctx.handle.db;
  const hq = await hongqiaoId(ctx);
  const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
  const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0301').executeTakeFirstOrThrow();
  const reported = await ctx.app.inject({
    method: 'POST', url: '/api/cases', headers: { cookie },
    payload: { source: 'patrol', categoryId: category.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '满溢', ...(photoIds && { photoIds }) },
  });
  expect(reported.statusCode, reported.body).toBe(201);
  return reported.json().id;
}

/** The patrol (`cookie`) inspects Hongqiao's first shop and passes every item; answers the inspection's first answer's id. */
export async function passedInspectionAnswer(ctx: TestContext, cookie: string): Promise<string> {
  const db = ctx.handle.db;
  const shop = await db.selectFrom('sites').select('id').where('subdistrict_id', '=', await hongqiaoId(ctx)).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
  const list = (await ctx.app.inject({ method: 'GET', url: '/api/checklists?siteKind=shop', headers: { cookie } })).json().items;
  const checklist = (await ctx.app.inject({ method: 'GET', url: `/api/checklists/${list[0].id}`, headers: { cookie } })).json() as { id: string; items: { id: string }[] };
  const inspected = await ctx.app.inject({
    method: 'POST', url: '/api/inspections', headers: { cookie },
    payload: { siteId: shop.id, checklistId: checklist.id, answers: checklist.items.map((i) => ({ itemId: i.id, result: 'pass' })) },
  });
  expect(inspected.statusCode, inspected.body).toBe(201);
  return (await db.selectFrom('inspection_answers').select('id').where('inspection_id', '=', inspected.json().id).orderBy('id').executeTakeFirstOrThrow()).id;
}
