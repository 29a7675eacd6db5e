import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { CaseRollupStateTable } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { dispatchedUnitOf } from '../cases/independent-check.js';
import { type CaseAttrs, type FoldState, foldEvent, initialState } from './counters.js';
import { ROLLUP_TABLES, RollupAccumulator, flushRollups } from './grains.js';
import { flushUnitCum, unitDeltas } from './unit-cum.js';

export const FOLD_BATCH = 500;

/** One folded event, as pushed to open dashboards after its batch committed. */
export interface FeedEvent {
  id: string;
  seq: number;
  subdistrictId: string;
  committeeId: string;
  caseId: string;
  number: string;
  action: string;
  toStatus: string;
  source: string;
  categoryCode: string;
  at: string;
}

export interface FoldedBatch {
  subdistrictId: string;
  events: FeedEvent[];
}

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

async function lockCursor(trx: Db, subdistrictId: string, at: string): Promise<number> {
  const select = () => {
    const q = trx.selectFrom('rollup_cursors').select('seq').where('subdistrict_id', '=', subdistrictId);
    return (isPostgres(trx) ? q.forUpdate() : q).executeTakeFirst();
  };
  let row = await select();
  if (!row) {
    await trx.insertInto('rollup_cursors').values({ subdistrict_id: subdistrictId, seq: 0, updated_at: at })
      .onConflict((oc) => oc.column('subdistrict_id').doNothing()).execute();
    row = await select();
  }
  return Number(row!.seq);
}

/**
 * Folds the next batch of one subdistrict's events into the rollups. The cursor moves in the same
 * transaction as the counters (guarded by its old value, and locked on PostgreSQL), so a crash or
 * a second process can neither lose a batch nor count it twice. Chain order per subdistrict is
 * commit order: appendCaseEvent holds the chain head's lock until its transaction commits.
 */
export async function foldSubdistrictBatch(trx: Db, clock: Clock, subdistrictId: string, limit = FOLD_BATCH): Promise<FeedEvent[]> {
  const now = clock.now().toISOString();
  const from = await lockCursor(trx, subdistrictId, now);
  const events = await eventsAfter(trx, subdistrictId, from).limit(limit).execute();
  if (!events.length) return [];

  const caseIds = [...new Set(events.map((e) => e.case_id))];
  const states = new Map<string, FoldState>();
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await trx.selectFrom('case_rollup_state').selectAll().where('case_id', 'in', caseIds.slice(i, i + 500)).execute();
    for (const r of rows) states.set(r.case_id, r);
  }
  const known = new Set(states.keys());
  const sub = await trx.selectFrom('subdistricts').select('district_id').where('id', '=', subdistrictId).executeTakeFirstOrThrow();
  const acc = new RollupAccumulator(sub.district_id);
  const personUnits = await unitsOfPeopleNamedAlone(trx, subdistrictId, events);
  for (const e of events) {
    const attrs: CaseAttrs = {
      case_id: e.case_id, subdistrict_id: subdistrictId, committee_id: e.committee_id, grid_id: e.grid_id,
      category_id: e.category_id, category_code: e.category_code, source: e.source, reported_at: e.reported_at,
    };
    const r = foldEvent({ ...e, seq: Number(e.seq), assignee_unit_id: personUnits.get(e.id) }, attrs, states.get(e.case_id) ?? initialState());
    states.set(e.case_id, r.state);
    acc.addEvent(attrs, r.unitId, e.actor_user_id, e.at, r.delta);
    // Dated counters belong to the case's figures, not to the day's work of whoever acted (no person grain).
    for (const x of r.dated) acc.addEvent(attrs, x.unitId ?? r.unitId, null, x.at, x.delta);
  }
  await flushRollups(trx, acc);
  await flushUnitCum(trx, subdistrictId, unitDeltas(acc));
  await saveStates(trx, subdistrictId, caseIds.map((id) => [id, states.get(id)!] as const), known);

  const last = Number(events[events.length - 1]!.seq);
  const moved = await trx.updateTable('rollup_cursors').set({ seq: last, updated_at: now })
    .where('subdistrict_id', '=', subdistrictId).where('seq', '=', from).executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new Error(`rollup cursor of ${subdistrictId} moved under us`);
  // Other instances hear of the batch when (and only if) this transaction commits: PostgreSQL
  // delivers a NOTIFY at commit. The payload is the range, far below NOTIFY's 8000-byte limit;
  // listeners read the events themselves (src/server/live-feed.ts).
  if (isPostgres(trx)) await sql`select pg_notify(${FEED_CHANNEL_PREFIX} || current_schema(), ${JSON.stringify({ s: subdistrictId, f: from, t: last })})`.execute(trx);
  return events.map((e) => feedEventOf(subdistrictId, e));
}

type EventRow = Awaited<ReturnType<ReturnType<typeof eventsAfter>['execute']>>[number];

/**
 * For each dispatch of the batch that names a person and no unit (a cadre named alone, a 差评 sent
 * to whoever served): the unit it went to, worked out from the person as the independent check
 * does (dispatchedUnitOf: their handling unit, else the committee's own unit for a cadre, the
 * enforcement team for an officer), so rework and the unit figures count against that unit.
 */
async function unitsOfPeopleNamedAlone(db: Db, subdistrictId: string, events: EventRow[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const known = new Map<string, string | null>();
  for (const e of events) {
    if (e.action !== 'dispatch' && e.action !== 'redispatch') continue;
    const changes = JSON.parse(e.changes || '{}') as Record<string, [unknown, unknown] | undefined>;
    const userId = changes.assigned_user_id?.[1];
    if (typeof userId !== 'string' || changes.assigned_unit_id?.[1]) continue;
    const key = `${userId}|${e.committee_id}`;
    if (!known.has(key)) {
      known.set(key, await dispatchedUnitOf(db, {
        id: e.case_id, subdistrict_id: subdistrictId, committee_id: e.committee_id, assigned_unit_id: null, assigned_user_id: userId, reporter_id: null,
      }));
    }
    out.set(e.id, known.get(key)!);
  }
  return out;
}

function eventsAfter(db: Db, subdistrictId: string, from: number) {
  return db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .select([
      'e.id', 'e.seq', 'e.case_id', 'e.action', 'e.from_status', 'e.to_status', 'e.actor_user_id', 'e.at', 'e.changes',
      'c.committee_id', 'c.grid_id', 'c.category_id', 'c.source', 'c.reported_at', 'c.number', 'cat.code as category_code',
      // The last resort of an old handling whose due time no event names (counters.ts foldEvent).
      'c.handle_due_at as case_handle_due_at',
    ])
    .where('e.subdistrict_id', '=', subdistrictId)
    .where('e.seq', '>', from)
    .orderBy('e.seq');
}

const feedEventOf = (subdistrictId: string, e: EventRow): FeedEvent => ({
  id: e.id, seq: Number(e.seq), subdistrictId, committeeId: e.committee_id, caseId: e.case_id, number: e.number,
  action: e.action, toStatus: e.to_status, source: e.source, categoryCode: e.category_code, at: e.at,
});

/** The NOTIFY channel of folded batches is this + the schema, so schemas sharing a database do not mix. */
export const FEED_CHANNEL_PREFIX = 'closeloop_feed_';

/** Folded events of a subdistrict with seq in (after, upTo]: what a listener delivers for a batch or after a reconnect. */
export async function foldedEventsBetween(db: Db, subdistrictId: string, after: number, upTo: number): Promise<FeedEvent[]> {
  const rows = await eventsAfter(db, subdistrictId, after).where('e.seq', '<=', upTo).execute();
  return rows.map((e) => feedEventOf(subdistrictId, e));
}

async function saveStates(trx: Db, subdistrictId: string, rows: (readonly [string, FoldState])[], known: Set<string>) {
  const toRow = ([id, s]: readonly [string, FoldState]): CaseRollupStateTable => ({ case_id: id, subdistrict_id: subdistrictId, ...s });
  const fresh = rows.filter(([id]) => !known.has(id)).map(toRow);
  for (let i = 0; i < fresh.length; i += 200) await trx.insertInto('case_rollup_state').values(fresh.slice(i, i + 200)).execute();
  for (const r of rows.filter(([id]) => known.has(id)).map(toRow)) {
    const { case_id, ...rest } = r;
    await trx.updateTable('case_rollup_state').set(rest).where('case_id', '=', case_id).execute();
  }
}

/** Subdistricts whose chain head is ahead of their rollup cursor. */
export async function subdistrictsBehind(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('chain_heads as h')
    .leftJoin('rollup_cursors as r', 'r.subdistrict_id', 'h.subdistrict_id')
    .select('h.subdistrict_id')
    .where(sql<boolean>`h.seq > coalesce(r.seq, 0)`)
    .execute();
  return rows.map((r) => r.subdistrict_id);
}

/**
 * One round of the rollup job: folds one batch per subdistrict that is behind, each in its own
 * transaction. With `onError`, a subdistrict whose batch fails is reported and skipped, and the
 * others still fold (one bad event must not stop the city's dashboards, nor lose the live publish
 * of the batches already committed); without it the first failure is thrown.
 */
export async function foldPendingEvents(db: Db, clock: Clock, limit = FOLD_BATCH, onError?: (subdistrictId: string, err: unknown) => void): Promise<FoldedBatch[]> {
  const out: FoldedBatch[] = [];
  for (const sub of await subdistrictsBehind(db)) {
    try {
      const events = await db.transaction().execute((trx) => foldSubdistrictBatch(trx, clock, sub, limit));
      if (events.length) out.push({ subdistrictId: sub, events });
    } catch (err) {
      if (!onError) throw err;
      onError(sub, err);
    }
  }
  return out;
}

/**
 * `closeloop rollups rebuild`: recomputes every rollup from the event log in one transaction
 * (readers see the old figures until it commits). Returns the number of events folded.
 */
export async function rebuildRollups(db: Db, clock: Clock, onProgress?: (events: number) => void): Promise<number> {
  return db.transaction().execute(async (trx) => {
    for (const t of ROLLUP_TABLES) await trx.deleteFrom(t).execute();
    await trx.deleteFrom('case_rollup_state').execute();
    await trx.deleteFrom('rollup_cursors').execute();
    let n = 0;
    for (const sub of await subdistrictsBehind(trx)) {
      for (;;) {
        const batch = await foldSubdistrictBatch(trx, clock, sub, 5000);
        if (!batch.length) break;
        n += batch.length;
        onProgress?.(n);
      }
    }
    return n;
  });
}
