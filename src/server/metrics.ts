import http from 'node:http';
import client from 'prom-client';
import { jobLagSeconds } from '../domain/jobs/lag.js';
import { measureBacklog } from '../domain/ops/lag.js';
import { hubFor } from '../domain/dashboard/hub.js';
import type { Deps } from './deps.js';
import type { App } from './route.js';

/**
 * Prometheus metrics (prom-client, the de-facto Node client: histograms, default process metrics,
 * the text exposition format). One registry per app, so tests and several apps in one process do
 * not share counters. Figures that describe the whole deployment (job and fold lag, webhook
 * outcomes) are read from the database at scrape time, so every instance reports the same.
 */
export interface MetricsSources {
  /** PostgreSQL pool gauges (pg.Pool exposes these counts). */
  pool?: { totalCount: number; idleCount: number; waitingCount: number };
  /** Background jobs of this instance, with their round statistics. */
  jobs?: () => { name: string; stats: { rounds: number; errors: number; lastRunAt: Date | null } }[];
  /** Seconds each job is behind (jobs/index.ts jobLag, which knows every job's interval). */
  jobLag?: () => Promise<Record<string, number>>;
}

/** How long a lag query may take before a scrape reports the last figures instead. */
const LAG_CACHE_MS = 5_000;

export function createMetrics(app: App, deps: Deps, sources: MetricsSources = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'closeloop_' });

  const httpDuration = new client.Histogram({
    name: 'closeloop_http_request_duration_seconds',
    help: 'HTTP request latency by route (the route pattern, never the raw URL) and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    httpDuration.observe({ method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
  });

  const cached = <T>(load: () => Promise<T>) => {
    let hit: { at: number; value: Promise<T> } | null = null;
    return () => {
      if (!hit || Date.now() - hit.at > LAG_CACHE_MS) hit = { at: Date.now(), value: load() };
      return hit.value;
    };
  };
  const backlog = cached(() => measureBacklog(deps.db, deps.clock.now()));
  const jobLag = cached(() => sources.jobLag?.() ?? jobLagSeconds(deps.db, deps.clock));
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: client.Gauge<string>) => Promise<void> | void) =>
    new client.Gauge({ name, help, labelNames, registers: [registry], async collect() { await collect(this); } });

  gauge('closeloop_db_pool_connections', 'PostgreSQL pool connections by state', ['state'], (g) => {
    const p = sources.pool;
    if (!p) return;
    g.set({ state: 'total' }, p.totalCount);
    g.set({ state: 'idle' }, p.idleCount);
    g.set({ state: 'waiting' }, p.waitingCount);
  });
  gauge('closeloop_sse_clients', 'Open dashboard live streams on this instance', [], (g) => g.set(hubFor(deps.db).size));
  gauge('closeloop_fold_lag_seconds', 'Age of the oldest case event not yet folded into the dashboard', [], async (g) => g.set((await jobLag())['dashboard-rollups'] ?? 0));
  gauge('closeloop_fold_backlog_events', 'Case events not yet folded into the dashboard', [], async (g) => g.set((await backlog()).foldBacklog));
  gauge('closeloop_webhook_backlog', 'Webhook deliveries due and not yet sent', [], async (g) => g.set((await backlog()).webhookBacklog));
  gauge('closeloop_job_lag_seconds', 'How late the oldest due item of each job is (0 = up to date)', ['job'], async (g) => {
    for (const [job, s] of Object.entries(await jobLag())) g.set({ job }, s);
  });
  gauge('closeloop_webhook_deliveries_last_day', 'Webhook deliveries of the last day by outcome', ['outcome'], async (g) => {
    for (const [outcome, n] of Object.entries((await backlog()).webhookOutcomes)) g.set({ outcome }, n);
  });
  gauge('closeloop_job_rounds', 'Rounds run by each job on this instance', ['job'], (g) => {
    for (const j of sources.jobs?.() ?? []) g.set({ job: j.name }, j.stats.rounds);
  });
  gauge('closeloop_job_errors', 'Failed rounds of each job on this instance', ['job'], (g) => {
    for (const j of sources.jobs?.() ?? []) g.set({ job: j.name }, j.stats.errors);
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (served by /metrics or a separate METRICS_PORT listener). */
    metrics: Metrics;
  }
}

/** A bare HTTP listener for /metrics on its own port (METRICS_PORT), not reachable through the app. */
export async function listenMetrics(metrics: Metrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
