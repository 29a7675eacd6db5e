import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`cases API scope [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let caseA: { id: string; version: number };
    let caseB: { id: string; version: number; number: string };
    let catA0301: string;
    let unit1: string;
    let siteB: { id: string; lng: number; lat: number };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      for (const u of ['operator', 'patrol1', 'handler1', 'handler2', 'cadre01', 'cadre02', 'xx-operator', 'xx-admin']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const coms = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq.id).orderBy('code').limit(2).execute();
      const site = async (committeeId: string) => {
        const s = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', committeeId).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
        return { id: s.id, lng: Number(s.lng), lat: Number(s.lat) };
      };
      const siteA = await site(coms[0]!.id);
      siteB = await site(coms[1]!.id);
      catA0301 = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
      const report = async (s: { id: string; lng: number; lat: number }) =>
        (await ctx.app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: cookies.patrol1! }, payload: { source: 'patrol', categoryId: catA0301, siteId: s.id, lng: s.lng, lat: s.lat, description: '混投' } })).json();
      caseA = await report(siteA);
      caseB = await report(siteB);
      for (const c of [caseA, caseB]) {
        await ctx.app.inject({ method: 'POST', url: `/api/cases/${c.id}/transitions`, headers: { cookie: cookies.operator! }, payload: { action: 'file', version: 1 } });
      }
      await ctx.app.inject({ method: 'POST', url: `/api/cases/${caseB.id}/transitions`, headers: { cookie: cookies.operator! }, payload: { action: 'dispatch', version: 2, unitId: unit1 } });
      caseB.version = 3;
    });
    afterAll(async () => ctx.close());

    const routes = [
      ['GET', (id: string) => `/api/cases/${id}`, undefined],
      ['GET', (id: string) => `/api/cases/${id}/dispatch-suggestions`, undefined],
      ['POST', (id: string) => `/api/cases/${id}/transitions`, { action: 'request_hold', version: 3, reason: 'x' }],
      ['POST', (id: string) => `/api/cases/${id}/transitions`, { action: 'redispatch', version: 3, unitId: 'x', reason: 'x' }],
      ['POST', () => '/api/cases/bulk-dispatch', (id: string) => ({ unitId: 'x', items: [{ caseId: id, version: 3 }] })],
    ] as const;

    for (const [method, url, payload] of routes) {
      it(`${method} ${url(':id')} answers 404 to a cadre of another committee, the other subdistrict and another unit's handler`, async () => {
        const before = await ctx.handle.db.selectFrom('cases').select(['version', 'status']).where('id', '=', caseB.id).executeTakeFirstOrThrow();
        for (const who of ['cadre01', 'xx-operator', 'xx-admin', 'handler2']) {
          const body = typeof payload === 'function' ? payload(caseB.id) : payload;
          const res = await ctx.app.inject({ method, url: url(caseB.id), headers: { cookie: cookies[who]! }, payload: body as object | undefined });
          // Bulk dispatch is the desk's (cases.dispatch): a cadre or handler is refused by the permission table before any case is read.
          const refusedByRole = url(':id') === '/api/cases/bulk-dispatch' && (who === 'cadre01' || who === 'handler2');
          expect(res.statusCode, `${who}: ${res.body}`).toBe(refusedByRole ? 403 : 404);
          expect(res.json().error.code).toBe(refusedByRole ? 'forbidden' : 'not_found');
        }
        const after = await ctx.handle.db.selectFrom('cases').select(['version', 'status']).where('id', '=', caseB.id).executeTakeFirstOrThrow();
        expect(after).toEqual(before);
      });
    }

    it('lists, searches and offers duplicates only within scope', async () => {
      const ids = async (who: string, url: string) => (await ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } })).json().items.map((x: { id: string }) => x.id);
      expect(await ids('cadre01', '/api/cases?limit=200')).toEqual([caseA.id]);
      expect(await ids('cadre02', '/api/cases?limit=200')).toEqual([caseB.id]);
      expect(await ids('xx-operator', '/api/cases?limit=200')).toEqual([]);
      expect(await ids('cadre01', `/api/cases?q=${caseB.number}`)).toEqual([]);
      expect(await ids('cadre01', `/api/cases/duplicates?categoryId=${catA0301}&lng=${siteB.lng}&lat=${siteB.lat}`)).toEqual([]);
      expect(await ids('cadre02', `/api/cases/duplicates?categoryId=${catA0301}&lng=${siteB.lng}&lat=${siteB.lat}`)).toEqual([caseB.id]);
    });

    it('shows handlers only the cases dispatched to their unit', async () => {
      const ids = async (who: string, url: string) => (await ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } })).json().items.map((x: { id: string }) => x.id);
      expect(await ids('handler1', '/api/cases?limit=200')).toEqual([caseB.id]);
      expect(await ids('handler1', '/api/me/tasks')).toEqual([caseB.id]);
      expect(await ids('handler2', '/api/cases?limit=200')).toEqual([]);
      const res = await ctx.app.inject({ method: 'GET', url: `/api/cases/${caseA.id}`, headers: { cookie: cookies.handler1! } });
      expect(res.statusCode).toBe(404);
    });

    it('does not merge into a case out of scope (no leak: unknown case)', async () => {
      const res = await ctx.app.inject({
        method: 'POST', url: `/api/cases/${caseA.id}/transitions`, headers: { cookie: cookies['xx-operator']! }, payload: { action: 'merge', version: 2, targetCaseId: caseB.id },
      });
      expect(res.statusCode).toBe(404);
    });

    it('dispatches to a named person only if they could then open the case: else 400 on userId; the picker offers only them', async () => {
      const db = ctx.handle.db;
      const user = (name: string) => db.selectFrom('users').select(['id', 'handling_unit_id']).where('username', '=', name).executeTakeFirstOrThrow();
      const [cadre02, handler3, sanitation] = [await user('cadre02'), await user('handler3'), await user('sanitation')];
      const committeeB = (await db.selectFrom('cases').select('committee_id').where('id', '=', caseB.id).executeTakeFirstOrThrow()).committee_id;
      // handler3 now covers committee B only; sanitation has lost its unit.
      await db.updateTable('user_scopes').set({ committee_id: committeeB }).where('user_id', '=', handler3.id).execute();
      await db.updateTable('users').set({ handling_unit_id: null }).where('id', '=', sanitation.id).execute();
      try {
        const dispatch = (payload: object) =>
          ctx.app.inject({ method: 'POST', url: `/api/cases/${caseA.id}/transitions`, headers: { cookie: cookies.operator! }, payload: { action: 'dispatch', version: 2, ...payload } });
        for (const [payload, reason] of [
          [{ userId: cadre02.id }, 'this person cannot see cases of this committee'],
          [{ userId: handler3.id }, 'this person cannot see cases of this committee'],
          [{ userId: sanitation.id, unitId: unit1 }, 'this person belongs to another handling unit'],
        ] as const) {
          const res = await dispatch(payload);
          expect(res.statusCode, res.body).toBe(400);
          expect(res.json().error.details.fields).toEqual([{ field: 'userId', reason }]);
        }
        const bulk = await ctx.app.inject({
          method: 'POST', url: '/api/cases/bulk-dispatch', headers: { cookie: cookies.operator! }, payload: { userId: cadre02.id, items: [{ caseId: caseA.id, version: 2 }] },
        });
        expect(bulk.statusCode, bulk.body).toBe(400);
        expect(bulk.json().error.details.fields).toEqual([{ field: 'userId', reason: 'this person cannot see cases of this committee' }]);
        expect(await db.selectFrom('cases').select(['status', 'version']).where('id', '=', caseA.id).executeTakeFirstOrThrow()).toEqual({ status: 'filed', version: 2 });
        expect(await db.selectFrom('inbox_items').select('id').where('user_id', 'in', [cadre02.id, handler3.id]).execute()).toEqual([]);

        const people = async (id: string) =>
          (await ctx.app.inject({ url: `/api/cases/${id}/dispatch-suggestions`, headers: { cookie: cookies.operator! } })).json().people.map((p: { userId: string }) => p.userId);
        const offeredA = await people(caseA.id);
        expect(offeredA).not.toContain(handler3.id);
        expect(offeredA).toContain((await user('handler1')).id);
        expect(await people(caseB.id)).toContain(handler3.id);

        // Someone who covers the committee is taken as before.
        const ok = await dispatch({ userId: (await user('handler1')).id });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json()).toMatchObject({ status: 'dispatched', assignedUnitId: unit1 });
      } finally {
        await db.updateTable('user_scopes').set({ committee_id: null }).where('user_id', '=', handler3.id).execute();
        await db.updateTable('users').set({ handling_unit_id: sanitation.handling_unit_id }).where('id', '=', sanitation.id).execute();
      }
    });
  });
}
