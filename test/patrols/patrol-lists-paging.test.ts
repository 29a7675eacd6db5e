import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoSweeps } from '../../src/domain/demo/seed-demo-sweeps.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { committeeOf, insertPhoto } from './factories.js';

interface Row { id: string; at: string; subdistrict: string; committee: string; flagged: boolean }
type Page = { items: { id: string }[]; nextCursor: string | null };

/** Newest first, ties by id descending: the order the three lists promise. */
const newestFirst = (rows: Row[]) => [...rows].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).map((r) => r.id);

// Check-ins, missed windows and inspections come in keyset pages: walked at any page size, by a
// subdistrict operator or a committee's cadre, the pages hold every row of the scope once, in order.
for (const dialect of DIALECTS) {
  describe(`patrol lists in pages [${dialect}]`, () => {
    let ctx: TestContext;
    let operator: string;
    let cadre: string;
    let cadreCommittee: string;
    let operatorSubdistrict: string;
    const rows = { checkins: [] as Row[], misses: [] as Row[], inspections: [] as Row[] };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      const now = ctx.clock.now();
      cadreCommittee = await committeeOf(db, 'cadre01');
      operatorSubdistrict = (await db.selectFrom('users').select('subdistrict_id').where('username', '=', 'operator').executeTakeFirstOrThrow()).subdistrict_id!;
      const rooms = await db.selectFrom('sites').select(['id', 'subdistrict_id', 'committee_id']).where('kind', '=', 'bin_room').orderBy('id').execute();
      const staff = await db.selectFrom('users').select('id').where('username', '=', 'cadre01').executeTakeFirstOrThrow();
      const photo = await insertPhoto(db, 'cadre01');
      // Three days of check-ins and misses; many rows share an instant, so the id decides their order.
      const checkins = [];
      const misses = [];
      for (const [day, date] of ['2026-05-23', '2026-05-24', '2026-05-25'].entries()) {
        for (const [i, room] of rooms.entries()) {
          const at = new Date(Date.parse(`${date}T00:00:00Z`) + (i % 5) * 60_000).toISOString();
          const flagged = (i + day) % 4 === 0;
          checkins.push({
            id: newId(), subdistrict_id: room.subdistrict_id, committee_id: room.committee_id, site_id: room.id, user_id: staff.id, local_date: date,
            window_key: `${date}@07:00-09:00`, in_window: 1, method: flagged ? 'manual' : 'gps', status: 'on_site', photo_id: photo,
            manual_reason: flagged ? 'weak_signal' : null, first_at: at, last_at: at, repeat_count: 0, evidence_flags: '[]',
          });
          rows.checkins.push({ id: checkins.at(-1)!.id, at, subdistrict: room.subdistrict_id, committee: room.committee_id, flagged });
          const end = `${date}T12:00:00.000Z`;
          misses.push({
            id: newId(), subdistrict_id: room.subdistrict_id, committee_id: room.committee_id, site_id: room.id, subject: 'site', user_id: null,
            local_date: date, window_key: `${date}@17:30-20:00`, window_end_at: end, created_at: now.toISOString(),
          });
          rows.misses.push({ id: misses.at(-1)!.id, at: end, subdistrict: room.subdistrict_id, committee: room.committee_id, flagged: false });
        }
      }
      for (let i = 0; i < checkins.length; i += 200) await db.insertInto('checkins').values(checkins.slice(i, i + 200) as any).execute();
      for (let i = 0; i < misses.length; i += 200) await db.insertInto('checkin_misses').values(misses.slice(i, i + 200) as any).execute();
      // Inspections from the demo's two-week sweep; a third of them moved onto shared instants.
      await seedDemoSweeps(db, ctx.clock, { files: filesFor(ctx.deps.config), settings: ctx.deps.config.patrol }, 11);
      const inspections = await db.selectFrom('inspections').select(['id', 'subdistrict_id', 'committee_id', 'recorded_at']).orderBy('id').execute();
      for (const [i, r] of inspections.entries()) {
        let at = r.recorded_at;
        const flagged = i % 3 === 0;
        if (i % 3 === 1) at = '2026-05-20T03:00:00.000Z';
        if (at !== r.recorded_at || flagged) {
          await db.updateTable('inspections').set({ recorded_at: at, evidence_flags: flagged ? '[{"code":"reused_photo"}]' : '[]' }).where('id', '=', r.id).execute();
        }
        rows.inspections.push({ id: r.id, at, subdistrict: r.subdistrict_id, committee: r.committee_id, flagged });
      }
      operator = await signInAs(ctx.app, 'operator');
      cadre = await signInAs(ctx.app, 'cadre01');
    }, 120_000);
    afterAll(async () => ctx?.close());

    async function walk(cookie: string, url: string, query: Record<string, string>, limit: number): Promise<string[]> {
      const ids: string[] = [];
      let after: string | null = null;
      for (let pages = 0; ; pages++) {
        const qs = new URLSearchParams({ ...query, limit: String(limit), ...(after ? { after } : {}) });
        const res = await ctx.app.inject({ method: 'GET', url: `${url}?${qs}`, headers: { cookie } });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as Page;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        ids.push(...page.items.map((r) => r.id));
        if (!page.nextCursor) return ids;
        expect(page.items.length).toBe(limit);
        after = page.nextCursor;
        expect(pages).toBeLessThan(5000);
      }
    }

    const lists = [
      { name: 'check-ins', url: '/api/checkins', rows: () => rows.checkins, query: {} as Record<string, string> },
      { name: 'flagged check-ins', url: '/api/checkins', rows: () => rows.checkins.filter((r) => r.flagged), query: { flagged: 'true' } },
      { name: 'missed windows', url: '/api/checkins/misses', rows: () => rows.misses, query: { subject: 'site' } },
      { name: 'inspections', url: '/api/inspections', rows: () => rows.inspections, query: {} },
      { name: 'flagged inspections', url: '/api/inspections', rows: () => rows.inspections.filter((r) => r.flagged), query: { flagged: 'true' } },
    ];

    for (const list of lists) {
      it(`${list.name}: every row of the scope once, newest first, at any page size`, async () => {
        const all = list.rows().filter((r) => r.subdistrict === operatorSubdistrict);
        const mine = all.filter((r) => r.committee === cadreCommittee);
        // Other subdistricts' rows exist and stay out of the operator's pages.
        expect(list.rows().length).toBeGreaterThan(all.length);
        expect(all.length).toBeGreaterThan(40);
        expect(mine.length).toBeGreaterThan(3);
        expect(mine.length).toBeLessThan(all.length);
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 2, max: 400 }), async (limit) => {
            expect(await walk(operator, list.url, list.query, limit)).toEqual(newestFirst(all));
            expect(await walk(cadre, list.url, list.query, Math.max(1, limit >> 3))).toEqual(newestFirst(mine));
          }),
          { numRuns: 3, examples: [[all.length], [all.length - 1]] },
        );
      });
    }

    it('campaigns: every campaign in scope once, latest start first, and the dashboard shows every running one', async () => {
      const db = ctx.handle.db;
      const subs = await db.selectFrom('subdistricts').select('id').orderBy('id').execute();
      const today = '2026-05-26';
      const made: { id: string; start: string; sub: string; running: boolean }[] = [];
      for (let i = 0; i < 80; i++) {
        const sub = i % 10 === 0 ? subs.find((s) => s.id !== operatorSubdistrict)!.id : operatorSubdistrict;
        // Starts on a few shared days, so the id decides the order within a day.
        const start = `2026-05-${String(10 + (i % 12)).padStart(2, '0')}`;
        const end = i % 9 === 0 ? '2026-05-24' : '2026-06-08';
        const id = newId();
        await db.insertInto('campaigns').values({
          id, subdistrict_id: sub, name: `排查 ${i}`, site_kinds: JSON.stringify(['shop']), committee_ids: null,
          start_date: start, end_date: end, created_by: null, created_at: new Date().toISOString(),
        }).execute();
        made.push({ id, start, sub, running: start <= today && end >= today });
      }
      const existing = await db.selectFrom('campaigns').select(['id', 'start_date', 'end_date', 'subdistrict_id']).where('id', 'not in', made.map((m) => m.id)).execute();
      const all = [...made, ...existing.map((c) => ({ id: c.id, start: c.start_date, sub: c.subdistrict_id, running: c.start_date <= today && c.end_date >= today }))]
        .filter((c) => c.sub === operatorSubdistrict);
      const order = newestFirst(all.map((c) => ({ id: c.id, at: c.start, subdistrict: c.sub, committee: '', flagged: false })));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 100 }), async (limit) => {
          expect(await walk(operator, '/api/campaigns', {}, limit)).toEqual(order);
        }),
        { numRuns: 2, examples: [[all.length], [all.length - 1], [3]] },
      );
      ctx.clock.set('2026-05-26T02:30:00Z');
      const board = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/coverage', headers: { cookie: operator } });
      expect(board.statusCode, board.body).toBe(200);
      const running = all.filter((c) => c.running).map((c) => c.id).sort();
      expect(running.length).toBeGreaterThan(50);
      expect((board.json().campaigns as { id: string }[]).map((c) => c.id).sort()).toEqual(running);
    });

    it('answers a cursor it did not give and a page too large with a 400 naming the field', async () => {
      for (const url of ['/api/checkins', '/api/checkins/misses', '/api/inspections', '/api/campaigns']) {
        for (const [query, field] of [['after=bm9wZQ', 'after'], ['limit=0', 'limit'], ['limit=100000', 'limit']]) {
          const bad = await ctx.app.inject({ method: 'GET', url: `${url}?${query}`, headers: { cookie: operator } });
          expect(bad.statusCode, `${url}?${query}`).toBe(400);
          expect(bad.json().error.details.fields[0]).toMatchObject({ field });
        }
      }
    });
  });
}
