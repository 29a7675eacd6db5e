import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import type { App } from '../../src/server/route.js';
import { readConfig } from '../../src/config.js';
import { formatLogLine, type LogFormat } from '../../src/server/log-format.js';
import { redactText, redactUrl } from '../../src/server/request-log.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const ID_NUMBER = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;

describe('log redaction rules', () => {
  it('no mobile or ID number survives in any text or URL', () => {
    const mobile = fc.tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.stringMatching(/^\d{9}$/)).map(([a, b]) => a + b);
    const idNo = fc.stringMatching(/^\d{17}[\dX]$/);
    const around = fc.string({ maxLength: 20 }).map((s) => s.replace(/\d/g, ''));
    fc.assert(
      fc.property(around, fc.oneof(mobile, idNo), around, (a, secret, b) => {
        expect(redactText(`${a}${secret}${b}`)).not.toContain(secret);
        expect(redactUrl(`/api/staff?q=${secret}&limit=5`)).toBe('/api/staff?q&limit');
        // In a query key too (`?13812345678`, a value with no key).
        expect(redactUrl(`/api/cases?${secret}`)).toBe('/api/cases?[key]');
        expect(redactUrl(`/api/staff?${secret}=&q=1`)).toBe('/api/staff?[key]&q');
        expect(redactUrl(`/api/x/${encodeURIComponent(a + secret)}`)).not.toContain(secret);
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(redactUrl('/api/sites/01a24182-cafb-7866-974d-03b27b27f9f9?q=%E7%90%86%E5%8F%91')).toBe('/api/sites/01a24182-cafb-7866-974d-03b27b27f9f9?q');
    expect(redactUrl('/api/sites/理发店')).toBe('/api/sites/[redacted]');
  });

  it('never logs a citizen\'s link secret (rating, booking, report tracking), in the API or the page path', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{16,43}$/), (token) => {
        for (const [url, logged] of [
          [`/api/public/rate/${token}`, '/api/public/rate/[token]'],
          [`/api/public/rate/${token}/feedback`, '/api/public/rate/[token]/feedback'],
          [`/api/public/appointments/${token}/cancel?lang=zh`, '/api/public/appointments/[token]/cancel?lang'],
          [`/api/public/reports/${token}/contest`, '/api/public/reports/[token]/contest'],
          [`/rate/${token}`, '/rate/[token]'],
          [`/rate/feedback/${token}/`, '/rate/feedback/[token]/'],
          [`/booking/${token}`, '/booking/[token]'],
          [`/report/t/${token}`, '/report/t/[token]'],
          [`/open311/v2/tokens/${token}.json?jurisdiction_id=310105008`, '/open311/v2/tokens/[token]?jurisdiction_id'],
          [`/open311/v2/tokens/${token}.xml`, '/open311/v2/tokens/[token]'],
        ]) expect(redactUrl(url!)).toBe(logged);
      }),
      { seed: SEED, numRuns: 200 },
    );
    // The routes beside them keep their names.
    for (const url of ['/api/public/reports/challenge', '/api/public/reports/categories', '/api/public/appointments', '/api/public/slots', '/rate/feedback', '/open311/v2/requests/HQ-20260526-0001.json'])
      expect(redactUrl(url)).toBe(url);
  });
});

describe('log format setting', () => {
  it('LOG_FORMAT wins; otherwise JSON in production or when stdout is not a terminal, pretty in a terminal', () => {
    const base = { DATA_DIR: '/tmp/closeloop-test' };
    expect(readConfig({ ...base, LOG_FORMAT: 'pretty', NODE_ENV: 'production' }, false).logFormat).toBe('pretty');
    expect(readConfig({ ...base, LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(readConfig({ ...base, NODE_ENV: 'production' }, true).logFormat).toBe('json');
    expect(readConfig(base, false).logFormat).toBe('json');
    expect(readConfig(base, true).logFormat).toBe('pretty');
    expect(() => readConfig({ ...base, LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('a pretty line holds time, level, request id, method, route, status and ms', () => {
    const rec = { level: 30, time: Date.UTC(2026, 11, 4, 9, 5, 7, 42), reqId: 'lb-7f3a9c21-0001', req: { method: 'GET', url: '/api/sites/abc?q' }, res: { statusCode: 404 }, responseTime: 3.456, route: '/api/sites/:id', msg: 'request completed' };
    expect(formatLogLine(JSON.stringify(rec))).toBe('09:05:07.042 INFO  lb-7f3a9c21-0001 GET /api/sites/:id 404 3.5ms');
    expect(formatLogLine(JSON.stringify({ ...rec, route: '/*', req: { method: 'GET', url: '/nope/13912345678?q=1' } }))).toBe('09:05:07.042 INFO  lb-7f3a9c21-0001 GET /nope/[redacted] 404 3.5ms');
    expect(formatLogLine(JSON.stringify({ level: 50, time: rec.time, msg: 'job failed for 13912345678', err: { code: 'E1', message: 'boom' } }))).toBe('09:05:07.042 ERROR job failed for [phone] E1 boom');
  });
});

for (const dialect of DIALECTS) {
  describe(`request logs carry no personal data [${dialect}]`, () => {
    let ctx: TestContext;
    const apps: Record<LogFormat, App | null> = { json: null, pretty: null };
    const lines: Record<LogFormat, string[]> = { json: [], pretty: [] };
    let phones: string[] = [];

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      for (const format of ['json', 'pretty'] as const) {
        const deps = { ...ctx.deps, config: { ...ctx.deps.config, logFormat: format } };
        apps[format] = await buildApp(deps, { logger: true, logStream: { write: (l: string) => void lines[format].push(l) } });
      }
      const users = await ctx.handle.db.selectFrom('users').select('phone').where('phone', 'is not', null).execute();
      const parties = await ctx.handle.db.selectFrom('responsible_parties').select('contact_phone').where('contact_phone', 'is not', null).execute();
      phones = [...new Set([...users.map((u) => u.phone!), ...parties.map((p) => p.contact_phone!)])];
    });
    afterAll(async () => {
      await apps.json?.close();
      await apps.pretty?.close();
      await ctx?.close();
    });

    for (const format of ['json', 'pretty'] as const) {
      it(`[${format}] logs requests searching, filtering and failing on phone and ID numbers without them; ids from X-Request-Id or new UUIDs`, async () => {
        const app = apps[format]!;
        expect(phones.length).toBeGreaterThan(5);
        const admin = await signInAs(app, 'admin');
        const idNo = '310105199001011234';
        for (const phone of phones.slice(0, 20)) {
          await app.inject({ method: 'GET', url: `/api/staff?q=${phone}`, headers: { cookie: admin } });
          await app.inject({ method: 'GET', url: `/api/sites?q=${encodeURIComponent(`联系人 ${phone}`)}&limit=2`, headers: { cookie: admin } });
          await app.inject({ method: 'GET', url: `/api/sites/${phone}`, headers: { cookie: admin } });
        }
        await app.inject({ method: 'GET', url: `/api/sites?q=${idNo}&bad=${idNo}`, headers: { cookie: admin } });
        await app.inject({ method: 'GET', url: `/api/nowhere/${idNo}?q=${idNo}` });
        await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: phones[0], password: idNo } });
        const given = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: admin, 'x-request-id': 'lb-7f3a9c21-0001' } });
        expect(given.headers['x-request-id']).toBe('lb-7f3a9c21-0001');
        const forged = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: admin, 'x-request-id': 'x\n{"evil":1}' } });
        expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

        const log = lines[format].join('');
        expect(log).toContain('lb-7f3a9c21-0001');
        for (const phone of phones) expect(log, phone).not.toContain(phone);
        expect(log).not.toContain(idNo);
        // Request and record ids are random hex UUIDs: a run of digits inside one is not a phone number.
        const scanned = log.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
        expect(scanned).not.toMatch(MOBILE);
        expect(scanned).not.toMatch(ID_NUMBER);
        expect(log).not.toContain('联系人');
        if (format === 'json') {
          expect(log).toContain('/api/staff?q');
          for (const line of lines.json) expect(() => JSON.parse(line)).not.toThrow();
          // One record per request, written with its answer: the route, the status and the time.
          const records = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; route?: string; req?: { method: string }; res?: { statusCode: number }; responseTime?: number });
          expect(records.filter((r) => r.msg === 'incoming request')).toEqual([]);
          const staff = records.filter((r) => r.route === '/api/staff');
          expect(staff).toHaveLength(Math.min(20, phones.length));
          for (const r of staff) expect(r).toMatchObject({ msg: 'request completed', req: { method: 'GET' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
        } else {
          const requestLines = log.split('\n').filter(Boolean);
          // One line per request, none of it JSON, no query string anywhere.
          expect(log).not.toContain('?');
          for (const line of requestLines) expect(() => JSON.parse(line)).toThrow();
          expect(requestLines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO  lb-7f3a9c21-0001 GET \/api\/me 200 \d+\.\dms$/));
          expect(requestLines.filter((l) => / GET \/api\/staff 200 /.test(l))).toHaveLength(Math.min(20, phones.length));
          expect(requestLines.filter((l) => / GET \/api\/sites\/:id 404 /.test(l))).toHaveLength(Math.min(20, phones.length));
          expect(requestLines.filter((l) => / GET \/api\/nowhere\/\[redacted\] 404 /.test(l))).toHaveLength(1);
        }
      });
    }
  });
}
