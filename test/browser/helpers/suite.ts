import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { type RunningServer, type ServerOptions, startServer } from './server.js';

export interface BrowserSuite {
  server: RunningServer;
  browser: Browser;
}

/**
 * A browser suite's fixtures: a demo server and Chromium, started before the suite's tests (ahead
 * of the suite's own beforeAll hooks) and closed after them. Read them inside hooks and tests.
 */
export function browserSuite(env: Record<string, string> = {}, o: ServerOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    [suite.server, suite.browser] = await Promise.all([startServer(env, o), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** The subdistrict a demo user works in. */
export async function subdistrictOf(server: RunningServer, username: string): Promise<string> {
  const u = await server.db.selectFrom('users').select('subdistrict_id').where('username', '=', username).executeTakeFirstOrThrow();
  if (!u.subdistrict_id) throw new Error(`${username} has no subdistrict`);
  return u.subdistrict_id;
}
