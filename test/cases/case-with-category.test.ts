import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstOverrideWindow } from '../../src/domain/calendar/deadlines.js';
import { caseById, caseWithCategory, categoryById } from '../../src/domain/cases/hot-queries.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

for (const dialect of DIALECTS) {
  describe(`the case a transition reads with its category [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('is the case row itself, with exactly its columns, whatever else the statement read', async () => {
      const db = f.ctx.handle.db;
      const reported = await f.report(f.actors.patrol1);
      const filed = await f.act(f.actors.operator, reported.id, { action: 'file', version: reported.version });
      const own = await caseById.first(db, filed.id);
      const category = await categoryById.first(db, own!.category_id);
      const window = firstOverrideWindow(f.ctx.clock.now());
      for (const opts of [{}, { handlers: true }, { unitId: f.units.handler1 }, { handlers: true, unitId: f.units.handler1 }]) {
        const found = await caseWithCategory(db, filed.id, window, opts);
        expect(Object.keys(found!.c)).toEqual(Object.keys(own!));
        expect(found!.c).toEqual(own);
        expect(found!.category).toEqual({
          file_hours: category!.file_hours, dispatch_hours: category!.dispatch_hours, handle_hours: category!.handle_hours, check_hours: category!.check_hours,
          limit_mode: category!.limit_mode, check_by: category!.check_by,
        });
      }
    });
  });
}
