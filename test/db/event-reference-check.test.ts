import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCaseEvent, SYSTEM_ACTOR } from '../../src/domain/cases/events.js';
import { ensurePartitions } from '../../src/domain/ops/partitions.js';
import { ManualClock, systemClock, type Clock } from '../../src/domain/shared/clock.js';
import { newId } from '../../src/domain/shared/ids.js';
import type { TestContext } from '../helpers/app.js';
import { caseFixture } from '../cases/fixtures.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * A case photo names the event that linked it, and the event must exist, whenever it was written
 * (on PostgreSQL a constraint trigger, case_events being partitioned by month). Linking the event
 * just written — every handled case does — looks in the partitions of the present day only, not in
 * every month of the history (2026-12-10T0400-event-reference-check-by-month).
 */
for (const kind of DIALECTS) {
  describe(`a case photo names an existing event [${kind}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      const f = await caseFixture(kind);
      ctx = f.ctx;
      await f.report(f.actors.patrol1);
      // A history of many months, each its own partition on PostgreSQL.
      await ensurePartitions(ctx.handle.db, new ManualClock('2025-01-15T00:00:00Z'));
      await ensurePartitions(ctx.handle.db, new ManualClock('2025-06-15T00:00:00Z'));
    }, 60_000);
    afterAll(async () => ctx?.close());

    /** A case photo row of the first case, to be given an id and an event. */
    const photoRow = async () => {
      const db = ctx.handle.db;
      const kase = await db.selectFrom('cases').select(['id', 'subdistrict_id', 'committee_id']).orderBy('id').executeTakeFirstOrThrow();
      const user = await db.selectFrom('users').select('id').where('subdistrict_id', '=', kase.subdistrict_id).orderBy('id').executeTakeFirstOrThrow();
      const photoId = newId();
      await db.insertInto('photos').values({
        id: photoId, subdistrict_id: kase.subdistrict_id, uploaded_by: user.id, sha256: newId().padEnd(64, '0').slice(0, 64), mime: 'image/jpeg', bytes: 1,
        width: 1, height: 1, storage_key: `k/${photoId}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: '2026-05-26T02:30:00.000Z',
      }).execute();
      return { case_id: kase.id, photo_id: photoId, subdistrict_id: kase.subdistrict_id, committee_id: kase.committee_id, purpose: 'after' as const };
    };

    const event = async (clock: Clock) => {
      const db = ctx.handle.db;
      const kase = await db.selectFrom('cases').select(['id', 'subdistrict_id', 'status']).orderBy('id').executeTakeFirstOrThrow();
      return db.transaction().execute((trx) =>
        appendCaseEvent(trx, clock, { subdistrictId: kase.subdistrict_id, caseId: kase.id, action: 'note', fromStatus: kase.status as never, toStatus: kase.status as never, actor: SYSTEM_ACTOR, note: 'reference test' }),
      );
    };

    it('a link to an event of any age is taken, to no event refused', async () => {
      const db = ctx.handle.db;
      const photo = await photoRow();
      for (const at of ['2025-02-10T03:00:00Z', '2025-08-01T03:00:00Z', '2031-03-10T00:00:00Z']) {
        const e = await event(new ManualClock(at));
        await db.insertInto('case_photos').values({ ...photo, id: newId(), event_id: e.id }).execute();
      }
      const now = await event(systemClock);
      await db.insertInto('case_photos').values({ ...photo, id: newId(), event_id: now.id }).execute();
      await expect(db.insertInto('case_photos').values({ ...photo, id: newId(), event_id: newId() }).execute()).rejects.toMatchObject(
        kind === 'postgres' ? { code: '23503' } : { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' },
      );
    });

    if (kind === 'postgres') {
      it('linking the event just written looks in the present day\'s partitions only', async () => {
        const db = ctx.handle.db;
        const photo = await photoRow();
        const months = await sql<{ n: number }>`select count(*)::int as n from pg_inherits where inhparent = 'case_events'::regclass`.execute(db);
        expect(months.rows[0]!.n).toBeGreaterThan(8);
        const e = await event(systemClock);
        const probed = await db.transaction().execute(async (trx) => {
          const scans = async () =>
            new Map((await sql<{ relname: string; n: number }>`select relname, idx_scan::int as n from pg_stat_xact_user_tables where relname like 'case\\_events\\_%'`.execute(trx)).rows.map((r) => [r.relname, r.n]));
          const before = await scans();
          await trx.insertInto('case_photos').values({ ...photo, id: newId(), event_id: e.id }).execute();
          const after = await scans();
          return [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name]) => name);
        });
        expect(probed.length).toBeGreaterThan(0);
        expect(probed.length, probed.join(', ')).toBeLessThanOrEqual(2);
      });
    }
  });
}
