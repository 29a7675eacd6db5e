import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from 'playwright-core';
import { DEMO_PASSWORD, newContext, solidJpeg } from './browser.js';
import type { BrowserSuite } from './suite.js';
import { workingDeadline } from '../../helpers/working-deadline.js';

/** The API as a demo user (a cookie-holding request context of its own). */
export async function apiAs(suite: BrowserSuite, username: string): Promise<APIRequestContext> {
  const ctx = await newContext(suite.browser, suite.server.url);
  const res = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
  if (res.status() !== 200) throw new Error(`sign-in ${username}: ${res.status()}`);
  return ctx.request;
}

async function post<T = { id: string; version: number }>(req: APIRequestContext, path: string, data: unknown): Promise<T> {
  const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
  if (res.status() >= 300) throw new Error(`POST ${path}: ${res.status()} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/**
 * A citizen's case at a bin room of the subdistrict taken through the loop by the demo staff:
 * reported, filed and dispatched to handler1's unit, then (with `handled`) rectified with a photo.
 */
export async function caseInLoop(suite: BrowserSuite, subdistrictId: string, until: 'dispatched' | 'handled', description = '市民反映：箱房门口垃圾满溢'): Promise<string> {
  const db = suite.server.db;
  const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', subdistrictId).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
  const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subdistrictId).where('code', '=', 'A0402').executeTakeFirstOrThrow();
  const unit = await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
  const op = await apiAs(suite, 'operator');
  let c = await post(op, '/api/cases', { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description });
  c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
  c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: unit.handling_unit_id });
  if (until === 'handled') {
    const handler = await apiAs(suite, 'handler1');
    const photo = await handler.post('/api/photos', { multipart: { file: await solidJpeg(60, 170, 70, 640, 480) } });
    if (photo.status() >= 300) throw new Error(`photo: ${photo.status()}`);
    await post(handler, `/api/cases/${c.id}/transitions`, { action: 'handle', version: c.version, note: '已清运，地面已冲洗', photoIds: [((await photo.json()) as { id: string }).id] });
  }
  return c.id;
}

/**
 * An enforcement ladder at the subdistrict's first shop, opened by enforcer1 with evidence and a
 * rectification order co-signed by enforcer2. Answers the ladder's and the shop's ids.
 */
export async function ladderAtShop(suite: BrowserSuite, subdistrictId: string): Promise<{ ladderId: string; shopId: string }> {
  const db = suite.server.db;
  const shop = await db.selectFrom('sites').select(['id', 'address', 'lng', 'lat']).where('subdistrict_id', '=', subdistrictId).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
  const basis = await db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', subdistrictId).where('code', '=', 'SH-DWMR-26-1').executeTakeFirstOrThrow();
  const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subdistrictId).where('code', '=', 'B0401').executeTakeFirstOrThrow();
  const co = await db.selectFrom('users').select('id').where('username', '=', 'enforcer2').executeTakeFirstOrThrow();
  const enforcer = await apiAs(suite, 'enforcer1');
  const up = await enforcer.post('/api/photos', { multipart: { file: await solidJpeg(90, 120, 110, 640, 480) } });
  if (up.status() >= 300) throw new Error(`photo: ${up.status()}`);
  const evidence = ((await up.json()) as { id: string }).id;
  const gps = { lng: Number(shop.lng), lat: Number(shop.lat), accuracy: 8 };
  const opened = await post(enforcer, '/api/enforcement/cases', { siteId: shop.id, categoryId: cat.id, gps, photoIds: [evidence], legalBasisId: basis.id, facts: '未设置生活垃圾分类收集容器' });
  await post(enforcer, `/api/enforcement/cases/${opened.id}/steps`, {
    kind: 'order', version: opened.version, coOfficerId: co.id, gps, photoIds: [evidence], educationGiven: true, acknowledgement: 'signed',
    deadlineAt: workingDeadline(Date.now(), 48), deadlineReason: '与店主约定', place: shop.address,
  });
  return { ladderId: opened.id, shopId: shop.id };
}
