import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { type Clock, systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import { replicaReads } from '../../src/server/deps.js';
import { REPLICA_CONNECT_TIMEOUT_MS } from '../../src/server/read-replica.js';
import { isConnectionError } from '../../src/server/error-handler.js';
import type { App } from '../../src/server/route.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS, PG_URL, type TestDatabaseHandle, testDatabase } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';

/** A URL on a local port nothing listens on (connections are refused at once). */
async function deadPostgresUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const url = new URL(PG_URL);
  url.port = String(port);
  return url.toString();
}

const READS = ['/api/cases?limit=5', '/api/sites?limit=5', '/api/dashboard/summary'];

describe('a database that cannot be reached', () => {
  it('connection faults are told apart from query faults', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08P01']) {
      expect(isConnectionError(Object.assign(new Error('x'), { code })), code).toBe(true);
    }
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    for (const code of ['23505', '42P01', '55P03', '57014', 'SQLITE_BUSY', undefined]) {
      expect(isConnectionError(Object.assign(new Error('x'), { code })), String(code)).toBe(false);
    }
  });

  describe.runIf(DIALECTS.includes('postgres'))('[postgres] a read replica that cannot be reached', () => {
    let base: TestDatabaseHandle;
    let replica: DatabaseHandle;
    let app: App;
    let cookie: string;
    beforeAll(async () => {
      base = await testDatabase('postgres');
      await seedDemo(base.db, systemClock);
      const config = readConfig({ DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: base.url!, DATABASE_READ_URL: await deadPostgresUrl() });
      replica = createDatabase(config.readDatabase!);
      app = await buildApp({ db: base.db, readDb: replica.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('database-outage'));
      cookie = await signInAs(app, 'operator');
    });
    afterAll(async () => {
      await app?.close();
      await replica?.destroy();
      await base?.destroy();
    });

    it('lists and the dashboard answer from the primary, and /readyz says where reads go', async () => {
      for (const url of READS) {
        const res = await app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      }
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', details: { readReplica: { readsFrom: 'primary' } } });
      expect(Date.parse(ready.json().details.readReplica.retryAt)).toBeGreaterThan(Date.now());
    });
  });

  describe.runIf(DIALECTS.includes('postgres'))('[postgres] a read replica that accepts connections and never answers', () => {
    let base: TestDatabaseHandle;
    let replica: DatabaseHandle;
    let silent: net.Server;
    const sockets: net.Socket[] = [];
    let app: App;
    let cookie: string;
    beforeAll(async () => {
      base = await testDatabase('postgres');
      await seedDemo(base.db, systemClock);
      silent = net.createServer((socket) => void sockets.push(socket));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const url = new URL(PG_URL);
      url.port = String((silent.address() as net.AddressInfo).port);
      const config = readConfig({ DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: base.url!, DATABASE_READ_URL: url.toString() });
      replica = createDatabase(config.readDatabase!);
      app = await buildApp({ db: base.db, readDb: replica.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('database-outage'));
      cookie = await signInAs(app, 'operator');
    });
    afterAll(async () => {
      await app?.close();
      for (const s of sockets) s.destroy();
      await replica?.destroy();
      await new Promise((r) => silent?.close(r));
      await base?.destroy();
    });

    it('the first read waits the connect timeout, then reads go to the primary without trying the replica again', async () => {
      const started = performance.now();
      const first = await app.inject({ method: 'GET', url: '/api/cases?limit=5', headers: { cookie } });
      expect(first.statusCode, first.body.slice(0, 200)).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(REPLICA_CONNECT_TIMEOUT_MS - 50);
      expect(sockets).toHaveLength(1);
      for (const url of READS) {
        const res = await app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      }
      expect(sockets).toHaveLength(1); // the breaker is open: no new attempt on the replica
      expect(replicaReads({ db: base.db, readDb: replica.db })!.tryReplica).toBe(false);
    });
  });

  describe.runIf(DIALECTS.includes('postgres'))('[postgres] a busy replica is not a replica that is down', () => {
    let base: TestDatabaseHandle;
    let replica: DatabaseHandle;
    beforeAll(async () => {
      base = await testDatabase('postgres');
      // The "replica": the same database through a pool of one connection, kept busy below.
      replica = createDatabase({ kind: 'postgres', url: base.url!, pool: { max: 1, statementTimeoutMs: 0, lockTimeoutMs: 0, idleInTransactionTimeoutMs: 0 } });
    });
    afterAll(async () => {
      await replica?.destroy();
      await base?.destroy();
    });

    it('a read queued behind a full replica pool goes to the primary without opening the breaker', async () => {
      const reads = replicaReads({ db: base.db, readDb: replica.db })!;
      // A long read holds the replica's only connection.
      const long = sql`select pg_sleep(${(REPLICA_CONNECT_TIMEOUT_MS + 1500) / 1000})`.execute(reads.db);
      try {
        // Until the long read runs on the replica's connection (a condition with a deadline, not a sleep).
        const sleeping = async () =>
          Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and query like 'select pg_sleep%'`.execute(base.db)).rows[0]!.n);
        for (const deadline = Date.now() + 5000; (await sleeping()) < 1 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
        expect(await sleeping()).toBe(1);
        const started = performance.now();
        const quick = await sql<{ n: number }>`select 1 as n`.execute(reads.db);
        expect(quick.rows[0]!.n).toBe(1);
        expect(performance.now() - started).toBeGreaterThanOrEqual(REPLICA_CONNECT_TIMEOUT_MS - 50);
        // Busy, not down: the replica keeps taking reads.
        expect(reads.tryReplica).toBe(true);
        expect(reads.status().readsFrom).toBe('replica');
      } finally {
        await long;
      }
    }, 20_000);
  });

  describe.runIf(DIALECTS.includes('postgres'))('[postgres] a primary that cannot be reached', () => {
    let base: TestDatabaseHandle;
    let dead: DatabaseHandle;
    let app: App;
    let deadApp: App;
    let cookie: string;
    beforeAll(async () => {
      base = await testDatabase('postgres');
      await seedDemo(base.db, systemClock);
      const config = readConfig({ DATA_DIR: '/tmp/closeloop-test' });
      app = await buildApp({ db: base.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('database-outage'));
      cookie = await signInAs(app, 'operator');
      // The same server, but its database has gone away (a session cookie from before the outage).
      dead = createDatabase({ kind: 'postgres', url: await deadPostgresUrl() });
      deadApp = await buildApp({ db: dead.db, dbKind: 'postgres', config, clock: systemClock as Clock }, testLogOptions('database-outage'));
    });
    afterAll(async () => {
      await deadApp?.close();
      await app?.close();
      await dead?.destroy();
      await base?.destroy();
    });

    it('answers 503 database_unavailable with Retry-After, not 500', async () => {
      for (const req of [
        { method: 'GET' as const, url: '/api/cases?limit=5', headers: { cookie } },
        { method: 'GET' as const, url: '/api/dashboard/summary', headers: { cookie } },
        { method: 'POST' as const, url: '/api/auth/sign-in', payload: { username: 'operator', password: 'closeloop2026' } },
      ]) {
        const res = await deadApp.inject(req);
        expect(res.statusCode, `${req.url}: ${res.body.slice(0, 200)}`).toBe(503);
        expect(res.json().error.code).toBe('database_unavailable');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      // Open311 clients get the same in the spec's error shape.
      const o311 = await deadApp.inject({ method: 'GET', url: '/open311/v2/services.json' });
      expect(o311.statusCode, o311.body.slice(0, 200)).toBe(503);
      expect(o311.json()).toEqual([{ code: 503, description: 'The database cannot be reached; retry in a moment' }]);
      expect(Number(o311.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('/readyz answers 503 with a generic reason, not the database error', async () => {
      const res = await deadApp.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', database: 'postgres', reason: 'database_unreachable' });
      expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    });
  });
});
