import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { type Clock, systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type PrimaryWithReplica, replicaToolsAvailable, startPrimaryWithReplica } from '../helpers/pg-replica.js';
import { testLogOptions } from '../helpers/test-logs.js';

// A real primary and a streaming replica made with pg_basebackup, both started by the test.
describe.runIf(DIALECTS.includes('postgres') && replicaToolsAvailable)('DATABASE_READ_URL: dashboard and list reads from a streaming replica', () => {
  let cluster: PrimaryWithReplica;
  let primary: DatabaseHandle;
  let replica: DatabaseHandle;
  let app: App;
  let cookie: string;

  beforeAll(async () => {
    cluster = await startPrimaryWithReplica();
    const env = { DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: cluster.primaryUrl, DATABASE_READ_URL: cluster.replicaUrl, DB_LOCK_TIMEOUT_MS: '300' };
    const config = readConfig(env);
    expect(config.readDatabase).toMatchObject({ kind: 'postgres', url: cluster.replicaUrl });
    primary = createDatabase(config.database);
    await migrateToLatest(primary.db);
    await seedDemo(primary.db, systemClock);
    // The replica answers only once it has replayed the schema and the demo (under a loaded
    // machine that takes a while): every test starts from a caught-up replica.
    await cluster.caughtUp();
    replica = createDatabase(config.readDatabase!);
    app = await buildApp({ db: primary.db, readDb: replica.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('read-replica'));
    cookie = await signInAs(app, 'operator');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await replica?.destroy();
    await primary?.destroy();
    await cluster?.stop();
  });

  it('the replica is read-only and serves what the primary wrote once replayed', async () => {
    await expect(replica.db.insertInto('sign_in_throttle').values({ key: 'x', window_start: new Date().toISOString(), attempts: 1 }).execute()).rejects.toThrow(/read-only/);
    const patrol = await signInAs(app, 'patrol1');
    const hq = await primary.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const cat = await primary.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const site = await primary.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).orderBy('id').executeTakeFirstOrThrow();
    const created = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: patrol }, payload: { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '副本测试' } });
    expect(created.statusCode, created.body).toBe(201);
    await cluster.caughtUp();
    const list = await app.inject({ method: 'GET', url: '/api/cases?limit=50', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { id: string }) => c.id)).toContain(created.json().id);
  });

  it('lists and the dashboard keep answering from the replica while the primary\'s tables are locked', async () => {
    const locker = new pg.Client({ connectionString: cluster.primaryUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table cases, sites in access exclusive mode');
      for (const url of ['/api/cases?limit=5', '/api/sites?limit=5', '/api/dashboard/summary']) {
        const res = await app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      }
      // A read that goes to the primary waits for the lock and gets a clean 503.
      const onPrimary = await app.inject({ method: 'GET', url: `/api/cases/${(await replica.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id}`, headers: { cookie } });
      expect(onPrimary.statusCode).toBe(503);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });
});
