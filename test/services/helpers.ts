import type { DialectKind } from '../../src/db/index.js';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { DEMO_PASSWORD, type TestContext, actorOf, demoContext } from '../helpers/app.js';

/** The Hongqiao demo plus its 一网通办 catalogue, grids and network; the clock at 2026-05-26 10:30 Shanghai. */
export async function servicesContext(kind: DialectKind): Promise<TestContext> {
  const ctx = await demoContext(kind);
  await seedServicesDemo(ctx.handle.db, ctx.clock, { password: DEMO_PASSWORD });
  return ctx;
}

export async function itemByName(ctx: TestContext, name: string) {
  return ctx.handle.db
    .selectFrom('service_items')
    .innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
    .select(['service_items.id', 'v.id as versionId', 'v.promised_limit_days', 'v.materials'])
    .where('v.name_zh', '=', name)
    .where('v.version', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function pointByCode(ctx: TestContext, code: string) {
  return ctx.handle.db.selectFrom('service_points').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

export { actorOf };
