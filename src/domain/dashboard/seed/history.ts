import type { BulkSink } from '../../../db/bulk-sink.js';
import type { Db } from '../../../db/index.js';
import type { FileStore } from '../../storage/file-store.js';
import { RollupAccumulator } from '../grains.js';
import { grainRows, seedCaseYear } from './case-year.js';
import { seedCheckinYear } from './checkin-year.js';

export interface HistoryOptions {
  days: number;
  casesPerDay: number;
  seed: number;
  now: Date;
  /** Where the cases' photos are stored; without it the history has none (see CaseYearOptions). */
  files?: FileStore;
  /** After each subdistrict: done, total. */
  onProgress?(done: number, total: number): void;
}

export interface HistoryTotals {
  cases: number;
  events: number;
  checkins: number;
  rollupRows: number;
}

/**
 * Writes `days` of history for each subdistrict through the sink, one transaction each: cases
 * with their hash-chained events and rollups, and bin-room check-ins; then the district grains
 * the subdistricts share. Used by `closeloop seed --scale` and for the demo's last weeks.
 */
export async function seedHistory(db: Db, sink: BulkSink, subs: { id: string; district_id: string }[], o: HistoryOptions): Promise<HistoryTotals> {
  const total: HistoryTotals = { cases: 0, events: 0, checkins: 0, rollupRows: 0 };
  const district = new RollupAccumulator(subs[0]?.district_id ?? '');
  for (const [i, s] of subs.entries()) {
    if (s.district_id !== district.districtId) throw new Error('the seeded history expects one district');
    await sink.transaction(async () => {
      const res = await seedCaseYear(db, sink, s.id, { days: o.days, casesPerDay: o.casesPerDay, seed: o.seed + i, now: o.now, files: o.files }, district);
      total.cases += res.cases;
      total.events += res.events;
      total.rollupRows += res.rollupRows;
      total.checkins += await seedCheckinYear(db, sink, s.id, { days: o.days, seed: o.seed * 7 + i, now: o.now, files: o.files });
    });
    o.onProgress?.(i + 1, subs.length);
  }
  await sink.transaction(async () => {
    for (const [table, rows] of grainRows(district)) {
      total.rollupRows += rows.length;
      await sink.insert(table, rows);
    }
  });
  return total;
}
