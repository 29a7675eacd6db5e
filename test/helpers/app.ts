import { readConfig } from '../../src/config.js';
import type { DialectKind } from '../../src/db/index.js';
import { loadActor } from '../../src/domain/auth/actor.js';
import { type Clock, ManualClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { Deps } from '../../src/server/deps.js';
import type { App } from '../../src/server/route.js';
import { type TestDatabaseHandle, testDatabase } from './db.js';
import { DEMO_SEEDED_AT } from './db-templates.js';
import { testLogOptions } from './test-logs.js';

export const DEMO_PASSWORD = 'closeloop2026';

export interface TestContext {
  handle: TestDatabaseHandle;
  deps: Deps;
  clock: ManualClock;
  app: App;
  close(): Promise<void>;
}

/**
 * A migrated database with the Hongqiao demo seeded (`holding: 'services'`: and its 一网通办
 * network), and the app over it (no port opened).
 */
export async function demoContext(kind: DialectKind, env: Record<string, string> = {}, holding: 'demo' | 'services' = 'demo'): Promise<TestContext> {
  const handle = await testDatabase(kind, holding);
  const clock = new ManualClock(DEMO_SEEDED_AT);
  // Tests move the clock by hours while holding a sign-in; the idle limit is the absolute one here
  // (test/api/accounts.test.ts sets SESSION_IDLE_MINUTES itself to test the idle timeout).
  const config = readConfig({ DATA_DIR: '/tmp/closeloop-test', SESSION_IDLE_MINUTES: '720', ...env });
  const deps: Deps = { db: handle.db, dbKind: handle.kind, config, clock: clock as Clock };
  const app = await buildApp(deps, testLogOptions('app'));
  return {
    handle,
    deps,
    clock,
    app,
    async close() {
      await app.close();
      await handle.destroy();
    },
  };
}

/** Signs in through the API and returns the cookie header to send. */
export async function signInAs(app: App, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'cl_session');
  if (!cookie) throw new Error('no session cookie');
  return `cl_session=${cookie.value}`;
}

/** The demo (demoContext) with `username` signed in: the context and the cookie header to send. */
export async function demoSignedInAs(kind: DialectKind, username: string, env: Record<string, string> = {}): Promise<{ ctx: TestContext; cookie: string }> {
  const ctx = await demoContext(kind, env);
  return { ctx, cookie: await signInAs(ctx.app, username) };
}

export async function actorOf(ctx: TestContext, username: string) {
  const u = await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const actor = await loadActor(ctx.handle.db, u.id);
  if (!actor) throw new Error(`no actor ${username}`);
  return actor;
}
