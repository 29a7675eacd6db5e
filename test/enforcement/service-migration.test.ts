import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as service from '../../src/db/migrations/2026-12-11T0400-enforcement-service.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, type hongqiao, walkToPriorNotice } from './helpers.js';

const HOUR = 3600_000;

// The migration that keeps the service (送达) of documents: a ladder written before it — whose
// periods were counted from the issue, even where the party was absent — keeps working: its
// documents count as served when issued, its periods stand, and its decision follows them.
for (const dialect of DIALECTS) {
  describe(`enforcement service migration keeps existing ladders working [${dialect}]`, { timeout: 300_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-service-mig-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-09-01T10:00:00+08:00');
    });
    afterAll(async () => env?.close());

    it('a prior notice issued before, the party absent, counts as served when issued', async () => {
      const db = ctx.handle.db;
      const { id, r } = await walkToPriorNotice(ctx, hq, e2Id, 700, { fineAmount: 500, acknowledgement: 'signed' });
      // Back to the schema before the migration; the ladder as the old code wrote an absent party's notice.
      await service.down(db as never);
      await db.updateTable('enforcement_steps').set({ acknowledgement: 'absent' } as never).where('id', '=', r.step.id).execute();
      await service.up(db as never);
      const step = await db.selectFrom('enforcement_steps').selectAll().where('id', '=', r.step.id).executeTakeFirstOrThrow();
      expect(step.served_at && Date.parse(step.served_at)).toBe(Date.parse(r.step.at));
      expect(step.service_method).toBeNull();
      const cookie = async () => signInAs(ctx.app, 'enforcer1');
      const again = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/documents/${r.document.id}/service`, headers: { cookie: await cookie() },
        payload: { method: 'post', version: r.case.version, receivedOn: '2026-09-01', trackingNumber: 'XA1' } });
      expect(again.statusCode, again.body).toBe(409);
      expect(again.json().error.code).toBe('document_already_served');
      ctx.clock.set(new Date(Date.parse(r.case.statementEndsAt) + HOUR));
      const decided = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/cases/${id}/steps`, headers: { cookie: await cookie() },
        payload: { kind: 'decision', version: r.case.version, coOfficerId: e2Id, fineAmount: 500, fineReason: '依裁量基准' } });
      expect(decided.statusCode, decided.body).toBe(201);
    });
  });
}
