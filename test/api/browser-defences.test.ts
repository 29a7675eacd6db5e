import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { contentSecurityPolicy, tileSource } from '../../src/server/security-headers.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { ensureWebBuiltForTests } from '../browser/helpers/web-build.js';
import { testLogOptions } from '../helpers/test-logs.js';

/** app.inject() speaks to host localhost:80: this is the app's own origin. */
const SELF = 'http://localhost:80';
const FOREIGN = 'https://evil.example';

function expectBrowserDefences(headers: Record<string, unknown>, what: string) {
  const csp = String(headers['content-security-policy'] ?? '');
  expect(csp, what).toContain("default-src 'self'");
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('same-origin');
  expect(headers['cross-origin-opener-policy'], what).toBe('same-origin');
}

describe('Content-Security-Policy and frame protection on every HTML answer', () => {
  let ctx: TestContext;
  let app: App;
  let https: App;

  beforeAll(async () => {
    ctx = await demoContext('sqlite');
    const webDir = await ensureWebBuiltForTests();
    app = await buildApp(ctx.deps, { webDir, ...testLogOptions('browser-defences') });
    https = await buildApp({ ...ctx.deps, config: readConfig({ DATA_DIR: '/tmp/closeloop-test', COOKIE_SECURE: 'true' }) }, { webDir, ...testLogOptions('browser-defences') });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await https?.close();
    await ctx?.close();
  });

  it('console, field app, API docs, API answers and errors all carry them; HSTS only over HTTPS', async () => {
    for (const url of ['/', '/console/cases', '/m', '/m/inbox', '/api/docs/static/index.html', '/api/openapi.json', '/api/me', '/api/nope', '/healthz']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(500);
      expectBrowserDefences(res.headers, url);
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
      expect(String(res.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    }
    const html = await app.inject({ method: 'GET', url: '/' });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    // No inline script in the shells: script-src 'self' would block it.
    expect(html.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const secure = await https.inject({ method: 'GET', url: '/' });
    expect(secure.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(String(secure.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });

  it('allows only the configured map tile server besides this origin', () => {
    const config = readConfig({ MAP_TILE_URL: 'https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}&y={y}&l={z}' });
    expect(contentSecurityPolicy(config)['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https://*.tianditu.gov.cn']);
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
    expect(tileSource('http://127.0.0.1:9/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:9');
    expect(contentSecurityPolicy(readConfig({}))['img-src']).toEqual(["'self'", 'data:', 'blob:']);
  });
});

for (const dialect of DIALECTS) {
  describe(`CSRF: cookie-authenticated writes only from this origin [${dialect}]`, () => {
    let ctx: TestContext;
    let operator: string;
    const tokenCount = async () =>
      Number((await ctx.handle.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      operator = await signInAs(ctx.app, 'operator');
    });
    afterAll(async () => ctx.close());

    const createToken = (headers: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie: operator, ...headers }, payload: { name: 'csrf probe' } });

    it('refuses a write with the session cookie from a foreign Origin or a cross-site fetch, and writes nothing', async () => {
      const before = await tokenCount();
      const probes: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        { origin: 'http://localhost.evil.example:80' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site', origin: SELF },
      ];
      for (const headers of probes) {
        const res = await createToken(headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(403);
        expect(res.json().error.code).toBe('csrf_rejected');
      }
      expect(await tokenCount()).toBe(before);

      // Login CSRF: signing a victim into the attacker's account is refused the same way.
      const signIn = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-in', headers: { origin: FOREIGN }, payload: { username: 'operator', password: 'closeloop2026' } });
      expect(signIn.statusCode).toBe(403);
      // Reads are not writes: a cross-site GET is answered (the browser keeps it from the other site).
      expect((await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: operator, origin: FOREIGN } })).statusCode).toBe(200);
    });

    it('accepts the same write from this origin, and bearer-token calls from anywhere', async () => {
      const before = await tokenCount();
      const res = await createToken({ origin: SELF, 'sec-fetch-site': 'same-origin' });
      expect(res.statusCode).toBe(201);
      expect(await tokenCount()).toBe(before + 1);
      const bearer = { authorization: `Bearer ${res.json().token}`, origin: FOREIGN, 'sec-fetch-site': 'cross-site' };
      const revoke = await ctx.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: bearer });
      expect(revoke.statusCode).not.toBe(403);
      // X-Forwarded-Host counts only from a trusted proxy (TRUSTED_PROXIES): a forged one does not pass.
      const forged = await createToken({ origin: FOREIGN, 'x-forwarded-host': 'evil.example' });
      expect(forged.statusCode).toBe(403);
    });
  });
}
