import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceNewlyOverdue } from '../../src/domain/service-records/overdue-notices.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { appealRating, decideAppeal, recordCallback, resolveBadRating } from '../../src/domain/service-ratings/followups.js';
import { newId } from '../../src/domain/shared/ids.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { recordFault, recordHeartbeat } from '../../src/domain/service-terminals/health.js';
import { issueTerminalToken } from '../../src/domain/service-terminals/terminals.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import type { SseEvent } from '../helpers/sse.js';
import { actorOf, itemByName, pointByCode, servicesLiveServer } from '../services/helpers.js';

const ID = withCheckDigit('31010519900101005');

type Board = { totals: { records: { acceptedToday: number; overdue: number }; ratings: { bad: number }; badRatings: { open: number }; terminals: { down: number } } };
const board = (e: SseEvent) => e.data as Board;
const isBoard = (pred: (b: Board) => boolean) => (e: SseEvent) => e.event === 'services' && pred(board(e));

/**
 * Front-office changes reach open dashboards (event `services`: the viewer's board) and window
 * screens (event `change`: the point) without a reload, each viewer only within its scope. On
 * PostgreSQL through the instance's live feed (LISTEN), as the case events do; SQLite is one process.
 */
for (const dialect of DIALECTS) {
  describe(`一网通办 live on the dashboard stream [${dialect}]`, () => {
    let server: Awaited<ReturnType<typeof servicesLiveServer>>;
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    const open = async (who: string, path?: string) => server.open(cookies[who]!, path);

    beforeAll(async () => {
      server = await servicesLiveServer(dialect);
      ctx = server.ctx;
      for (const u of ['operator', 'cadre01', 'cadre02', 'xx-operator']) cookies[u] = await signInAs(ctx.app, u);
    }, 60_000);
    afterAll(async () => server?.close());

    const record = async (who: string, pointCode: string) => {
      const actor = await actorOf(ctx, who);
      const point = await pointByCode(ctx, pointCode);
      const item = await itemByName(ctx, '居住证签注');
      return ctx.handle.db.transaction().execute((trx) =>
        createRecord(trx, ctx.clock, actor, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: ID, phone: null }, materials: [] }),
      );
    };

    it("a service recorded at a committee's window reaches that committee's and the subdistrict's dashboards and window screens, no one else's", async () => {
      const [op, c1, c2, xx] = [await open('operator'), await open('cadre01'), await open('cadre02'), await open('xx-operator')];
      const win1 = await open('cadre01', '/api/services/stream');
      const cw01 = await pointByCode(ctx, 'YW008-CW01');
      await record('cadre01', 'YW008-CW01');
      await op.waitFor(isBoard((b) => b.totals.records.acceptedToday === 1));
      await c1.waitFor(isBoard((b) => b.totals.records.acceptedToday === 1));
      expect((await win1.waitFor((e) => e.event === 'change')).data).toEqual({ pointId: cw01.id, kind: 'record' });
      // Markers in another committee and another subdistrict: each viewer's first board is its own.
      await record('cadre02', 'YW008-CW02');
      await record('xx-cadre01', 'YW010-CW01');
      await c2.waitFor((e) => e.event === 'services');
      await xx.waitFor((e) => e.event === 'services');
      for (const s of [c2, xx]) {
        const boards = s.events.filter((e) => e.event === 'services').map((e) => board(e).totals.records.acceptedToday);
        expect(boards.every((n) => n === 1), JSON.stringify(boards)).toBe(true);
      }
      await op.waitFor(isBoard((b) => b.totals.records.acceptedToday === 2));
      // The window screen of CW01 hears only of changes it may see (its committee).
      await c1.waitFor((e) => e.event === 'services');
      expect(win1.events.filter((e) => e.event === 'change').every((e) => e.data.pointId === cw01.id)).toBe(true);
    });

    it('a 差评 from the public rating page moves 好评率 and the open 差评 live', async () => {
      const op = await open('operator');
      const before = (await ctx.app.inject({ url: '/api/dashboard/services', headers: { cookie: cookies.operator! } })).json() as Board;
      const { ratingToken } = await record('cadre01', 'YW008-CW01');
      const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '等了很久' } });
      expect(res.statusCode, res.body).toBe(201);
      await op.waitFor(isBoard((b) => b.totals.badRatings.open === before.totals.badRatings.open + 1 && b.totals.ratings.bad === before.totals.ratings.bad + 1));
    });

    it("a 差评's case closing after its check, and a 差评 voided on appeal, take it off the open 差评 live", async () => {
      const db = ctx.handle.db;
      const op = await open('operator');
      const cadre = await actorOf(ctx, 'cadre01');
      const operator = await actorOf(ctx, 'operator');
      const boardNow = async () => ((await ctx.app.inject({ url: '/api/dashboard/services', headers: { cookie: cookies.operator! } })).json() as Board).totals;
      const rateBadly = async () => {
        const { ratingToken } = await record('cadre01', 'YW008-CW01');
        const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '等了很久' } });
        expect(res.statusCode, res.body).toBe(201);
        return res.json() as { id: string; caseId: string };
      };
      const base = (await boardNow()).badRatings.open;
      const bad = await rateBadly();
      await op.waitFor(isBoard((b) => b.totals.badRatings.open === base + 1));
      // 回访 and rectification: the case is handled, still open.
      const photoId = newId();
      await db.insertInto('photos').values({
        id: photoId, subdistrict_id: cadre.subdistrictId, uploaded_by: cadre.userId, sha256: photoId.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
        width: 10, height: 10, storage_key: `test/${photoId}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
      } as never).execute();
      await db.transaction().execute((trx) => recordCallback(trx, ctx.clock, cadre, bad.id, { note: '已电话回访评价人' }));
      const c = await db.selectFrom('cases').select('version').where('id', '=', bad.caseId).executeTakeFirstOrThrow();
      await db.transaction().execute((trx) => resolveBadRating(trx, ctx.clock, cadre, bad.id, { version: c.version, resolution: 'rectify', note: '增设午间窗口', photoIds: [photoId] }));
      // A marker: once the dashboard has it, every earlier notice has been read.
      const accepted = (await boardNow()).records.acceptedToday;
      await record('cadre01', 'YW008-CW01');
      await op.waitFor(isBoard((b) => b.totals.records.acceptedToday === accepted + 1 && b.totals.badRatings.open === base + 1));
      // A dashboard opened now hears of the check closing the case, through the front office's notices.
      const fresh = await open('operator');
      await fresh.waitFor((e) => e.event === 'ready');
      const handled = await db.selectFrom('cases').select('version').where('id', '=', bad.caseId).executeTakeFirstOrThrow();
      await db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operator, bad.caseId, { action: 'check_pass', version: handled.version, note: '已核实整改到位' }));
      await fresh.waitFor(isBoard((b) => b.totals.badRatings.open === base));
      // Voided on appeal (a second person upholds it): off the count while its case is still open.
      const other = await rateBadly();
      await fresh.waitFor(isBoard((b) => b.totals.badRatings.open === base + 1));
      await db.transaction().execute((trx) => appealRating(trx, ctx.clock, cadre, other.id, { reason: '评价人当日并未到窗口办理，疑为误评' }));
      await db.transaction().execute((trx) => decideAppeal(trx, ctx.clock, operator, other.id, { upheld: true, note: '核实监控，申诉成立' }));
      await fresh.waitFor(isBoard((b) => b.totals.badRatings.open === base && fresh.events.filter((e) => e.event === 'services' && board(e).totals.badRatings.open === base + 1).length > 0));
      expect((await boardNow()).badRatings.open).toBe(base);
    });

    it('a terminal going down and coming back up shows on the board both times', async () => {
      const op = await open('operator');
      const admin = await actorOf(ctx, 'district-admin');
      const t1 = await pointByCode(ctx, 'YW008-T1');
      const { token } = await ctx.handle.db.transaction().execute((trx) => issueTerminalToken(trx, ctx.clock, admin, t1.id));
      await ctx.handle.db.transaction().execute((trx) => recordFault(trx, ctx.clock, token, { code: 'E-PRINTER', text: '打印机缺纸' }));
      await op.waitFor(isBoard((b) => b.totals.terminals.down === 1));
      await ctx.handle.db.transaction().execute((trx) => recordHeartbeat(trx, ctx.clock, token, {}));
      const up = await op.waitFor((e) => e.event === 'services' && board(e).totals.terminals.down === 0 && op.events.some((x) => x.event === 'services' && board(x).totals.terminals.down === 1 && x.at < e.at));
      expect(up).toBeTruthy();
    });

    it('a record whose promised limit passes is announced by the overdue round, once', async () => {
      const op = await open('operator');
      const { record: r } = await record('cadre01', 'YW008-CW01');
      await ctx.handle.db.updateTable('service_records').set({ due_at: new Date(ctx.clock.now().getTime() + 60_000).toISOString() }).where('id', '=', r.id).execute();
      const overdueNow = async () => ((await ctx.app.inject({ url: '/api/dashboard/services', headers: { cookie: cookies.operator! } })).json() as Board).totals.records.overdue;
      expect(await announceNewlyOverdue(ctx.handle.db, ctx.clock)).toBe(0); // the first round starts the cursor
      const before = await overdueNow();
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 120_000).toISOString());
      expect(await announceNewlyOverdue(ctx.handle.db, ctx.clock)).toBe(1);
      await op.waitFor(isBoard((b) => b.totals.records.overdue === before + 1));
      expect(await announceNewlyOverdue(ctx.handle.db, ctx.clock)).toBe(0);
    });

    it.runIf(dialect === 'postgres')('a rolled-back change tells no one; after the feed reconnects, every window screen re-reads', async () => {
      const win = await open('cadre01', '/api/services/stream');
      await expect(ctx.handle.db.transaction().execute(async (trx) => {
        const actor = await actorOf(ctx, 'cadre01');
        const point = await pointByCode(ctx, 'YW008-CW01');
        const item = await itemByName(ctx, '居住证签注');
        await createRecord(trx, ctx.clock, actor, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: ID, phone: null }, materials: [] });
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      const before = server.feed!.reconnects;
      server.feed!.dropConnection();
      const resync = await win.waitFor((e) => e.event === 'change');
      expect(resync.data).toEqual({ pointId: null, kind: null });
      expect(server.feed!.reconnects).toBeGreaterThan(before);
      // Nothing of the rolled-back record arrived before the resync.
      expect(win.events.filter((e) => e.event === 'change')).toHaveLength(1);
    });
  });
}
