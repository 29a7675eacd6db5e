import type { Command } from 'commander';
import { rebuildRollups } from '../domain/dashboard/fold-events.js';
import { ROLLUP_TABLES } from '../domain/dashboard/grains.js';
import { type BulkSink, openBulkSink } from '../db/bulk-sink.js';
import { seedHistory } from '../domain/dashboard/seed/history.js';
import { isSeeded, seedDemo } from '../domain/demo/seed-demo.js';
import { openContext } from './context.js';
import { DEMO_PASSWORD } from '../domain/demo/seed-demo.js';
import { seedServicesDemo } from '../domain/demo/seed-services.js';
import { ACTIVITY_TABLES, seedServiceActivity } from '../domain/service-activity/seed-activity.js';
import { filesFor } from '../domain/storage/index.js';
import { ensurePartitions, MONTHS_AHEAD } from '../domain/ops/partitions.js';
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
  /** Also the 一网通办 front office: every subdistrict's network and `days` of its records and ratings. */
  services?: boolean;
  /** Only the front office: no case or check-in years (the services benchmark). */
  servicesOnly?: boolean;
  /** Records a working day per subdistrict (Shanghai's ~215 community centres and their windows) */
  recordsPerDay?: number;
}

/** Synthetic subdistricts of a city get two building windows and three police grids each. */
const SYNTHETIC_NETWORK = { buildings: 2, grids: 3 };

/**
 * A year of the front office per subdistrict: about 60 records a working day over its centre and
 * windows (≈ 3 million a year over 215 subdistricts); 差评 are rare (0.05 % of ratings).
 */
const SCALE_RECORDS_PER_DAY = 60;
const SCALE_BAD_SHARE = 0.0005;

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
    const total = { cases: 0, events: 0, checkins: 0, rollupRows: 0 };
    if (!o.servicesOnly) {
      // PostgreSQL: the months the history spans get their partitions before the load (a day of
      // margin before the first day), so the year lands in monthly partitions, not in DEFAULT.
      const now = ctx.deps.clock.now();
      await ensurePartitions(db, ctx.deps.clock, MONTHS_AHEAD, new Date(now.getTime() - (o.days + 1) * 86_400_000));
      sink = openBulkSink(cfg, db);
      await sink.deferIndexes(BULK_TABLES);
      const bar = progressBar('Case and check-in years');
      Object.assign(total, await seedHistory(db, sink, chosen, {
        days: o.days, casesPerDay: o.casesPerDay, seed: o.seed ?? 2026, now: ctx.deps.clock.now(), onProgress: (d, t) => bar.update(d, t),
      }));
      bar.stop();
    }
    const loaded = performance.now();
    if (sink) await sink.finish((name) => process.stderr.write(`indexing ${name}\n`));
    sink = null;
    if (o.services || o.servicesOnly) {
      const t = performance.now();
      const network = await seedServicesDemo(db, ctx.deps.clock, { password: DEMO_PASSWORD, synthetic: o.scale === 'city' ? SYNTHETIC_NETWORK : undefined });
      sink = openBulkSink(cfg, db);
      await sink.deferIndexes(ACTIVITY_TABLES);
      const bar = progressBar('Front-office years');
      const activity = await seedServiceActivity(db, sink, filesFor(ctx.config), {
        days: o.days, recordsPerDay: o.recordsPerDay ?? SCALE_RECORDS_PER_DAY, badShare: SCALE_BAD_SHARE, seed: o.seed ?? 2026, now: ctx.deps.clock.now(),
        subdistrictIds: chosen.map((c) => c.id), onProgress: (d, n) => bar.update(d, n),
      });
      bar.stop();
      await sink.finish((name) => process.stderr.write(`indexing ${name}\n`));
      sink = null;
      const points = await db.selectFrom('service_points').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      console.log(
        `Front office: ${network.networks.length} subdistrict networks, ${Number(points.n)} points, ${activity.records} records, ${activity.tickets} tickets, ${activity.appointments} appointments, ` +
          `${activity.ratings + activity.bad} ratings (${activity.bad} 差评, ${activity.closed} closed) in ${Math.round((performance.now() - t) / 1000)} s.`,
      );
    }
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
