import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { type Clock, ManualClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { DIALECTS, type TestDatabaseHandle, testDatabase } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';

const LOCK_TIMEOUT_MS = 300;

describe('a busy database answers 503 with Retry-After, never 500 or a long wait', () => {
  describe.runIf(DIALECTS.includes('postgres'))('[postgres] lock_timeout', () => {
    let base: TestDatabaseHandle;
    let handle: DatabaseHandle;
    let app: App;
    beforeAll(async () => {
      base = await testDatabase('postgres');
      const clock = new ManualClock('2026-05-26T02:30:00Z');
      await seedDemo(base.db, clock);
      // The server's own pool, with the timeouts a deployment configures.
      handle = createDatabase({ kind: 'postgres', url: base.url!, schema: base.schema, pool: { max: 4, statementTimeoutMs: 5_000, lockTimeoutMs: LOCK_TIMEOUT_MS, idleInTransactionTimeoutMs: 10_000 } });
      app = await buildApp({ db: handle.db, dbKind: 'postgres', config: readConfig({ DATA_DIR: '/tmp/closeloop-test' }), clock: clock as Clock }, testLogOptions('busy-database'));
    });
    afterAll(async () => {
      await app?.close();
      await handle?.destroy();
      await base?.destroy();
    });

    it('a table locked by another session gives 503 within about the lock timeout', async () => {
      const locker = new pg.Client({ connectionString: base.url, options: `-c search_path=${base.schema}` });
      await locker.connect();
      try {
        await locker.query('begin');
        await locker.query('lock table sign_in_throttle in access exclusive mode');
        const started = performance.now();
        const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' }, remoteAddress: '192.0.2.9' });
        const waited = performance.now() - started;
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('2');
        expect(res.json().error.code).toBe('database_busy');
        expect(waited).toBeLessThan(LOCK_TIMEOUT_MS * 10);
      } finally {
        await locker.query('rollback');
        await locker.end();
      }
      const after = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' }, remoteAddress: '192.0.2.9' });
      expect(after.statusCode).toBe(200);
    });
  });

  describe.runIf(DIALECTS.includes('postgres'))('[postgres] a pool with every connection busy', () => {
    it('a request waits at most DB_POOL_ACQUIRE_TIMEOUT_MS for a connection, then gets 503 Retry-After', async () => {
      expect(readConfig({ DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: 'postgres://x/y' }).database).toMatchObject({ pool: { acquireTimeoutMs: 10_000 } });
      const base = await testDatabase('postgres');
      const clock = new ManualClock('2026-05-26T02:30:00Z');
      const config = readConfig({ DATA_DIR: '/tmp/closeloop-test', DATABASE_URL: base.url!, DB_POOL_MAX: '1', DB_POOL_ACQUIRE_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) });
      if (config.database.kind !== 'postgres') throw new Error('expected a PostgreSQL configuration');
      const handle = createDatabase({ ...config.database, schema: base.schema });
      const app = await buildApp({ db: handle.db, dbKind: 'postgres', config, clock: clock as Clock }, testLogOptions('busy-database'));
      let free!: () => void;
      const held = new Promise<void>((r) => (free = r));
      let holding!: () => void;
      const taken = new Promise<void>((r) => (holding = r));
      const holder = handle.db.connection().execute(async () => {
        holding();
        await held;
      });
      try {
        await taken;
        const started = performance.now();
        const res = await Promise.race([
          app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' }, remoteAddress: '192.0.2.10' }),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still queued for a connection after 5 s')), 5_000)),
        ]);
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toBeDefined();
        expect(['database_unavailable', 'database_busy']).toContain(res.json().error.code);
        expect(performance.now() - started).toBeLessThan(LOCK_TIMEOUT_MS * 10);
      } finally {
        free();
        await holder;
        await app.close();
        await handle.destroy();
        await base.destroy();
      }
    }, 30_000);
  });

  describe('[sqlite] busy timeout', () => {
    let dir: string;
    let handle: DatabaseHandle;
    let app: App;
    let file: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-busy-'));
      file = path.join(dir, 'closeloop.db');
      handle = createDatabase({ kind: 'sqlite', file, busyTimeoutMs: LOCK_TIMEOUT_MS });
      await migrateToLatest(handle.db);
      const clock = new ManualClock('2026-05-26T02:30:00Z');
      await seedDemo(handle.db, clock);
      app = await buildApp({ db: handle.db, dbKind: 'sqlite', config: readConfig({ DATA_DIR: dir }), clock: clock as Clock }, testLogOptions('busy-database'));
    });
    afterAll(async () => {
      await app?.close();
      await handle?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a write while another process holds the write lock gives 503, and the next one succeeds', async () => {
      const other = new SQLite(file);
      other.pragma(`busy_timeout = 0`);
      try {
        other.exec('begin immediate');
        const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' }, remoteAddress: '192.0.2.9' });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('2');
        expect(res.json().error.code).toBe('database_busy');
      } finally {
        other.exec('rollback');
        other.close();
      }
      const after = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'closeloop2026' }, remoteAddress: '192.0.2.9' });
      expect(after.statusCode).toBe(200);
    });
  });
});
