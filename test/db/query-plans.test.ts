import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { activeBookingOf } from '../../src/domain/service-queue/appointments.js';
import { testDatabase } from '../helpers/db.js';

/**
 * The app plans without statistics on every database (no ANALYZE after a seed or an import), so a
 * hot statement must be answered by the right index on a fresh database too. On SQLite without
 * statistics, a condition on a low-cardinality column (status) can win over a better index: these
 * plans are pinned here.
 */
describe('hot statements on a database without planner statistics (SQLite)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await testDatabase('sqlite');
  });
  afterAll(async () => h?.destroy());

  const planOf = async (q: { sql: string; parameters: unknown[] }) =>
    (await h.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows.map((r) => r.detail).join(' | ');

  it("a booking's check for the phone's other booking that day is searched by point, day and phone", async () => {
    const plan = await planOf(activeBookingOf.compile(h.db, 'point', '2026-12-07', '13900000000'));
    expect(plan).toContain('point_id=? AND day=? AND phone=?');
    expect(plan).not.toMatch(/\bSCAN\b/);
  });
});
