import type { Command } from 'commander';
import { rebuildRollups } from '../domain/dashboard/fold-events.js';
import { ROLLUP_TABLES } from '../domain/dashboard/grains.js';
import { type BulkSink, openBulkSink } from '../db/bulk-sink.js';
import { seedHistory } from '../domain/dashboard/seed/history.js';
import { isSeeded, seedDemo } from '../domain/demo/seed-demo.js';
import { openContext } from './context.js';
import { progressBar } from './progress.js';

export const SCALES = ['subdistrict', 'city'] as const;
export interface ScaleOptions {
  scale: (typeof SCALES)[number];
  /** subdistricts of a city (Shanghai: 215) */
  citySubdistricts: number;
  /** cases a day per subdistrict (Shanghai ~4 M a year / 215 ≈ 51) */
  casesPerDay: number;
  days: number;
  seed?: number;
}

/** A Shanghai-size city's registry (issue 6), spread over the synthetic subdistricts. */
const CITY = { binRooms: 21_000, shops: 250_000, units: 20_000 };
/** Hongqiao and Xianxia Xincun, the two hand-made subdistricts, hold these. */
const HAND_MADE = { binRooms: 148 + 24, shops: 788 + 60, units: 71 + 10 };

/** Tables the case and check-in years fill; their secondary indexes are built once after the load (SQLite). */
const BULK_TABLES = ['cases', 'case_events', 'case_rollup_state', 'checkins', ...ROLLUP_TABLES];

/**
 * `closeloop seed --scale subdistrict|city`: the registry (demo generator; for a city, 215
 * subdistricts holding ~21,000 bin rooms, ~250,000 shops and ~20,000 units) plus a year of cases
 * with their events and rollups, and a year of bin-room check-ins, per subdistrict.
 */
export async function seedScale(o: ScaleOptions) {
  const ctx = await openContext();
  const db = ctx.handle.db;
  const cfg = ctx.config.database;
  let sink: BulkSink | null = null;
  try {
    const started = performance.now();
    if (!(await isSeeded(db))) {
      const extra = o.scale === 'city' ? Math.max(0, o.citySubdistricts - 2) : 0;
      const per = (total: number, made: number) => Math.max(1, Math.round((total - made) / Math.max(1, extra)));
      const bar = progressBar('Registry');
      await seedDemo(db, ctx.deps.clock, {
        extraSubdistricts: extra,
        extraCounts: { binRooms: per(CITY.binRooms, HAND_MADE.binRooms), shops: per(CITY.shops, HAND_MADE.shops), units: per(CITY.units, HAND_MADE.units) },
        seed: o.seed,
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
    }
    const registrySeconds = (performance.now() - started) / 1000;
    const subs = await db.selectFrom('subdistricts').select(['id', 'code', 'district_id']).orderBy('code').execute();
    const chosen = o.scale === 'city' ? subs : subs.filter((s) => s.code === '008');
    sink = openBulkSink(cfg, db);
    await sink.deferIndexes(BULK_TABLES);
    const bar = progressBar('Case and check-in years');
    const total = await seedHistory(db, sink, chosen, {
      days: o.days, casesPerDay: o.casesPerDay, seed: o.seed ?? 2026, now: ctx.deps.clock.now(), onProgress: (d, t) => bar.update(d, t),
    });
    bar.stop();
    const loaded = performance.now();
    await sink.finish((name) => process.stderr.write(`indexing ${name}\n`));
    sink = null;
    const [sites] = await Promise.all([db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()]);
    console.log(
      `Seeded ${chosen.length} subdistrict-years (${ctx.handle.kind}): ${Number(sites.n)} sites, ${total.cases} cases, ${total.events} events, ` +
        `${total.checkins} check-ins, ${total.rollupRows} rollup rows in ${Math.round((performance.now() - started) / 1000)} s ` +
        `(registry ${Math.round(registrySeconds)} s, years ${Math.round((loaded - started) / 1000 - registrySeconds)} s, indexes ${Math.round((performance.now() - loaded) / 1000)} s).`,
    );
  } finally {
    // A failed load still gets its indexes back.
    if (sink) await sink.finish().catch((e) => console.error(e));
    await ctx.handle.destroy();
  }
}

export function registerDashboardCommands(program: Command) {
  program
    .command('rollups')
    .description('Dashboard rollups')
    .command('rebuild')
    .description('Recompute every dashboard rollup from the case event log (one transaction)')
    .action(async () => {
      const ctx = await openContext();
      try {
        const started = performance.now();
        const n = await rebuildRollups(ctx.handle.db, ctx.deps.clock, (k) => process.stderr.write(`\rfolded ${k} events`));
        console.log(`\nRebuilt the dashboard rollups from ${n} events in ${Math.round(performance.now() - started)} ms.`);
      } finally {
        await ctx.handle.destroy();
      }
    });
}
