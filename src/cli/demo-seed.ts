import { openBulkSink } from '../db/bulk-sink.js';
import { seedDemo } from '../domain/demo/seed-demo.js';
import { markDemoComplete } from '../domain/demo/seed-state.js';
import { seedDemoHistory } from '../domain/demo/seed-demo-history.js';
import { DEMO_PASSWORD } from '../domain/demo/seed-demo.js';
import { seedServicesDemo } from '../domain/demo/seed-services.js';
import type { CliContext } from './context.js';
import { seedDemoSweeps } from '../domain/demo/seed-demo-sweeps.js';
import { seedDemoEnforcement } from '../domain/demo/seed-demo-enforcement.js';
import { progressBar } from './progress.js';
import { DEMO_SERVICE_ACTIVITY, seedServiceActivity } from '../domain/service-activity/seed-activity.js';
import { filesFor } from '../domain/storage/index.js';

/** The demo (registry and staff), then its last four weeks of cases and check-ins; used by `start` and `seed --demo`. */
export async function seedDemoData(ctx: CliContext, o: { extraSubdistricts?: number; seed?: number } = {}) {
  const db = ctx.handle.db;
  const bar = progressBar('Seeding Hongqiao demo');
  const res = await seedDemo(db, ctx.deps.clock, { extraSubdistricts: o.extraSubdistricts, seed: o.seed, onProgress: (d, t) => bar.update(d, t), firstStageOfDemo: true });
  bar.stop();
  const sink = openBulkSink(ctx.config.database, db);
  const history = progressBar('Demo history (4 weeks)');
  let seeded;
  try {
    const totals = await seedDemoHistory(db, sink, filesFor(ctx.config), ctx.deps.clock.now(), { seed: o.seed, onProgress: (d, t) => history.update(d, t) });
    await seedDemoSweeps(db, ctx.deps.clock, { files: filesFor(ctx.config), settings: ctx.config.patrol }, o.seed);
    // Two shops on their way up the enforcement ladder, for the desk and the officers' phones.
    await seedDemoEnforcement(db, filesFor(ctx.config), ctx.deps.clock.now());
    // After the case history: it walks every subdistrict, and the other Changning towns the grid
    // layer adds have no sites of their own.
    const services = await seedServicesDemo(db, ctx.deps.clock, { password: DEMO_PASSWORD });
    // Four weeks of the front office on that network, by the generator `seed --scale --services` uses.
    const activity = await seedServiceActivity(db, sink, filesFor(ctx.config), { ...DEMO_SERVICE_ACTIVITY, seed: o.seed ?? 2026, now: ctx.deps.clock.now() });
    seeded = { ...res, services: { ...services, activity }, history: totals };
  } finally {
    history.stop();
    await sink.finish();
  }
  // Only now is the demo complete: a start interrupted before this seeds it again (seed-state.ts).
  await markDemoComplete(db, ctx.deps.clock.now().toISOString());
  return seeded;
}
