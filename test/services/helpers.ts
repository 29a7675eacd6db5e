import type { DialectKind } from '../../src/db/index.js';
import type { ServiceRatingTable } from '../../src/db/schema.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { type TestContext, actorOf, demoContext, signInAs } from '../helpers/app.js';
import { liveServer } from '../helpers/live-server.js';

/** The Hongqiao demo plus its 一网通办 catalogue, grids and network; the clock at 2026-05-26 10:30 Shanghai. */
export async function servicesContext(kind: DialectKind): Promise<TestContext> {
  return demoContext(kind, {}, 'services');
}

export async function itemByName(ctx: TestContext, name: string) {
  return ctx.handle.db
    .selectFrom('service_items')
    .innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
    .select(['service_items.id', 'v.id as versionId', 'v.promised_limit_days', 'v.materials'])
    .where('v.name_zh', '=', name)
    .where('v.version', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function pointByCode(ctx: TestContext, code: string) {
  return ctx.handle.db.selectFrom('service_points').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

export { actorOf };

/**
 * A service record served by cadre01 at 安顺's window (居住证签注), to clone: each rating needs a record of
 * its own (one rating per record). `clone(n)` inserts n copies and answers their ids.
 */
export async function recordToClone(ctx: TestContext) {
  const db = ctx.handle.db;
  const cadre = await actorOf(ctx, 'cadre01');
  const point = await pointByCode(ctx, 'YW008-CW01');
  const item = await itemByName(ctx, '居住证签注');
  const first = await db.transaction().execute((trx) =>
    createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005') }, materials: [] }),
  );
  const row = await db.selectFrom('service_records').selectAll().where('id', '=', first.record.id).executeTakeFirstOrThrow();
  let copies = 0;
  return {
    row,
    async clone(n: number): Promise<string[]> {
      const rows = Array.from({ length: n }, () => ({ ...row, id: newId(), number: `${row.number}-${copies++}`, rating_token_hash: newId() }));
      for (let i = 0; i < rows.length; i += 50) await db.insertInto('service_records').values(rows.slice(i, i + 50)).execute();
      return rows.map((r) => r.id);
    },
  };
}

/** A service_ratings row for `recordId` at `point` (its subdistrict and committee), rated at `at`; voided then too if asked. */
export function ratingRow(o: {
  recordId: string; point: { id: string; subdistrict_id: string; committee_id: string | null }; itemId: string; staffId: string; level: number; at: string;
  voided?: boolean; scores?: Record<string, number>; comment?: string | null;
}): ServiceRatingTable {
  return {
    id: newId(), record_id: o.recordId, subdistrict_id: o.point.subdistrict_id, committee_id: o.point.committee_id, point_id: o.point.id, item_id: o.itemId,
    staff_id: o.staffId, level: o.level, scores: JSON.stringify(o.scores ?? {}), comment: o.comment ?? null, named: 1, channel: 'qr', rated_at: o.at,
    voided_at: o.voided ? o.at : null, case_id: null,
  };
}

/** The first item the point offers whose category takes tickets with `prefix` (by the catalogue's order). */
export async function offeredItemWithPrefix(ctx: TestContext, pointId: string, prefix: string): Promise<string> {
  return (await ctx.handle.db
    .selectFrom('service_items').innerJoin('service_categories as c', 'c.id', 'service_items.category_id').innerJoin('service_point_items as pi', 'pi.item_id', 'service_items.id')
    .select('service_items.id').where('c.ticket_prefix', '=', prefix).where('pi.point_id', '=', pointId).orderBy('service_items.sort_order').executeTakeFirstOrThrow()).id;
}

/** A POST as the signed-in clerk of `cookie` (a body only when given). */
export const postAs = (ctx: TestContext, cookie: string) => (url: string, payload?: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload === undefined ? {} : { payload }) });

/** The body of a service record at the window for one applicant (孙杰), no materials. */
export const windowRecordBody = (pointId: string, itemId: string, ticketId: string | null, appointmentId: string | null = null) => ({
  pointId, itemId, ticketId, appointmentId, applicant: { name: '孙杰', idNumber: withCheckDigit('31010519850312002'), phone: null }, materials: [],
});

/**
 * The window the queue tests work at: 安顺's committee window (YW008-CW01), its clerk cadre01
 * signed in, 居住证签注 as the item its tickets are taken for (item A), and a POST as that clerk.
 */
export async function cadreWindow(ctx: TestContext) {
  const point = await pointByCode(ctx, 'YW008-CW01');
  const itemA = (await itemByName(ctx, '居住证签注')).id;
  const cookie = await signInAs(ctx.app, 'cadre01');
  return { point, itemA, cookie, post: postAs(ctx, cookie) };
}

/** The services demo with the queue tests' window in it (cadreWindow): for a describe's beforeAll; close with `ctx.close()`. */
export async function cadreWindowContext(kind: DialectKind) {
  const ctx = await servicesContext(kind);
  return { ctx, ...(await cadreWindow(ctx)) };
}

/** The services demo served with its live feed for stream tests (liveServer); `close` closes the streams, the feed and the context. */
export async function servicesLiveServer(kind: DialectKind) {
  const ctx = await servicesContext(kind);
  try {
    const server = await liveServer(ctx);
    return { ctx, open: server.open, feed: server.feed, async close() { await server.close(); await ctx.close(); } };
  } catch (e) {
    await ctx.close();
    throw e;
  }
}

/** A service `username` gave at the committee window YW008-CW01 and completed on the spot: the record and its rating token. */
export async function completedService(ctx: TestContext, username = 'cadre01', item = '居住登记') {
  const staff = await actorOf(ctx, username);
  const point = await pointByCode(ctx, 'YW008-CW01');
  const { id: itemId } = await itemByName(ctx, item);
  return ctx.handle.db.transaction().execute(async (trx) => {
    const out = await createRecord(trx, ctx.clock, staff, { pointId: point.id, itemId, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13700000000' }, materials: [] });
    await stepRecord(trx, ctx.clock, staff, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
    return out;
  });
}

/** A 差评 (★1, with its reason) given now on the public page to a service `username` gave: the rating's and its case's ids. */
export async function badRatingOf(ctx: TestContext, username: string, item = '居住登记') {
  const { ratingToken } = await completedService(ctx, username, item);
  const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '窗口态度差' } });
  if (res.statusCode !== 201) throw new Error(`rating refused: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; caseId: string };
}
