import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { readTemplates } from '../helpers/db-templates.js';
import { recordingStatements } from '../helpers/statements.js';
import { testLogOptions } from '../helpers/test-logs.js';
import { isAuthWrite } from '../../src/db/auth-writes.js';
import { hashSecret } from '../../src/domain/auth/tokens.js';
import { DashboardHub } from '../../src/domain/dashboard/hub.js';
import { type LiveFeed, startLiveFeed } from '../../src/server/live-feed.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * Resolved sessions are reused for a moment (domain/auth/session-cache.ts). These tests pin what
 * makes that safe: the writes that must empty the cache are recognised in the SQL Kysely really
 * sends, a read between a change and its commit is not kept, and another instance's change (here:
 * a connection of another process) is heard — through the trigger's NOTIFY on PostgreSQL, through
 * the file's data version on SQLite.
 * (test/api/session-revocation.test.ts checks every change made through the app, on both engines.)
 */
for (const dialect of DIALECTS) {
  describe(`the writes that change a resolved session are recognised [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx?.close());

    it('as Kysely compiles them: ends, rotations, user and scope changes count; the idle clock, a new session and a failed sign-in do not', () => {
      const db = ctx.handle.db;
      const counts = [
        db.deleteFrom('sessions').where('id', '=', 'x'),
        db.updateTable('sessions').set({ rotate_pending: 1 }).where('user_id', '=', 'x'),
        db.updateTable('sessions').set({ token_hash: 'h', rotate_pending: 0, last_seen_at: 'now' }).where('id', '=', 'x'),
        db.updateTable('users').set({ status: 'disabled' }).where('id', '=', 'x'),
        db.updateTable('users').set({ role: 'leader', updated_at: 'now' }).where('id', '=', 'x'),
        db.deleteFrom('user_scopes').where('user_id', '=', 'x'),
        db.insertInto('user_scopes').values({ id: 'x', user_id: 'x', subdistrict_id: 'x', committee_id: null }),
        db.with('gone', (w) => w.deleteFrom('sessions').where('user_id', '=', 'x').returning('id')).selectFrom('gone').selectAll(),
      ];
      for (const q of counts) expect(isAuthWrite(q.compile().sql), q.compile().sql).toBe(true);
      const silent = [
        db.updateTable('sessions').set({ last_seen_at: 'now' }).where('id', '=', 'x'),
        db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', 'x'),
        db.insertInto('sessions').values({ id: 'x', user_id: 'x', token_hash: 'h', created_at: 'a', expires_at: 'b', last_seen_at: 'c', ip: null, user_agent: null, kind: 'browser' }),
        db.selectFrom('sessions').selectAll().where('id', '=', 'x'),
        db.updateTable('cases').set({ status: 'closed' }).where('id', '=', 'x'),
      ];
      for (const q of silent) expect(isAuthWrite(q.compile().sql), q.compile().sql).toBe(false);
    });

    it('a request that reads the session between a change and its commit does not keep what it read', async () => {
      const cookie = await signInAs(ctx.app, 'operator');
      const me = () => ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect((await me()).statusCode).toBe(200);
      let during = 0;
      await ctx.handle.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ status: 'disabled' }).where('username', '=', 'operator').execute();
        // PostgreSQL: the request sees the committed row (still active) and may keep it.
        if (dialect === 'postgres') during = (await me()).statusCode;
      });
      if (dialect === 'postgres') expect(during).toBe(200);
      expect((await me()).statusCode).toBe(401);
      await ctx.handle.db.updateTable('users').set({ status: 'active' }).where('username', '=', 'operator').execute();
      expect((await me()).statusCode).toBe(200);
    });
  });
}

describe.runIf(DIALECTS.includes('postgres'))('another instance ends a session: this one hears it through PostgreSQL [postgres]', () => {
  let ctx: TestContext;
  let other: pg.Client;
  let feed: LiveFeed | null = null;
  beforeAll(async () => {
    // A long reuse, so that only the notice (not the age limit) can end a kept session in time.
    ctx = await demoContext('postgres', { SESSION_CACHE_MS: '60000' });
    other = new pg.Client({ connectionString: ctx.handle.url, options: `-c search_path=${ctx.handle.schema}` });
    await other.connect();
  });
  afterAll(async () => {
    await feed?.stop();
    await other?.end();
    await ctx?.close();
  });

  const until = async (pred: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await pred())) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  };

  it('without the notice the kept session would outlive the change; with it, it ends within a second', async () => {
    const first = await signInAs(ctx.app, 'operator');
    const me = (cookie: string) => ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect((await me(first)).statusCode).toBe(200);
    // Deleted by a connection this process's drivers never see, and nobody listening: the kept
    // session still answers (this is what the cache saves: no look-up).
    await other.query('delete from sessions where token_hash = $1', [hashSecret(first.slice('cl_session='.length))]);
    expect((await me(first)).statusCode).toBe(200);

    feed = startLiveFeed({ url: ctx.handle.url!, schema: ctx.handle.schema, db: ctx.handle.db, hub: new DashboardHub(), maxBackoffMs: 200 });
    await feed.ready;
    // Starting to listen drops what was kept: what changed before is unknown.
    expect((await me(first)).statusCode).toBe(401);

    const second = await signInAs(ctx.app, 'operator');
    expect((await me(second)).statusCode).toBe(200);
    await other.query(`update users set status = 'disabled' where username = 'operator'`);
    expect(await until(async () => (await me(second)).statusCode === 401, 1000)).toBe(true);
    await other.query(`update users set status = 'active' where username = 'operator'`);
    expect(await until(async () => (await me(second)).statusCode === 200, 1000)).toBe(true);

    // A change of a scope is heard too.
    const scopes = await other.query(`select us.id from user_scopes us join users u on u.id = us.user_id where u.username = 'operator'`);
    expect(scopes.rowCount).toBeGreaterThan(0);
    const before = (await me(second)).json().user;
    await other.query(`delete from user_scopes where id = $1`, [scopes.rows[0].id]);
    expect(await until(async () => JSON.stringify((await me(second)).json().user) !== JSON.stringify(before), 1000)).toBe(true);
  });
});

describe('another process writes the SQLite file: this one notices before reusing a session [sqlite]', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let app: App;
  let other: SQLite.Database;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-session-cache-'));
    const file = path.join(dir, 'closeloop.db');
    const template = readTemplates()?.sqlite.migrated;
    if (template) fs.copyFileSync(template, file);
    handle = createDatabase({ kind: 'sqlite', file });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, systemClock);
    // A long reuse, so that only noticing the other connection (not the age limit) ends a kept session.
    const config = readConfig({ DATA_DIR: dir, SESSION_CACHE_MS: '60000' });
    app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock: systemClock }, testLogOptions('app'));
    // As the command line (`closeloop user disable`, a restore) would: its own connection to the file.
    other = new SQLite(file);
  });
  afterAll(async () => {
    other?.close();
    await app?.close();
    await handle?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a kept session is not read again while nothing changed; a change by another connection counts from the next request', async () => {
    const cookie = await signInAs(app, 'operator');
    const me = () => app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    // Kept: the next request reads no session.
    const reads = await recordingStatements(async (sent) => {
      expect((await me()).statusCode).toBe(200);
      return sent().filter((s) => /from "sessions"/.test(s.text));
    });
    expect(reads).toEqual([]);

    other.prepare(`update users set status = 'disabled' where username = 'operator'`).run();
    expect((await me()).statusCode).toBe(401);
    other.prepare(`update users set status = 'active' where username = 'operator'`).run();
    expect((await me()).statusCode).toBe(200);
    // A session ended from outside (its row deleted) is ended here too.
    other.prepare(`delete from sessions where token_hash = ?`).run(hashSecret(cookie.slice('cl_session='.length)));
    expect((await me()).statusCode).toBe(401);
  });
});
