import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { caseFixture, type CaseFixture } from './fixtures.js';

/**
 * A dispatch names a handling unit, checked in the same read as the case (hot-queries.ts): only
 * an active unit of the case's own subdistrict is taken. Anything else is refused naming unitId,
 * and nothing is written.
 */
for (const dialect of DIALECTS) {
  describe(`the unit a dispatch names [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f?.ctx.close());

    const filed = async () => {
      const c = await f.report(f.actors.patrol1);
      return f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
    };
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof DomainError ? { code: e.code, fields: (e.details as { fields?: unknown } | undefined)?.fields } : Promise.reject(e)),
      );

    it('an unknown unit, another subdistrict\'s, or a retired one is refused; an active one of its own is taken', async () => {
      const db = f.ctx.handle.db;
      const other = await db.selectFrom('handling_units').select('id').where('subdistrict_id', '!=', f.hq).where('status', '=', 'active').executeTakeFirstOrThrow();
      const retired = f.units.sanitation;
      await db.updateTable('handling_units').set({ status: 'retired' }).where('id', '=', retired).execute();
      try {
        for (const unitId of [newId(), other.id, retired]) {
          const c = await filed();
          const events = (await db.selectFrom('case_events').select('id').where('case_id', '=', c.id).execute()).length;
          expect(await refusal(f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId }))).toEqual({
            code: 'validation_failed', fields: [{ field: 'unitId', reason: 'unknown handling unit' }],
          });
          const row = await db.selectFrom('cases').select(['status', 'version', 'assigned_unit_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
          expect(row).toEqual({ status: 'filed', version: c.version, assigned_unit_id: null });
          expect((await db.selectFrom('case_events').select('id').where('case_id', '=', c.id).execute()).length).toBe(events);
        }
        const c = await filed();
        const d = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
        expect(d.status).toBe('dispatched');
        expect(d.assignedUnitId).toBe(f.units.handler1);
        // 改派 to a retired unit is refused the same way.
        expect(await refusal(f.act(f.actors.operator, c.id, { action: 'redispatch', version: d.version, unitId: retired, reason: '改派到环卫' }))).toMatchObject({ fields: [{ field: 'unitId' }] });
      } finally {
        await db.updateTable('handling_units').set({ status: 'active' }).where('id', '=', retired).execute();
      }
    });
  });
}
