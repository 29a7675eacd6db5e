import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { seedDemoEnforcement } from '../../src/domain/demo/seed-demo-enforcement.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { enforcementReinspectionsPoller } from '../../src/jobs/enforcement-reinspections.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`the demo's enforcement ladders [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx?.close());

    it('takes two shops up the ladder through the officers\' own steps: a notice due tomorrow and an order due tomorrow, with their documents', async () => {
      const db = ctx.handle.db;
      expect(await seedDemoEnforcement(db, filesFor(ctx.deps.config), ctx.clock.now())).toBe(2);
      const enforcer = await signInAs(ctx.app, 'enforcer1');
      const desk = await ctx.app.inject({ method: 'GET', url: '/api/enforcement/cases?view=open', headers: { cookie: enforcer } });
      expect(desk.statusCode, desk.body).toBe(200);
      const ladders = desk.json().items as { id: string; stage: string; deadlineAt: string }[];
      expect(ladders.map((l) => l.stage).sort()).toEqual(['noticed', 'ordered']);
      const tomorrowEnd = ctx.clock.now().getTime() + 2 * 86_400_000;
      for (const l of ladders) {
        expect(Date.parse(l.deadlineAt)).toBeGreaterThan(ctx.clock.now().getTime());
        expect(Date.parse(l.deadlineAt)).toBeLessThan(tomorrowEnd);
        const detail = (await ctx.app.inject({ method: 'GET', url: `/api/enforcement/cases/${l.id}`, headers: { cookie: enforcer } })).json();
        expect(detail.documents.length).toBe(l.stage === 'noticed' ? 2 : 1);
        const pdf = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${detail.documents[0].id}/pdf`, headers: { cookie: enforcer } });
        expect(pdf.statusCode).toBe(200);
        expect(pdf.headers['content-type']).toBe('application/pdf');
      }
      // Each step is on the case's hash chain like any other.
      const sub = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      expect((await verifyChain(db, sub)).ok).toBe(true);

      // The day after tomorrow both deadlines have passed: the platform dispatches both re-inspections,
      // listed the earliest due first, a page at a time.
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 2 * 86_400_000));
      expect(await enforcementReinspectionsPoller({ db, config: ctx.deps.config, clock: ctx.clock }).runOnce()).toBe(2);
      const officer = await signInAs(ctx.app, 'enforcer1');
      const dueUrl = '/api/enforcement/reinspections/due-today';
      const whole = (await ctx.app.inject({ method: 'GET', url: dueUrl, headers: { cookie: officer } })).json();
      expect(whole.items.map((d: { enforcementCaseId: string }) => d.enforcementCaseId).sort()).toEqual(ladders.map((l) => l.id).sort());
      expect(whole.nextCursor).toBeNull();
      const dues = whole.items.map((d: { dueAt: string }) => d.dueAt);
      expect([...dues].sort()).toEqual(dues);
      const first = (await ctx.app.inject({ method: 'GET', url: `${dueUrl}?limit=1`, headers: { cookie: officer } })).json();
      expect(first.items).toEqual(whole.items.slice(0, 1));
      const rest = (await ctx.app.inject({ method: 'GET', url: `${dueUrl}?limit=1&after=${first.nextCursor}`, headers: { cookie: officer } })).json();
      expect(rest).toEqual({ items: whole.items.slice(1), nextCursor: null });
    });
  });
}
