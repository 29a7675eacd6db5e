import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../domain/auth/actor.js';
import { assertCan } from '../../domain/auth/permissions.js';
import { scopeCondition } from '../../domain/auth/scope.js';
import type { FeedEvent } from '../../domain/dashboard/fold-events.js';
import { hubFor } from '../../domain/dashboard/hub.js';
import { resolveSlice, resolveWindow } from '../../domain/dashboard/slice.js';
import { servicesBoard } from '../../domain/dashboard/services-board.js';
import { kpisFor } from '../../domain/dashboard/summary.js';
import { type Deps, reader } from '../deps.js';
import { openEventStream, viewerStreamOptions } from '../event-stream.js';
import { def } from '../route.js';

const RESUME_LIMIT = 500;
/** KPIs are recomputed at most this often per scope, however busy the event stream. */
const KPI_MIN_INTERVAL_MS = 1000;

/** Shared answers per database: a process may serve more than one (the tests do), and ids may repeat. */
type SharedAnswers = WeakMap<Deps['db'], Map<string, { at: number; value: Promise<unknown> }>>;
function cacheOf(caches: SharedAnswers, db: Deps['db']) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}
/** Today's KPIs per scope, shared by every viewer with that scope for KPI_MIN_INTERVAL_MS. */
const kpiCaches: SharedAnswers = new WeakMap();
function sharedKpis(deps: Deps, actor: Actor, slice: Awaited<ReturnType<typeof resolveSlice>>) {
  const kpiCache = cacheOf(kpiCaches, deps.db);
  const key = JSON.stringify(actor.scope);
  const hit = kpiCache.get(key);
  if (hit && Date.now() - hit.at < KPI_MIN_INTERVAL_MS / 2) return hit.value;
  const value = kpisFor(deps.db, slice, resolveWindow(deps.clock, { window: 'today' }));
  kpiCache.set(key, { at: Date.now(), value });
  if (kpiCache.size > 10_000) kpiCache.clear();
  return value;
}

/** The 一网通办 board per scope, shared like the KPIs. */
const boardCaches: SharedAnswers = new WeakMap();
/** A board read before the last change this process heard of is not shared any more. */
let boardChangedAt = 0;
function sharedBoard(deps: Deps, actor: Actor) {
  const boardCache = cacheOf(boardCaches, deps.db);
  const key = JSON.stringify(actor.scope);
  const hit = boardCache.get(key);
  if (hit && hit.at > boardChangedAt && Date.now() - hit.at < KPI_MIN_INTERVAL_MS / 2) return hit.value;
  const value = servicesBoard(reader(deps), deps.clock, actor);
  boardCache.set(key, { at: Date.now(), value });
  if (boardCache.size > 10_000) boardCache.clear();
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
 * KPIs of the viewer's scope after a change, `event: services` with the 一网通办 board of the
 * viewer's scope after a front-office change (a record, ticket, appointment, rating or terminal in
 * that scope; src/domain/dashboard/service-changes.ts), and a comment heartbeat.
 */
export const stream = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Live stream (SSE) of case events, changed KPIs and the changed 一网通办 board in the viewer\'s scope',
    querystring: z.strictObject({ lastEventId: z.string().max(64).optional() }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    assertCan(actor, 'dashboard.read');
    const slice = await resolveSlice(deps.db, actor, {});
    const stream = openEventStream(reply, await viewerStreamOptions(deps, req, reply, actor));
    const { send: emit, close, onClose } = stream;
    const send = (events: FeedEvent[]) => {
      emit(events.map((e) => `id: ${e.id}\nevent: case\ndata: ${JSON.stringify(e)}\n\n`).join(''));
      scheduleKpis();
    };
    let kpiTimer: NodeJS.Timeout | null = null;
    let lastKpiAt = 0;
    const pushKpis = async () => {
      kpiTimer = null;
      lastKpiAt = Date.now();
      try {
        const kpis = await sharedKpis(deps, actor, slice);
        emit(`event: kpis\ndata: ${JSON.stringify(kpis)}\n\n`);
      } catch {
        /* the next change retries */
      }
    };
    const scheduleKpis = () => {
      if (kpiTimer || stream.closed) return;
      kpiTimer = setTimeout(() => void pushKpis(), Math.max(0, lastKpiAt + KPI_MIN_INTERVAL_MS - Date.now()));
    };
    let boardTimer: NodeJS.Timeout | null = null;
    let lastBoardAt = 0;
    const pushBoard = async () => {
      boardTimer = null;
      lastBoardAt = Date.now();
      try {
        const board = await sharedBoard(deps, actor);
        emit(`event: services\ndata: ${JSON.stringify(board)}\n\n`);
      } catch {
        /* the next change retries */
      }
    };
    const scheduleBoard = () => {
      boardChangedAt = Date.now();
      if (boardTimer || stream.closed) return;
      boardTimer = setTimeout(() => void pushBoard(), Math.max(0, lastBoardAt + KPI_MIN_INTERVAL_MS - Date.now()));
    };
    onClose(hubFor(deps.db).subscribe({ actor, deliver: send, services: scheduleBoard, close }));
    onClose(() => {
      if (kpiTimer) clearTimeout(kpiTimer);
      if (boardTimer) clearTimeout(boardTimer);
    });
    const lastId = (req.headers['last-event-id'] as string | undefined) ?? req.query.lastEventId;
    if (lastId) {
      const missed = await missedEvents(deps, actor, lastId);
      if (missed.length) send(missed);
    }
    emit(`event: ready\ndata: {}\n\n`);
  },
});
