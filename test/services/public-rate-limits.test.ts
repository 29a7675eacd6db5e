import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES_RATE } from '../../src/server/services-rate-limit.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { servicesContext } from './helpers.js';

let ipSeq = 0;
/** A fresh client address per test, so one test's budget is not another's. */
const newIp = () => `198.51.100.${++ipSeq}`;
const TOKEN = 'A'.repeat(32);

describe.each(DIALECTS)('per-client limits on the public 一网通办 endpoints (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  type Call = { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown>; headers?: Record<string, string> };
  const send = (c: Call, ip: string) => ctx.app.inject({ ...c, remoteAddress: ip });

  /**
   * `limit` requests of a client are answered by the endpoint itself (whatever it says); the next
   * is 429 rate_limited with Retry-After within the window; another client is not affected; the
   * count lives in the database on PostgreSQL (one budget for every instance).
   */
  async function exhaust(c: Call, limit: number, bucket: string) {
    const ip = newIp();
    const answers = await Promise.all(Array.from({ length: limit }, () => send(c, ip)));
    expect(answers.filter((r) => r.statusCode === 429)).toEqual([]);
    const over = await send(c, ip);
    expect(over.statusCode, over.body).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await send(c, newIp())).statusCode).not.toBe(429);
    // PostgreSQL: one budget for every instance, in the database; SQLite (one process): in its memory.
    const rows = await ctx.handle.db.selectFrom('rate_limit_hits').select(['hits']).where('bucket', '=', `services.${bucket}`).execute();
    if (kind === 'postgres') expect(rows.map((r) => Number(r.hits))).toContain(limit);
    else expect(rows).toEqual([]);
  }

  it(`booking: ${SERVICES_RATE.book} a minute per address, counted before the booking is looked at`, async () => {
    await exhaust({ method: 'POST', url: '/api/public/appointments', payload: { pointId: 'no-such-point', itemId: 'x', day: '2026-05-27', starts: '09:00', phone: '13800000000', name: '吴娟' } }, SERVICES_RATE.book, 'book');
  });

  it(`cancelling by link: ${SERVICES_RATE.cancel} a minute per address`, async () => {
    await exhaust({ method: 'POST', url: `/api/public/appointments/${TOKEN}/cancel` }, SERVICES_RATE.cancel, 'cancel');
  });

  it(`rating and the rater's feedback: ${SERVICES_RATE.rate} a minute per address each`, async () => {
    await exhaust({ method: 'POST', url: `/api/public/rate/${TOKEN}`, payload: { level: 5 } }, SERVICES_RATE.rate, 'rate');
    await exhaust({ method: 'POST', url: `/api/public/rate/${TOKEN}/feedback`, payload: { feedback: 'satisfied' } }, SERVICES_RATE.rate, 'feedback');
  });

  it(`the point page's reads: ${SERVICES_RATE.read} a minute per address, the rating link's apart`, async () => {
    await exhaust({ method: 'GET', url: '/api/public/points/YW008-XX' }, SERVICES_RATE.read, 'point');
    await exhaust({ method: 'GET', url: `/api/public/rate/${TOKEN}` }, SERVICES_RATE.read, 'rating');
  });

  it(`terminal heartbeats and faults: ${SERVICES_RATE.terminal} a minute per address`, async () => {
    await exhaust({ method: 'POST', url: '/api/terminals/heartbeat', payload: {}, headers: { authorization: `Bearer ${TOKEN}` } }, SERVICES_RATE.terminal, 'terminal');
  });
});
