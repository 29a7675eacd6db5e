import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { preparedQueries } from '../../src/db/prepared.js';
import '../../src/domain/service-records/records.js';
import { testDatabase } from '../helpers/db.js';

/**
 * A record naming a booking checks that no other record names it. Read through the point's records
 * since the booking was made, that check grew with the point's history: a booking made a week ahead
 * at a busy centre meant thousands of rows read for every record made at its window. It is searched
 * by the booking (planned without statistics, as the app runs).
 */
describe("a record's check that its booking has no other record (SQLite plan)", () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await testDatabase('sqlite');
  });
  afterAll(async () => h?.destroy());

  it('is searched by the booking, not by the point and time', async () => {
    const q = preparedQueries()
      .map((p) => p.compile(h.db, ...Array.from({ length: p.arity }, () => null)))
      .find((c) => c.sql.includes('"appointment_other_record"'));
    expect(q, 'the record check statement').toBeDefined();
    const plan = (await h.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q!.sql}`, [...q!.parameters]))).rows.map((r) => r.detail);
    const ob = plan.filter((d) => /\bob\b/.test(d));
    expect(ob, plan.join(' | ')).toEqual([expect.stringMatching(/^SEARCH ob USING (?:COVERING )?INDEX service_records_appointment_ix \(appointment_id=\?\)$/)]);
  });
});
