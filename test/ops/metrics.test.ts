import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { measureBacklog } from '../../src/domain/ops/lag.js';
import { listenMetrics } from '../../src/server/metrics.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const TOKEN = 'metrics-token-0123456789abcdef';

for (const dialect of DIALECTS) {
  describe(`Prometheus /metrics [${dialect}]`, () => {
    let ctx: TestContext;
    let plain: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect, { METRICS_TOKEN: TOKEN });
      plain = await demoContext(dialect);
    });
    afterAll(async () => {
      await ctx.close();
      await plain.close();
    });

    it('refuses a scrape without the token, and does not exist when no token is configured', async () => {
      const none = await ctx.app.inject({ method: 'GET', url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/Bearer/);
      const wrong = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(1)}x` } });
      expect(wrong.statusCode).toBe(401);
      // Same string length, more UTF-8 bytes.
      const nonAscii = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(1)}\u00e9` } });
      expect(nonAscii.statusCode).toBe(401);
      const off = await plain.app.inject({ method: 'GET', url: '/metrics' });
      expect(off.statusCode).toBe(404);
      expect(off.json().error.code).toBe('not_found');
    });

    it('exports latency per route pattern, lag, streams and process metrics in the text format', async () => {
      const cookie = await signInAs(ctx.app, 'operator');
      const site = await ctx.app.inject({ method: 'GET', url: '/api/sites?limit=1', headers: { cookie } });
      expect(site.statusCode).toBe(200);
      const id = site.json().items[0].id;
      await ctx.app.inject({ method: 'GET', url: `/api/sites/${id}`, headers: { cookie } });
      const res = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      // The route pattern, never the raw URL (ids and query strings would explode the series).
      expect(text).toMatch(/closeloop_http_request_duration_seconds_count\{method="GET",route="\/api\/sites",status="2xx"\} 1/);
      expect(text).toMatch(/route="\/api\/sites\/:id"/);
      expect(text).not.toContain(id);
      expect(text).not.toContain('limit=1');
      for (const name of ['closeloop_fold_lag_seconds', 'closeloop_fold_backlog_events', 'closeloop_job_lag_seconds{job="case-deadlines"}', 'closeloop_sse_clients', 'closeloop_process_resident_memory_bytes', 'closeloop_nodejs_eventloop_lag_seconds']) {
        expect(text).toContain(name);
      }
    });

    it('counts the fold backlog as the events past each subdistrict\'s rollup cursor, from the chain heads', async () => {
      const db = plain.handle.db;
      const counted = async () =>
        Number((await db.selectFrom('case_events as e').leftJoin('rollup_cursors as r', 'r.subdistrict_id', 'e.subdistrict_id')
          .select((eb) => eb.fn.countAll<number>().as('n')).where(sql<boolean>`e.seq > coalesce(r.seq, 0)`).executeTakeFirstOrThrow()).n);
      // Five new reports: events the fold job has not seen yet.
      const cookie = await signInAs(plain.app, 'patrol1');
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      for (let i = 0; i < 5; i++) {
        const res = await plain.app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: { source: 'patrol', categoryId: category.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `积压 ${i}` } });
        expect(res.statusCode, res.body).toBe(201);
      }
      const before = await counted();
      expect(before).toBeGreaterThanOrEqual(5);
      expect((await measureBacklog(db, plain.clock.now())).foldBacklog).toBe(before);
      // Part of it folded (a few events of one subdistrict), then all of it.
      await foldPendingEvents(db, plain.clock, 3);
      const partly = await counted();
      expect(partly).toBeLessThan(before);
      expect((await measureBacklog(db, plain.clock.now())).foldBacklog).toBe(partly);
      while ((await foldPendingEvents(db, plain.clock)).length) {}
      expect(await counted()).toBe(0);
      expect((await measureBacklog(db, plain.clock.now())).foldBacklog).toBe(0);
    });

    it('can be served on a separate port instead', async () => {
      const server = await listenMetrics(plain.app.metrics, '127.0.0.1', 0);
      try {
        const port = (server.address() as { port: number }).port;
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('closeloop_http_request_duration_seconds');
        expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      } finally {
        server.close();
      }
    });
  });
}
