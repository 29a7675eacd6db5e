import type { Command } from 'commander';
import { rebuildRollups } from '../domain/dashboard/fold-events.js';
import { seedCaseYear } from '../domain/dashboard/seed/case-year.js';
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

/** `closeloop seed --scale subdistrict|city`: registry (demo generator) plus a year of case history. */
export async function seedScale(o: ScaleOptions) {
  const ctx = await openContext();
  const db = ctx.handle.db;
  try {
    const started = performance.now();
    if (!(await isSeeded(db))) {
      const bar = progressBar('Registry');
      await seedDemo(db, ctx.deps.clock, { extraSubdistricts: o.scale === 'city' ? Math.max(0, o.citySubdistricts - 2) : 0, seed: o.seed, onProgress: (d, t) => bar.update(d, t) });
      bar.stop();
    }
    const subs = await db.selectFrom('subdistricts').select(['id', 'code']).orderBy('code').execute();
    const chosen = o.scale === 'city' ? subs : subs.filter((s) => s.code === '008');
    const bar = progressBar('Case years');
    let cases = 0;
    let events = 0;
    for (const [i, s] of chosen.entries()) {
      const res = await seedCaseYear(db, s.id, { days: o.days, casesPerDay: o.casesPerDay, seed: (o.seed ?? 2026) + i, now: ctx.deps.clock.now() });
      cases += res.cases;
      events += res.events;
      bar.update(i + 1, chosen.length);
    }
    bar.stop();
    console.log(`Seeded ${chosen.length} subdistrict-years: ${cases} cases, ${events} events in ${Math.round((performance.now() - started) / 1000)} s (${ctx.handle.kind}).`);
  } finally {
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
