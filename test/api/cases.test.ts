import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { uploadPhoto } from './cases-helpers.js';

for (const dialect of DIALECTS) {
  describe(`cases API [${dialect}]`, () => {
    let ctx: TestContext;
    const cookies: Record<string, string> = {};
    let binRoom: { id: string; lng: number; lat: number };
    let cat: Record<string, string>;
    let unit1: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      for (const u of ['operator', 'patrol1', 'handler1', 'handler2', 'cadre01', 'xx-operator', 'leader']) cookies[u] = await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const c001 = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', '001').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', c001.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      binRoom = { id: site.id, lng: Number(site.lng), lat: Number(site.lat) };
      cat = Object.fromEntries((await db.selectFrom('case_categories').select(['id', 'code']).where('subdistrict_id', '=', hq.id).execute()).map((c) => [c.code, c.id]));
      unit1 = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    });
    afterAll(async () => ctx.close());

    const post = (who: string, url: string, payload: unknown, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url, headers: { cookie: cookies[who]!, ...headers }, payload: payload as object });
    const get = (who: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie: cookies[who]! } });
    const reportBody = (over: Record<string, unknown> = {}) => ({
      source: 'patrol', categoryId: cat.A0301, siteId: binRoom.id, lng: binRoom.lng, lat: binRoom.lat, description: '湿垃圾桶内混有塑料瓶', ...over,
    });
    const act = (who: string, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => post(who, `/api/cases/${id}/transitions`, body, headers);

    it('refuses anonymous callers and unknown fields', async () => {
      expect((await ctx.app.inject({ method: 'GET', url: '/api/cases' })).statusCode).toBe(401);
      const res = await post('patrol1', '/api/cases', reportBody({ colour: 'red' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe('colour');
    });

    it('creates one case for a retried report with the same Idempotency-Key; another body with that key is 422', async () => {
      const headers = { 'idempotency-key': 'report-abc-123' };
      const a = await post('patrol1', '/api/cases', reportBody(), headers);
      expect(a.statusCode).toBe(201);
      const b = await post('patrol1', '/api/cases', reportBody(), headers);
      expect(b.statusCode).toBe(201);
      expect(b.json().id).toBe(a.json().id);
      expect(b.headers['idempotent-replayed']).toBe('true');
      const n = await ctx.handle.db.selectFrom('cases').select('id').where('description', '=', '湿垃圾桶内混有塑料瓶').execute();
      expect(n.length).toBe(1);
      const c = await post('patrol1', '/api/cases', reportBody({ description: '别的' }), headers);
      expect(c.statusCode).toBe(422);
      expect(c.json().error.code).toBe('idempotency_mismatch');
      // Keys are per user: another user's same key is a new request.
      const d = await post('cadre01', '/api/cases', reportBody({ source: 'checkin' }), headers);
      expect(d.statusCode).toBe(201);
      expect(d.json().id).not.toBe(a.json().id);
    });

    it('creates one case when the same key races in concurrently', async () => {
      const headers = { 'idempotency-key': `race-${dialect}-0001` };
      const body = reportBody({ description: `并发重试 ${dialect}` });
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => post('patrol1', '/api/cases', body, headers)));
      expect([a!.statusCode, b!.statusCode, c!.statusCode]).toEqual([201, 201, 201]);
      expect(new Set([a!.json().id, b!.json().id, c!.json().id]).size).toBe(1);
      const rows = await ctx.handle.db.selectFrom('cases').select('id').where('description', '=', `并发重试 ${dialect}`).execute();
      expect(rows.length).toBe(1);
    });

    it('replays a retried transition instead of applying it twice', async () => {
      const c = (await post('patrol1', '/api/cases', reportBody())).json();
      const headers = { 'idempotency-key': `file-${c.id}` };
      const first = await act('operator', c.id, { action: 'file', version: 1 }, headers);
      const again = await act('operator', c.id, { action: 'file', version: 1 }, headers);
      expect(first.statusCode).toBe(200);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      const events = await ctx.handle.db.selectFrom('case_events').select('action').where('case_id', '=', c.id).execute();
      expect(events.map((e) => e.action)).toEqual(['report', 'file']);
    });

    it('runs the loop over HTTP with photos, and shows the timeline', async () => {
      const before = await uploadPhoto(ctx.app, cookies.patrol1!);
      expect(before.status).toBe(201);
      let c = (await post('patrol1', '/api/cases', reportBody({ photoIds: [before.id], deviceAt: '2026-05-26T10:29:00+08:00', accuracy: 6 }))).json();
      c = (await act('operator', c.id, { action: 'file', version: c.version })).json();
      const sugg = (await get('operator', `/api/cases/${c.id}/dispatch-suggestions`)).json();
      expect(sugg.responsibleParty).not.toBeNull();
      expect(sugg.suggestions[0]).toMatchObject({ reason: 'responsible_party', kind: 'property_company' });
      const party = await ctx.handle.db.selectFrom('handling_units').select('name').where('id', '=', sugg.suggestions[0].unitId).executeTakeFirstOrThrow();
      expect(party.name).toBe(sugg.responsibleParty.name);
      // Every active member of the subdistrict's units is offered under their unit, by name only.
      const members = await ctx.handle.db.selectFrom('users as u').innerJoin('handling_units as h', 'h.id', 'u.handling_unit_id')
        .select(['u.id', 'u.handling_unit_id']).where('h.subdistrict_id', '=', c.subdistrictId).where('h.status', '=', 'active').where('u.status', '=', 'active').execute();
      expect(new Set(sugg.people.map((p: { userId: string; unitId: string }) => `${p.userId}|${p.unitId}`))).toEqual(new Set(members.map((m) => `${m.id}|${m.handling_unit_id}`)));
      expect(Object.keys(sugg.people[0]).sort()).toEqual(['name', 'unitId', 'userId']);
      c = (await act('operator', c.id, { action: 'dispatch', version: c.version, unitId: unit1 })).json();
      expect((await get('handler1', '/api/me/tasks')).json().items.map((x: { id: string }) => x.id)).toContain(c.id);
      expect((await get('handler2', '/api/me/tasks')).json().items.map((x: { id: string }) => x.id)).not.toContain(c.id);
      const owner = 'handler1';
      const after = await uploadPhoto(ctx.app, cookies[owner]!);
      const handled = await act(owner, c.id, { action: 'handle', version: c.version, note: '已二次分拣', photoIds: [after.id], gps: { lng: binRoom.lng, lat: binRoom.lat, accuracy: 5 } });
      expect(handled.statusCode).toBe(200);
      c = handled.json();
      expect((await get('patrol1', '/api/me/tasks')).json().items.map((x: { id: string }) => x.id)).toContain(c.id);
      c = (await act('patrol1', c.id, { action: 'check_pass', version: c.version })).json();
      expect(c.status).toBe('closed');
      const detail = (await get('operator', `/api/cases/${c.id}`)).json();
      expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'file', 'dispatch', 'handle', 'check_pass']);
      expect(detail.timeline[0]).toMatchObject({ actorRole: 'patrol', deviceAt: '2026-05-26T02:29:00.000Z', accuracy: 6 });
      expect(detail.timeline[0].actorName).toBeTruthy();
      expect(detail.timeline[3]).toMatchObject({ actorRole: 'handler', photoIds: [after.id] });
      expect(detail.photos.map((p: { purpose: string }) => p.purpose).sort()).toEqual(['after', 'before']);
      expect(detail.allowedActions.map((a: { action: string }) => a.action)).toEqual(['reopen']);
      // The photo is now served to anyone who may see the case.
      const served = await get('operator', `/api/photos/${after.id}`);
      expect(served.statusCode, served.body.slice(0, 300)).toBe(200);
    });

    it('answers 409 stale_version with the current state, and 409 transition_not_allowed', async () => {
      const c = (await post('patrol1', '/api/cases', reportBody())).json();
      await act('operator', c.id, { action: 'file', version: 1 });
      const stale = await act('operator', c.id, { action: 'cancel', version: 1, reason: '重复' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({ code: 'stale_version', details: { current: { status: 'filed', version: 2 } } });
      const notAllowed = await act('patrol1', c.id, { action: 'dispatch', version: 2, unitId: unit1 });
      expect(notAllowed.statusCode).toBe(409);
      expect(notAllowed.json().error.code).toBe('transition_not_allowed');
    });

    it('rejects bad input with a 4xx naming the field and writes nothing', async () => {
      const count = async () => (await ctx.handle.db.selectFrom('cases').select('id').execute()).length;
      const n = await count();
      const cases: [Record<string, unknown>, number, string][] = [
        [reportBody({ categoryId: 'nope' }), 400, 'categoryId'],
        [reportBody({ siteId: 'nope' }), 400, 'siteId'],
        [reportBody({ lng: -74.0, lat: 40.7 }), 400, 'lng'],
        [reportBody({ photoIds: ['nope'] }), 400, 'photoIds.0'],
      ];
      for (const [body, status, field] of cases) {
        const res = await post('patrol1', '/api/cases', body);
        expect(res.statusCode).toBe(status);
        expect(res.json().error.details.fields[0].field).toBe(field);
      }
      const role = await post('patrol1', '/api/cases', reportBody({ source: 'citizen' }));
      expect(role.statusCode).toBe(403);
      expect(await count()).toBe(n);
      const notImage = await uploadPhoto(ctx.app, cookies.patrol1!, Buffer.from('just text, not an image'), 'x.jpg', 'image/jpeg');
      expect(notImage.status).toBe(415);
      const c = (await post('patrol1', '/api/cases', reportBody())).json();
      await act('operator', c.id, { action: 'file', version: 1 });
      await act('operator', c.id, { action: 'dispatch', version: 2, unitId: unit1 });
      const past = await act('handler1', c.id, { action: 'request_extension', version: 3, reason: '缺件', dueAt: '2026-05-20T00:00:00Z' });
      expect(past.statusCode).toBe(400);
      expect(past.json().error.details.fields[0].field).toBe('dueAt');
      const gps = await act('handler1', c.id, { action: 'request_hold', version: 3, reason: 'x', gps: { lng: 0, lat: 0 } });
      expect(gps.statusCode).toBe(400);
      const row = await ctx.handle.db.selectFrom('cases').select(['version', 'pending_request']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ version: 3, pending_request: null });
    });

    it('lists the desk queues with filters, search and keyset pages', async () => {
      const made = [];
      for (let i = 0; i < 5; i++) made.push((await post('patrol1', '/api/cases', reportBody({ description: `分页测试 ${i}` }))).json());
      const seen = new Set<string>();
      let after = '';
      for (let i = 0; i < 10; i++) {
        const page = (await get('operator', `/api/cases?queue=to_file&q=${encodeURIComponent('分页测试')}&limit=2${after ? `&after=${after}` : ''}`)).json();
        for (const x of page.items) seen.add(x.id);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      expect(seen).toEqual(new Set(made.map((m) => m.id)));
      const byNumber = (await get('operator', `/api/cases?q=${made[2].number}`)).json().items;
      expect(byNumber.map((x: { id: string }) => x.id)).toEqual([made[2].id]);
      const byClass = (await get('operator', `/api/cases?categoryId=${cat.A}&source=patrol&limit=200`)).json().items;
      expect(byClass.length).toBeGreaterThanOrEqual(5);
      const none = (await get('operator', `/api/cases?categoryId=${cat.B}`)).json().items;
      expect(none).toEqual([]);
      const future = (await get('operator', '/api/cases?from=2026-06-01T00:00:00Z')).json().items;
      expect(future).toEqual([]);
      const counts = (await get('operator', '/api/cases/queues')).json();
      expect(counts.to_file.count).toBeGreaterThanOrEqual(5);
    });

    it('names in the desk list the unit a case sent to a cadre by name answers to, beside the unit assigned', async () => {
      const db = ctx.handle.db;
      const cadre = await db.selectFrom('users').select('id').where('username', '=', 'cadre01').executeTakeFirstOrThrow();
      const dispatchTo = async (target: Record<string, string>) => {
        let c = (await post('patrol1', '/api/cases', reportBody({ description: '列表单位测试' }))).json();
        c = (await act('operator', c.id, { action: 'file', version: c.version })).json();
        const res = await act('operator', c.id, { action: 'dispatch', version: c.version, ...target });
        expect(res.statusCode, res.body).toBe(200);
        return c.id as string;
      };
      const byName = await dispatchTo({ userId: cadre.id });
      const toUnit = await dispatchTo({ unitId: unit1 });
      const row = await db.selectFrom('cases').select(['assigned_unit_id', 'responsible_unit_id']).where('id', '=', byName).executeTakeFirstOrThrow();
      expect(row.assigned_unit_id).toBeNull();
      const committeeUnit = await db.selectFrom('handling_units').select('name').where('id', '=', row.responsible_unit_id!).executeTakeFirstOrThrow();
      const unitName = (await db.selectFrom('handling_units').select('name').where('id', '=', unit1).executeTakeFirstOrThrow()).name;
      const items = (await get('operator', `/api/cases?q=${encodeURIComponent('列表单位测试')}&limit=200`)).json().items as Record<string, unknown>[];
      expect(items.find((x) => x.id === byName)).toMatchObject({ assignedUnitId: null, assignedUnitName: null, responsibleUnitId: row.responsible_unit_id, responsibleUnitName: committeeUnit.name });
      expect(items.find((x) => x.id === toUnit)).toMatchObject({ assignedUnitId: unit1, assignedUnitName: unitName, responsibleUnitId: unit1, responsibleUnitName: unitName });
    });

    it('bulk-dispatches all or nothing', async () => {
      const a = (await post('patrol1', '/api/cases', reportBody())).json();
      const b = (await post('patrol1', '/api/cases', reportBody())).json();
      await act('operator', a.id, { action: 'file', version: 1 });
      await act('operator', b.id, { action: 'file', version: 1 });
      const bad = await post('operator', '/api/cases/bulk-dispatch', { unitId: unit1, items: [{ caseId: a.id, version: 2 }, { caseId: b.id, version: 1 }] });
      expect(bad.statusCode).toBe(409);
      expect(bad.json().error.details).toMatchObject({ index: 1, caseId: b.id });
      const stillFiled = await ctx.handle.db.selectFrom('cases').select('status').where('id', '=', a.id).executeTakeFirstOrThrow();
      expect(stillFiled.status).toBe('filed');
      const ok = await post('operator', '/api/cases/bulk-dispatch', { unitId: unit1, items: [{ caseId: a.id, version: 2 }, { caseId: b.id, version: 2 }] });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().dispatched).toBe(2);
      const inbox = (await get('handler1', '/api/inbox')).json();
      expect(JSON.stringify(inbox)).toContain(a.number);
    });

    it('offers open duplicates of the same category nearby, and merges in one action', async () => {
      const a = (await post('patrol1', '/api/cases', reportBody({ categoryId: cat.A0601, description: '箱房脏乱' }))).json();
      const dups = (await get('cadre01', `/api/cases/duplicates?categoryId=${cat.A0601}&lng=${binRoom.lng + 0.0003}&lat=${binRoom.lat}`)).json().items;
      expect(dups.map((d: { id: string }) => d.id)).toContain(a.id);
      expect(dups[0].distanceM).toBeLessThanOrEqual(100);
      const far = (await get('cadre01', `/api/cases/duplicates?categoryId=${cat.A0601}&lng=${binRoom.lng + 0.01}&lat=${binRoom.lat}`)).json().items;
      expect(far).toEqual([]);
      const other = (await get('cadre01', `/api/cases/duplicates?categoryId=${cat.A0602}&lng=${binRoom.lng}&lat=${binRoom.lat}`)).json().items;
      expect(other.map((d: { id: string }) => d.id)).not.toContain(a.id);
      const b = (await post('cadre01', '/api/cases', reportBody({ source: 'checkin', categoryId: cat.A0601, description: '同一问题' }))).json();
      const merged = await act('operator', b.id, { action: 'merge', version: 1, targetCaseId: a.id });
      expect(merged.json()).toMatchObject({ status: 'merged', mergedIntoId: a.id });
      const detail = (await get('operator', `/api/cases/${a.id}`)).json();
      expect(detail.mergedCases.map((m: { id: string }) => m.id)).toEqual([b.id]);
    });

    it("puts cases of a committee's own unit and of the enforcement squad in the right people's tasks", async () => {
      for (const u of ['enforcer1', 'cadre02']) cookies[u] ??= await signInAs(ctx.app, u);
      const db = ctx.handle.db;
      const site = await db.selectFrom('sites').select('committee_id').where('id', '=', binRoom.id).executeTakeFirstOrThrow();
      const committeeUnit = (await db.selectFrom('handling_units').select('id').where('kind', '=', 'committee').where('committee_id', '=', site.committee_id).executeTakeFirstOrThrow()).id;
      const squad = (await db.selectFrom('handling_units as u').innerJoin('subdistricts as s', 's.id', 'u.subdistrict_id').select('u.id').where('u.kind', '=', 'enforcement_team').where('s.code', '=', '008').executeTakeFirstOrThrow()).id;
      const dispatchTo = async (unitId: string) => {
        let c = (await post('patrol1', '/api/cases', reportBody())).json();
        c = (await act('operator', c.id, { action: 'file', version: 1 })).json();
        return (await act('operator', c.id, { action: 'dispatch', version: 2, unitId })).json();
      };
      const a = await dispatchTo(committeeUnit);
      const b = await dispatchTo(squad);
      const tasks = async (who: string) => (await get(who, '/api/me/tasks?limit=200')).json().items.map((x: { id: string }) => x.id);
      expect(await tasks('cadre01')).toContain(a.id);
      expect(await tasks('cadre01')).not.toContain(b.id);
      expect(await tasks('cadre02')).not.toContain(a.id);
      expect(await tasks('enforcer1')).toContain(b.id);
      expect(await tasks('enforcer1')).not.toContain(a.id);
      expect((await get('cadre01', `/api/cases/${a.id}`)).json().allowedActions.map((x: { action: string }) => x.action)).toContain('handle');
    });

    it('takes camera alerts through the API with a bearer token', async () => {
      const tok = (await post('operator', '/api/me/tokens', { name: 'camera gateway', scopes: ['integration'] })).json();
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/cases', headers: { authorization: `Bearer ${tok.token}`, 'idempotency-key': 'cam-0001-evt-77' },
        payload: reportBody({ source: 'camera', categoryId: cat.A0101, description: '摄像头告警：湿垃圾桶满溢' }),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ source: 'camera', status: 'reported', reporterRole: 'operator' });
      const due = new Date(res.json().stageDueAt).getTime() - new Date(res.json().reportedAt).getTime();
      expect(due).toBe(0.5 * 3600_000);
    });
  });
}
