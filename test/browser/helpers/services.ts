import { seedServicesDemo } from '../../../src/domain/demo/seed-services.js';
import { systemClock } from '../../../src/domain/shared/clock.js';
import { DEMO_PASSWORD } from './browser.js';
import type { RunningServer } from './server.js';

/** The 一网通办 demo (catalogue, grids, network, window staff) on the browser server, once. */
export async function ensureServicesDemo(server: RunningServer): Promise<void> {
  const seeded = await server.db.selectFrom('service_categories').select('id').limit(1).executeTakeFirst();
  if (!seeded) await seedServicesDemo(server.db, systemClock, { password: DEMO_PASSWORD });
}
