import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridCoverage } from '../../src/domain/service-network/grid-coverage.js';
import { createPoint, setPointStatus } from '../../src/domain/service-network/points.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, servicesContext } from './helpers.js';

describe.each(DIALECTS)('grid coverage as of a day reads the plan as it stood then (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('a plan made later is not counted before it was made; a plan dropped later was still a plan then', async () => {
    const db = ctx.handle.db;
    const admin = await actorOf(ctx, 'district-admin');
    const today = await gridCoverage(db, ctx.clock, admin, {});
    const [g1, g2, g3] = today.grids.filter((g) => g.state === 'uncovered');
    const zone = (g: NonNullable<typeof g1>, code: string, plannedOn?: string) =>
      db.transaction().execute((trx) =>
        createPoint(trx, ctx.clock, admin, {
          subdistrictId: g.subdistrictId, gridId: g.id, kind: 'self_service_zone', code, name: `${g.name}专区`, address: '测试地址',
          lng: g.lng, lat: g.lat, staffed: false, status: 'planned', targetOn: '2026-12-31', ...(plannedOn ? { plannedOn } : {}),
        }),
      );
    const row = async (id: string, asOf: string) => (await gridCoverage(db, ctx.clock, admin, { asOf, by: '2026-12-31' })).grids.find((g) => g.id === id)!;

    // Planned on 1 April: on 1 March that grid had no plan yet.
    await zone(g1!, 'ASOF-1', '2026-04-01');
    expect(await row(g1!.id, '2026-03-01')).toMatchObject({ state: 'uncovered', plannedZones: 0, coveredBy: false });
    expect(await row(g1!.id, '2026-04-01')).toMatchObject({ state: 'planned', plannedZones: 1, coveredBy: true });

    // Planned on 1 February, dropped (closed unbuilt) on 1 May: a plan on 1 April, none now, and it covers nothing by year end.
    const dropped = await zone(g2!, 'ASOF-2', '2026-02-01');
    await db.transaction().execute((trx) => setPointStatus(trx, ctx.clock, admin, dropped.id, { version: dropped.version, status: 'closed', on: '2026-05-01' }));
    expect(await row(g2!.id, '2026-04-01')).toMatchObject({ state: 'planned', plannedZones: 1, coveredBy: false });
    expect(await row(g2!.id, '2026-05-26')).toMatchObject({ state: 'uncovered', plannedZones: 0, coveredBy: false });

    // Entered without a planning date (a plan of unknown age): a plan on any day asked.
    await zone(g3!, 'ASOF-3');
    expect(await row(g3!.id, '2026-01-01')).toMatchObject({ state: 'planned' });

    // A point is not built (or closed) before it was planned.
    const late = await zone(g1!, 'ASOF-4', '2026-04-01');
    await expect(setPointStatus(db, ctx.clock, admin, late.id, { version: late.version, status: 'built', on: '2026-03-15' }))
      .rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'on' }] } });
  });
});
