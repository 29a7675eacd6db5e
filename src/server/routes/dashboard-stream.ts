import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../domain/auth/actor.js';
import { assertCan } from '../../domain/auth/permissions.js';
import { scopeCondition } from '../../domain/auth/scope.js';
import type { FeedEvent } from '../../domain/dashboard/fold-events.js';
import { hubFor } from '../../domain/dashboard/hub.js';
import { resolveSlice, resolveWindow } from '../../domain/dashboard/slice.js';
import { kpisFor } from '../../domain/dashboard/summary.js';
import type { Deps } from '../deps.js';
import { def } from '../route.js';

export const HEARTBEAT_MS = 15_000;
/** A viewer whose socket holds more than this unsent is dropped; its EventSource reconnects with Last-Event-ID. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
const RESUME_LIMIT = 500;
/** KPIs are recomputed at most this often per scope, however busy the event stream. */
const KPI_MIN_INTERVAL_MS = 1000;

/** Today's KPIs per scope, shared by every viewer with that scope for KPI_MIN_INTERVAL_MS. */
const kpiCache = new Map<string, { at: number; value: Promise<unknown> }>();
function sharedKpis(deps: Deps, actor: Actor, slice: Awaited<ReturnType<typeof resolveSlice>>) {
  const key = JSON.stringify(actor.scope);
  const hit = kpiCache.get(key);
  if (hit && Date.now() - hit.at < KPI_MIN_INTERVAL_MS / 2) return hit.value;
  const value = kpisFor(deps.db, slice, resolveWindow(deps.clock, { window: 'today' }));
  kpiCache.set(key, { at: Date.now(), value });
  if (kpiCache.size > 10_000) kpiCache.clear();
  return value;
}

/** Events after `lastId` the viewer may see and that are already folded (so figures agree). */
async function missedEvents(deps: Deps, actor: Actor, lastId: string): Promise<FeedEvent[]> {
  const rows = await deps.db.selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('rollup_cursors as r', 'r.subdistrict_id', 'e.subdistrict_id')
    .select(['e.id', 'e.seq', 'e.subdistrict_id', 'c.committee_id', 'e.case_id', 'c.number', 'e.action', 'e.to_status', 'c.source', 'cat.code', 'e.at'])
    .where(scopeCondition(actor, 'c.subdistrict_id', 'c.committee_id'))
    .where('e.id', '>', lastId).where(sql<boolean>`e.seq <= r.seq`)
    .orderBy('e.id').limit(RESUME_LIMIT).execute();
  return rows.map((e) => ({
    id: e.id, seq: Number(e.seq), subdistrictId: e.subdistrict_id, committeeId: e.committee_id, caseId: e.case_id, number: e.number,
    action: e.action, toStatus: e.to_status, source: e.source, categoryCode: e.code, at: e.at,
  }));
}

/**
 * Server-sent events for open dashboards: `event: case` for every folded case event the viewer may
 * see (id = the event id, so a reconnect resumes with Last-Event-ID), `event: kpis` with today's
 * KPIs of the viewer's scope after a change, and a comment heartbeat.
 */
export const stream = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Live stream (SSE) of case events and changed KPIs in the viewer\'s scope',
    querystring: z.strictObject({ lastEventId: z.string().max(64).optional() }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    assertCan(actor, 'dashboard.read');
    const slice = await resolveSlice(deps.db, actor, {});
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        // Backpressure: a slow client is dropped rather than buffered without bound.
        close();
        return;
      }
      raw.write(chunk);
    };
    const send = (events: FeedEvent[]) => {
      for (const e of events) write(`id: ${e.id}\nevent: case\ndata: ${JSON.stringify(e)}\n\n`);
      scheduleKpis();
    };
    let kpiTimer: NodeJS.Timeout | null = null;
    let lastKpiAt = 0;
    const pushKpis = async () => {
      kpiTimer = null;
      lastKpiAt = Date.now();
      try {
        const kpis = await sharedKpis(deps, actor, slice);
        write(`event: kpis\ndata: ${JSON.stringify(kpis)}\n\n`);
      } catch {
        /* the next change retries */
      }
    };
    const scheduleKpis = () => {
      if (kpiTimer || closed) return;
      kpiTimer = setTimeout(() => void pushKpis(), Math.max(0, lastKpiAt + KPI_MIN_INTERVAL_MS - Date.now()));
    };
    const unsubscribe = hubFor(deps.db).subscribe({ actor, deliver: send, close: () => close() });
    const heartbeat = setInterval(() => write(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
    function close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      if (kpiTimer) clearTimeout(kpiTimer);
      raw.end();
    }
    raw.on('close', close);
    const lastId = (req.headers['last-event-id'] as string | undefined) ?? req.query.lastEventId;
    if (lastId) {
      const missed = await missedEvents(deps, actor, lastId);
      if (missed.length) send(missed);
    }
    write(`event: ready\ndata: {}\n\n`);
  },
});
