import { expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { jpegWithExif, multipart } from '../helpers/images.js';
import { workingDeadline } from '../helpers/working-deadline.js';

export { workingDeadline };

export const HQ_GPS = { lng: 121.4215, lat: 31.2001, accuracy: 8 };

export async function hongqiao(ctx: TestContext) {
  const db = ctx.handle.db;
  const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
  const basis = async (code: string) =>
    (await db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', code).executeTakeFirstOrThrow()).id;
  const category = await db
    .selectFrom('case_categories')
    .select('id')
    .where('subdistrict_id', '=', hq.id)
    .where('code', '=', 'B0401')
    .executeTakeFirstOrThrow();
  const userId = async (username: string) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  return { subdistrictId: hq.id, art26: await basis('SH-DWMR-26-1'), art57: await basis('SH-DWMR-57'), categoryId: category.id, userId };
}

/** The n-th shop on a road whose name contains `kind` (the demo seed is deterministic). */
export async function shopOn(ctx: TestContext, subdistrictId: string, road: string, kind = '', skip = 0) {
  const rows = await ctx.handle.db
    .selectFrom('sites')
    .select(['id', 'name', 'address', 'responsible_party_id', 'lat', 'lng'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('kind', '=', 'shop')
    .where('address', 'like', `${road}%`)
    .where('name', 'like', `%${kind}%`)
    .orderBy('id')
    .execute();
  const s = rows[skip];
  if (!s) throw new Error(`no ${kind} shop on ${road}`);
  return s;
}

/** An EXIF time (a wall clock in Asia/Shanghai, as phones here write it). */
export function exifTime(at: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}:${p.month}:${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

let seed = 1;
/** Uploads a new picture taken (EXIF) at the test clock's now, unless `taken` says otherwise. */
export async function uploadPhoto(ctx: TestContext, cookie: string, taken: string = exifTime(ctx.clock.now())): Promise<string> {
  const m = multipart(await jpegWithExif({ seed: seed++, taken }));
  const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
  if (res.statusCode !== 201) throw new Error(`upload failed ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function tableCounts(ctx: TestContext) {
  const db = ctx.handle.db;
  const n = async (t: 'enforcement_cases' | 'enforcement_steps' | 'enforcement_documents' | 'case_events' | 'cases') =>
    Number((await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const counters = await db.selectFrom('enforcement_document_counters').selectAll().orderBy('kind').orderBy('subdistrict_id').execute();
  return {
    cases: await n('enforcement_cases'), steps: await n('enforcement_steps'), documents: await n('enforcement_documents'),
    events: await n('case_events'), loopCases: await n('cases'),
    counters: counters.map((c) => `${c.subdistrict_id}:${c.kind}:${c.year}:${c.last}`).join(','),
  };
}

const HOUR = 3600_000;

/**
 * Walks an opened ladder through order, re-inspection, notice, re-inspection and the prior notice
 * to the penalty decision, moving the test clock past each deadline and the statement period.
 * Officers sign in again after each jump of the clock.
 */
export async function walkToDecision(ctx: TestContext, ecId: string, fineAmount: number, officers: { first: string; second: string; secondId: string }) {
  const { signInAs } = await import('../helpers/app.js');
  const step = async (username: string, body: object) => {
    const cookie = await signInAs(ctx.app, username);
    const res = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/cases/${ecId}/steps`, headers: { cookie }, payload: body as object });
    if (res.statusCode !== 201) throw new Error(`${(body as { kind: string }).kind}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const photo = async () => uploadPhoto(ctx, await signInAs(ctx.app, officers.first));
  // An hour past the deadline (a day later, or after the rest days it was moved past).
  const pastDeadline = (r: { case: { deadlineAt: string } }) => ctx.clock.set(new Date(Date.parse(r.case.deadlineAt) + HOUR));
  const deadline = () => workingDeadline(ctx.clock.now());
  let r = await step(officers.first, { kind: 'order', version: 1, coOfficerId: officers.secondId, gps: HQ_GPS, photoIds: [await photo()], educationGiven: true, deadlineAt: deadline(), deadlineReason: '与当事人约定' });
  pastDeadline(r);
  r = await step(officers.first, { kind: 'reinspection', version: r.case.version, gps: HQ_GPS, photoIds: [await photo()], result: 'not_rectified', findings: ['仍未整改'] });
  r = await step(officers.first, { kind: 'notice', version: r.case.version, coOfficerId: officers.secondId, deadlineAt: deadline(), deadlineReason: '与当事人约定' });
  pastDeadline(r);
  r = await step(officers.first, { kind: 'reinspection', version: r.case.version, gps: HQ_GPS, photoIds: [await photo()], result: 'not_rectified', findings: ['仍未整改'] });
  r = await step(officers.first, { kind: 'prior_notice', version: r.case.version, coOfficerId: officers.secondId, fineAmount, fineReason: '依裁量基准' });
  ctx.clock.set(new Date(new Date(r.case.hearingRequestEndsAt ?? r.case.statementEndsAt).getTime() + HOUR));
  return step(officers.first, { kind: 'decision', version: r.case.version, coOfficerId: officers.secondId, fineAmount, fineReason: '依裁量基准' });
}

/**
 * Opens a ladder at a fresh shop (the `shopIndex`-th new one) by enforcer1 and walks it, with
 * enforcer2 (`e2Id`) co-signing, through order, failed re-inspection, notice and failed
 * re-inspection to the prior notice, an hour past the notice's deadline (50 hours of the test
 * clock later when both deadlines fall on working days). Answers the ladder's id and
 * the prior notice's answer and the shop.
 */
export async function walkToPriorNotice(
  ctx: TestContext,
  hq: { subdistrictId: string; categoryId: string; art26: string },
  e2Id: string,
  shopIndex: number,
  prior: { fineAmount: number } & Record<string, unknown>,
) {
  const HOUR = 3600_000;
  // Signed in for each call: the walk moves the clock past the session's idle limit.
  const cookie = () => signInAs(ctx.app, 'enforcer1');
  const post = async (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: await cookie() }, payload });
  const deadline = () => workingDeadline(ctx.clock.now());
  // An hour past the deadline (a day later, or after the rest days it was moved past).
  const pastDeadline = (r: { case: { deadlineAt: string } }) => ctx.clock.set(new Date(Date.parse(r.case.deadlineAt) + HOUR));
  const site = await shopOn(ctx, hq.subdistrictId, '', '', shopIndex);
  const opened = await post('/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
  expect(opened.statusCode, opened.body).toBe(201);
  const id = opened.json().id as string;
  const ok = async (body: object) => {
    const r = await post(`/api/enforcement/cases/${id}/steps`, body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const photo = async () => uploadPhoto(ctx, await cookie());
  let r = await ok({ kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await photo()], deadlineAt: deadline(), deadlineReason: '约定' });
  pastDeadline(r);
  r = await ok({ kind: 'reinspection', version: r.case.version, gps: HQ_GPS, photoIds: [await photo()], result: 'not_rectified', findings: ['仍未设置分类标识'] });
  r = await ok({ kind: 'notice', version: r.case.version, coOfficerId: e2Id, deadlineAt: deadline(), deadlineReason: '约定' });
  pastDeadline(r);
  r = await ok({ kind: 'reinspection', version: r.case.version, gps: HQ_GPS, photoIds: [await photo()], result: 'not_rectified', findings: ['仍未设置分类标识'] });
  r = await ok({ kind: 'prior_notice', version: r.case.version, coOfficerId: e2Id, fineReason: '依裁量基准', ...prior });
  return { id, r, site };
}

/**
 * The demo with its own photo folder, Hongqiao's enforcement fixtures and enforcer2 (the usual
 * co-signing officer); `close` removes the folder too.
 */
export async function enforcementContext(dialect: Parameters<typeof demoContext>[0], folderPrefix: string) {
  const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
  const ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
  const hq = await hongqiao(ctx);
  const e2Id = await hq.userId('enforcer2');
  return {
    ctx, hq, e2Id,
    async close() {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a ladder from a failed inspection: the officer (`cookie`) inspects the `shopIndex`-th
 * shop, fails the first item of the shop checklist with a new photo and reports it into the loop,
 * then opens a ladder from that inspection under art. 26. Answers the shop, the photo, the
 * inspection and the opened ladder.
 */
export async function ladderFromFailedInspection(ctx: TestContext, hq: { subdistrictId: string; art26: string }, cookie: string, shopIndex: number) {
  const get = async (url: string) => (await ctx.app.inject({ method: 'GET', url, headers: { cookie } })).json();
  const post = (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload });
  const site = await shopOn(ctx, hq.subdistrictId, '', '', shopIndex);
  const list = (await get('/api/checklists?siteKind=shop')).items;
  const checklist = await get(`/api/checklists/${list[0].id}`);
  const photo = await uploadPhoto(ctx, cookie);
  const answers = checklist.items.map((it: { id: string }, i: number) =>
    i === 0 ? { itemId: it.id, result: 'fail', resolution: 'reported', photoIds: [photo] } : { itemId: it.id, result: 'pass' });
  const insp = await post('/api/inspections', { siteId: site.id, checklistId: checklist.id, answers });
  expect(insp.statusCode, insp.body).toBe(201);
  const opened = await post('/api/enforcement/cases', { inspectionId: insp.json().id, legalBasisId: hq.art26, facts: '检查不合格' });
  expect(opened.statusCode, opened.body).toBe(201);
  return { site, photo, inspection: insp.json(), ec: opened.json() };
}

/**
 * The officer (`cookie`, enforcer1) opens a ladder at Hongqiao's first shop and issues the order
 * to rectify (责令改正通知书) with enforcer2 co-signing, which writes the ladder's first document.
 * Answers that document.
 */
export async function orderDocument(ctx: TestContext, cookie: string) {
  const hq = await hongqiao(ctx);
  const shop = await ctx.handle.db.selectFrom('sites').select('id').where('subdistrict_id', '=', hq.subdistrictId).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
  const post = (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, payload, headers: { cookie } });
  const opened = await post('/api/enforcement/cases', { siteId: shop.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
  expect(opened.statusCode, opened.body).toBe(201);
  const step = await post(`/api/enforcement/cases/${opened.json().id}/steps`, {
    kind: 'order', version: 1, coOfficerId: await hq.userId('enforcer2'), gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, cookie)], educationGiven: true,
    deadlineAt: workingDeadline(Date.now()), deadlineReason: '店主承诺次日完成整改',
  });
  expect(step.statusCode, step.body).toBe(201);
  return step.json().document as { id: string; pdfSha256: string; verifyCode: string; pdfUrl: string };
}
