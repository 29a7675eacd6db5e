import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as districtScope from '../../src/db/migrations/2026-12-11T0700-audit-district-scope.js';
import { auditHash } from '../../src/domain/audit/audit-hash.js';
import { recordAudit, SYSTEM_AUDIT_ACTOR } from '../../src/domain/audit/record-audit.js';
import { verifyAllChains } from '../../src/domain/audit/verify-all.js';
import { verifyAuditChain } from '../../src/domain/audit/verify-audit.js';
import { newId } from '../../src/domain/shared/ids.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

// The migration that scopes audit entries by district: entries written before it keep verifying
// (the district is not hashed), and each gets the district the live rule gives a new entry.
for (const dialect of DIALECTS) {
  describe(`audit_log.district_id migration [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx?.close());

    const columns = async () => (await ctx.handle.db.introspection.getTables()).find((t) => t.name === 'audit_log')!.columns.map((c) => c.name);

    it('backfills the district of entries written before it, as new ones get it, and the chain verifies throughout', async () => {
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select(['id', 'district_id']).where('code', '=', '008').executeTakeFirstOrThrow();
      const districtAdmin = await signInAs(ctx.app, 'district-admin');
      const admin = await signInAs(ctx.app, 'admin');
      const call = (cookie: string, method: 'POST' | 'PUT', url: string, payload: object) => ctx.app.inject({ method, url, headers: { cookie }, payload });
      // Entries of every kind, written by the live code: a district-level one, a subdistrict's, an instance-wide one, the system's.
      expect((await call(districtAdmin, 'POST', '/api/me/tokens', { name: '区级对接', ttlDays: 30 })).statusCode).toBe(201);
      expect((await call(districtAdmin, 'PUT', '/api/calendar/overrides', { date: '2026-10-10', kind: 'holiday', subdistrictId: hq.id })).statusCode).toBe(200);
      expect((await call(districtAdmin, 'PUT', '/api/calendar/overrides', { date: '2026-10-11', kind: 'holiday' })).statusCode).toBe(200);
      expect((await call(districtAdmin, 'PUT', '/api/settings/tokens', { maxDays: 200 })).statusCode).toBe(200);
      expect((await call(admin, 'POST', '/api/me/tokens', { name: '街道对接', ttlDays: 30 })).statusCode).toBe(201);
      await db.transaction().execute((trx) => recordAudit(trx, ctx.clock, { actor: SYSTEM_AUDIT_ACTOR, action: 'security_settings.update', entity: 'security_settings', after: { idleMinutes: 30 } }));
      const live = await db.selectFrom('audit_log').select(['id', 'action', 'actor_username', 'subdistrict_id', 'district_id']).orderBy('seq').execute();
      expect(live.map((e) => [e.actor_username, e.action, e.district_id])).toEqual([
        ['district-admin', 'token.create', hq.district_id],
        ['district-admin', 'calendar.put', hq.district_id],
        ['district-admin', 'calendar.put', null],
        ['district-admin', 'settings.token_lifetime', null],
        ['admin', 'token.create', hq.district_id],
        ['system', 'security_settings.update', null],
      ]);

      // Back to the schema before: the entries verify without the column.
      await districtScope.down(db as never);
      expect(await columns()).not.toContain('district_id');
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: live.length });

      // An entry written by the code before the migration (its row has no district): a district administrator's.
      const da = await actorOf(ctx, 'district-admin');
      const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 'audit').executeTakeFirstOrThrow();
      const old = {
        id: newId(), seq: Number(head.seq) + 1, at: ctx.clock.now().toISOString(), actor_user_id: da.userId, actor_username: da.username, actor_role: da.role,
        ip: '10.0.0.1', action: 'token.revoke', entity: 'token', entity_id: 'x', subdistrict_id: null, before_json: null, after_json: '{"name":"区级对接"}', prev_hash: head.hash,
      };
      const hash = auditHash(old as never);
      await db.insertInto('audit_log').values({ ...old, hash } as never).execute();
      await db.updateTable('audit_chain_head').set({ seq: old.seq, hash }).where('id', '=', 'audit').execute();
      expect((await verifyAuditChain(db)).ok).toBe(true);

      await districtScope.up(db as never);
      expect(await columns()).toContain('district_id');
      const after = await db.selectFrom('audit_log').select(['id', 'district_id']).orderBy('seq').execute();
      expect(after).toEqual([...live.map((e) => ({ id: e.id, district_id: e.district_id })), { id: old.id, district_id: hq.district_id }]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: live.length + 1 });

      // And a new entry after it, on the same chain.
      expect((await call(districtAdmin, 'POST', '/api/me/tokens', { name: '之后', ttlDays: 30 })).statusCode).toBe(201);
      const report = await verifyAllChains(db);
      expect(report.ok).toBe(true);
      expect(report.lines.at(-1)).toBe(`✓ audit log: ${live.length + 2} entries, chain intact`);
    });
  });
}
