import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnforcementCase } from '../../src/domain/enforcement/open-case.js';
import { recordStep } from '../../src/domain/enforcement/record-step.js';
import { savePhoto } from '../../src/domain/photos/upload.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';
import { actorOf } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

// DOMAIN.md §4 "Independent check": a re-inspection that finds the problem rectified closes the
// linked case; when that case was handled and waits for its 核查, the re-inspection is that check.

for (const dialect of DIALECTS) {
  describe(`the enforcement ladder does not bypass the independent check [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('the officer who handled the case cannot close it with a rectified re-inspection; the check stays open', async () => {
      const { actors: a, units } = f;
      const db = f.ctx.handle.db;
      const clock = f.ctx.clock;
      clock.set('2026-06-02T02:00:00Z');
      const e2 = await actorOf(f.ctx, 'enforcer2');
      let c = await f.report(a.patrol1, { siteId: f.shop.id, categoryId: f.categories.B0401, photoIds: [await f.photo(a.patrol1)] });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: units.enforcement });
      c = await f.act(a.enforcer1, c.id, { action: 'handle', version: c.version, note: '已处理', photoIds: [await f.photo(a.enforcer1)] });
      expect(c.status).toBe('handled');
      const basis = await db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', f.hq).where('code', '=', 'SH-DWMR-26-1').executeTakeFirstOrThrow();
      const party = await db.selectFrom('sites').select('responsible_party_id').where('id', '=', f.shop.id).executeTakeFirstOrThrow();
      const ec = await db.transaction().execute((trx) =>
        openEnforcementCase(trx, clock, a.enforcer1, { caseId: c.id, legalBasisId: basis.id, facts: '未设置分类标识', partyId: party.responsible_party_id ?? undefined }),
      );
      const env = { files: filesFor(f.ctx.deps.config) };
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 150, g: 120, b: 90 } } }).jpeg().toBuffer();
      const photo = (await savePhoto(db, clock, a.enforcer1, env.files, jpeg)).id;
      const gps = { lng: 121.42, lat: 31.2, accuracy: 8 };
      const order = await db.transaction().execute((trx) =>
        recordStep(trx, clock, env, a.enforcer1, ec.id, { kind: 'order', version: ec.version, coOfficerId: e2.userId, gps, photoIds: [photo], educationGiven: true, deadlineAt: '2026-06-03T08:00:00Z', deadlineReason: '当日整改' }),
      );
      clock.advance(10 * 60_000);
      // Each officer with a photo of the rectification (a rectified re-inspection shows it).
      const fixedPhoto = async (officer: typeof e2, g: number) =>
        (await savePhoto(db, clock, officer, env.files, await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g, b: 120 } } }).jpeg().toBuffer())).id;
      // Every officer of the squad belongs to the unit the case was dispatched to: none of them checks it.
      for (const [n, officer] of [a.enforcer1, e2].entries()) {
        const photoId = await fixedPhoto(officer, 150 + n);
        const refused = await db
          .transaction()
          .execute((trx) => recordStep(trx, clock, env, officer, ec.id, { kind: 'reinspection', version: order.case.version, gps, result: 'rectified', photoIds: [photoId] }))
          .then(() => null, (e: unknown) => e);
        expect(refused).toBeInstanceOf(DomainError);
        expect((refused as DomainError).code, (refused as DomainError).message).toBe('transition_not_allowed');
        expect((refused as DomainError).message).toMatch(/independent check/);
      }
      // Nothing was half-written: the ladder and the case are where they were.
      const ladder = await db.selectFrom('enforcement_cases').select(['stage', 'version']).where('id', '=', ec.id).executeTakeFirstOrThrow();
      expect(Number(ladder.version)).toBe(order.case.version);
      const row = await db.selectFrom('cases').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('handled');
      // The independent check is the desk's way, as for any case.
      const closed = await f.act(a.patrol1, c.id, { action: 'check_pass', version: c.version });
      expect(closed.status).toBe('closed');
    });
  });
}
