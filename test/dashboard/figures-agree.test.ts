import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

/**
 * The same figure is equal on every surface: the console and the wall (which send only a
 * window), a named subdistrict, the PDF, the 红黑榜 rows and the daily line.
 */
for (const dialect of DIALECTS) {
  describe(`the same score and rate on every surface [${dialect}]`, () => {
    let f: CaseFixture;
    const cookies: Record<string, string> = {};
    const version = new Map<string, number>();
    let c001: string;
    let c002: string;
    const get = async (who: string, url: string) => {
      const res = await f.ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } });
      expect(res.statusCode, `${url} ${res.body.slice(0, 300)}`).toBe(200);
      return res;
    };
    const json = async (who: string, url: string) => (await get(who, url)).json();
    const act = async (who: Actor, id: string, action: string, extra: Record<string, unknown> = {}) => {
      f.ctx.clock.advance(60_000);
      const next = await f.act(who, id, { action, version: version.get(id)!, ...extra } as never);
      version.set(id, next.version);
    };
    const dispatched = async (committee: 'c001' | 'c002') => {
      f.ctx.clock.advance(60_000);
      const db = f.ctx.handle.db;
      const site = committee === 'c001' ? f.binRoom : await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', c002).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const c = await f.report(f.actors.patrol1, { photoIds: [await f.photo(f.actors.patrol1)], siteId: site.id, lng: Number(site.lng), lat: Number(site.lat) });
      version.set(c.id, c.version);
      await act(f.actors.operator, c.id, 'file');
      await act(f.actors.operator, c.id, 'dispatch', { unitId: f.units.handler1 });
      return c.id;
    };
    const handle = async (id: string) => act(f.actors.handler1, id, 'handle', { note: '已整改', photoIds: [await f.photo(f.actors.handler1)] });
    const fold = async () => {
      while ((await foldPendingEvents(f.ctx.handle.db, f.ctx.clock)).length);
    };

    beforeAll(async () => {
      f = await caseFixture(dialect);
      const db = f.ctx.handle.db;
      c001 = f.binRoom.committeeId;
      c002 = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('code', '=', '002').executeTakeFirstOrThrow()).id;
    });
    /** After the clock moves (a session signs out when idle). */
    const signIn = async () => {
      for (const u of ['operator', 'cadre01', 'district-admin']) cookies[u] = await signInAs(f.ctx.app, u);
    };
    afterAll(async () => f.ctx.close());

    it("scores a subdistrict's figures with its configured weights whether or not the subdistrict is named, in the PDF and on the 红黑榜 too", async () => {
      f.ctx.clock.set('2026-07-01T01:00:00Z');
      // Committee 001: handled, waiting for its check (closure 0 %, on time 100 %). Committee 002: handled and closed.
      await handle(await dispatched('c001'));
      const closed = await dispatched('c002');
      await handle(closed);
      await act(f.actors.patrol1, closed, 'check_pass');
      await fold();
      // Hongqiao weighs the closure rate only: its score is 50 (D); the default weights would give 70 (C).
      await f.ctx.handle.db.insertInto('dashboard_settings').values({
        subdistrict_id: f.hq, weights: JSON.stringify({ closureRate: 100, onTimeClosureRate: 0, onTimeHandlingRate: 0, noRework: 0 }), updated_at: f.ctx.clock.now().toISOString(),
      }).execute();
      f.ctx.clock.set('2026-07-02T02:00:00Z');
      await signIn();
      const q = 'window=custom&from=2026-07-01&to=2026-07-01';

      const plain = await json('operator', `/api/dashboard/summary?${q}`);
      const named = await json('operator', `/api/dashboard/summary?${q}&subdistrictId=${f.hq}`);
      expect([plain.score, plain.grade]).toEqual([50, 'D']);
      expect([named.score, named.grade, named.weights]).toEqual([plain.score, plain.grade, plain.weights]);
      // A district's administrator asking about Hongqiao sees the same.
      const fromAbove = await json('district-admin', `/api/dashboard/summary?${q}&subdistrictId=${f.hq}`);
      expect([fromAbove.score, fromAbove.grade]).toEqual([50, 'D']);

      // The PDF (which names the subdistrict) and the console (which does not) print the same.
      for (const url of ['/api/dashboard/report.pdf?period=weekly&end=2026-07-01', `/api/dashboard/report.pdf?period=weekly&end=2026-07-01&subdistrictId=${f.hq}`]) {
        const text = (await pdfText((await get('operator', url)).rawPayload)).replace(/\s+/g, '');
        const weekly = await json('operator', `/api/dashboard/summary?window=custom&from=2026-06-25&to=2026-07-01`);
        expect(text, url).toContain(`综合得分：${weekly.score}等级：${weekly.grade}`);
        expect(weekly.score).toBe(50);
      }

      // A committee's score on the 红黑榜 is its own summary's, named or not; so is a unit's.
      const committeeScore = new Map<string, number>();
      for (const c of [c001, c002]) committeeScore.set(c, (await json('operator', `/api/dashboard/summary?${q}&committeeId=${c}`)).score);
      expect([committeeScore.get(c001), committeeScore.get(c002)]).toEqual([0, 100]);
      for (const url of [`/api/dashboard/rankings?of=committee&${q}`, `/api/dashboard/rankings?of=committee&${q}&subdistrictId=${f.hq}`]) {
        const rows = (await json('operator', url)).rows as { id: string; score: number }[];
        expect(rows.map((r) => [r.id, r.score]).sort(), url).toEqual([[c001, 0], [c002, 100]].sort());
      }
      const cadre = await json('cadre01', `/api/dashboard/summary?${q}`);
      expect(cadre.score).toBe(committeeScore.get(c001));
      // Citywide, Hongqiao's row and its unit's rows carry Hongqiao's weights.
      const city = await json('district-admin', `/api/dashboard/rankings?of=committee&${q}`);
      expect(city.level).toBe('subdistrict');
      expect(city.rows.find((r: { id: string }) => r.id === f.hq).score).toBe(50);
      const unit = await json('operator', `/api/dashboard/summary?${q}&unitId=${f.units.handler1}`);
      expect(unit.score).toBe(50);
      for (const who of ['operator', 'district-admin']) {
        const units = await json(who, `/api/dashboard/rankings?of=unit&${q}`);
        expect(units.rows.find((r: { id: string }) => r.id === f.units.handler1).score, who).toBe(unit.score);
      }
    });

    it("each day's 按期处置率 on the daily line is that day's KPI: its overdue, never-handled cases count among the due", async () => {
      const db = f.ctx.handle.db;
      f.ctx.clock.set('2026-07-06T01:00:00Z'); // Monday 09:00 Shanghai
      const late = await dispatched('c001');
      await handle(await dispatched('c002'));
      const due = (await db.selectFrom('cases').select('stage_due_at').where('id', '=', late).executeTakeFirstOrThrow()).stage_due_at!;
      f.ctx.clock.set(new Date(Date.parse(due) + 60_000));
      await sweepCaseDeadlines(db, f.ctx.clock);
      await fold();
      expect((await db.selectFrom('cases').select('overdue_at').where('id', '=', late).executeTakeFirstOrThrow()).overdue_at).not.toBeNull();
      await signIn();
      const from = '2026-07-05';
      const to = new Date(Date.parse(due) + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
      const line = await json('operator', `/api/dashboard/trends/daily?window=custom&from=${from}&to=${to}`);
      const points = line.points as { day: string; overdueUnhandled: number; onTimeHandlingRate: number | null }[];
      const alone: { onTimeHandlingRate: number | null; overdueUnhandled: number }[] = [];
      for (const p of points) alone.push((await json('operator', `/api/dashboard/summary?window=custom&from=${p.day}&to=${p.day}`)).kpis);
      expect(points.map((p) => [p.day, p.onTimeHandlingRate])).toEqual(points.map((p, i) => [p.day, alone[i]!.onTimeHandlingRate]));
      expect(points.map((p) => p.overdueUnhandled)).toEqual(alone.map((k) => k.overdueUnhandled));
      const overdue = points.reduce((n, p) => n + p.overdueUnhandled, 0);
      expect(overdue).toBe(1);
      const window = await json('operator', `/api/dashboard/summary?window=custom&from=${from}&to=${to}`);
      expect(window.kpis.overdueUnhandled).toBe(overdue);
    });
  });
}
