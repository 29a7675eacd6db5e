import SQLite from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { preparedQueries } from '../../src/db/prepared.js';
import { activeBookingOf } from '../../src/domain/service-queue/appointments.js';
import '../../src/jobs/index.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { uploadPhoto } from '../api/cases-helpers.js';
import { windowPoints } from '../../src/domain/service-network/window-points.js';
import { actorOf, itemByName, servicesContext } from '../services/helpers.js';
import { visit } from '../../scripts/bench/services-visit.js';

/**
 * The app plans without statistics on every database (no ANALYZE after a seed or an import), so a
 * hot statement must be answered by the right index on a fresh database too. On SQLite without
 * statistics, a full scan or a condition on a low-cardinality column (status, role, …) can win over
 * a better index; at city scale either reads tens of thousands of rows per request.
 */
const planOf = async (h: DatabaseHandle, q: { sql: string; parameters: readonly unknown[] }) =>
  (await h.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows.map((r) => r.detail);

/** Tables a hot statement may read whole: a handful of rows each, whatever the city's size. */
const SMALL_TABLES = new Set(['open311_keys']);
/** Columns of a few values each: an index search by these alone reads a large share of a big table. */
const FEW_VALUES = new Set(['status', 'kind', 'role', 'source', 'outcome']);
/** A plan step that reads a whole table or index, or searches only by a column of a few values. */
function badStep(detail: string): string | null {
  const scan = /^SCAN (\w+)/.exec(detail);
  if (scan && scan[1] !== 'CONSTANT' && !SMALL_TABLES.has(scan[1]!)) return `reads all of ${scan[1]}`;
  const search = /USING (?:COVERING )?INDEX \w+ \(([^)]*)\)/.exec(detail);
  const columns = search ? search[1]!.split(' AND ').map((c) => c.replace(/[<>=].*$/, '')) : [];
  if (columns.length && columns.every((c) => FEW_VALUES.has(c))) return 'searches by columns of a few values only';
  return null;
}

/**
 * Plans every statement text that reads (parameters all null: SQLite plans without their values)
 * and answers the bad steps, each with its statement; and how many texts were planned.
 */
async function planProblems(h: DatabaseHandle, texts: Iterable<string>): Promise<{ bad: string[]; checked: number }> {
  const bad: string[] = [];
  let checked = 0;
  for (const text of texts) {
    if (!/^\s*(select|update|delete|with)\b/i.test(text) && !/\bselect\b/i.test(text)) continue;
    if (/\bsqlite_master\b|^\s*pragma\b/i.test(text)) continue;
    checked++;
    const q = { sql: text, parameters: Array.from({ length: (text.match(/\?/g) ?? []).length }, () => null) };
    for (const step of await planOf(h, q)) {
      const why = badStep(step);
      if (why) bad.push(`${why}: ${step}\n    ${q.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
  }
  return { bad, checked };
}

/** Records every SQL text SQLite is asked to prepare (by the app or not) while `run` runs. */
async function statementsOf(run: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  const prepare = SQLite.prototype.prepare;
  SQLite.prototype.prepare = function (this: SQLite.Database, text: string) {
    seen.add(text);
    return prepare.call(this, text);
  } as typeof prepare;
  try {
    await run();
  } finally {
    SQLite.prototype.prepare = prepare;
  }
  return seen;
}

describe('hot statements on a database without planner statistics (SQLite)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await testDatabase('sqlite');
  });
  afterAll(async () => h?.destroy());

  it("a booking's check for the phone's other booking that day is searched by point, day and phone", async () => {
    const plan = (await planOf(h, activeBookingOf.compile(h.db, 'point', '2026-12-07', '13900000000'))).join(' | ');
    expect(plan).toContain('point_id=? AND day=? AND phone=?');
    expect(plan).not.toMatch(/\bSCAN\b/);
  });

  it('no prepared statement reads a whole table or searches by columns of a few values alone', async () => {
    const bad: string[] = [];
    let checked = 0;
    for (const p of preparedQueries()) {
      const q = p.compile(h.db, ...Array.from({ length: p.arity }, () => null));
      if (/^\s*insert\b/i.test(q.sql)) continue;
      checked++;
      for (const step of await planOf(h, q)) {
        const why = badStep(step);
        if (why) bad.push(`${why}: ${step}\n    ${q.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });
});

describe('the statements of a whole case loop, planned without statistics (SQLite)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await demoContext('sqlite');
  });
  afterAll(async () => ctx?.close());

  it('report → file → dispatch → handle → check_pass, then every prepared statement made on the way is planned by an index', async () => {
    const db = ctx.handle.db;
    const cookie: Record<string, string> = {};
    for (const u of ['operator', 'patrol1', 'handler1']) cookie[u] = await signInAs(ctx.app, u);
    const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    const post = async (who: string, url: string, payload: object) => {
      const res = await ctx.app.inject({ method: 'POST', url, headers: { cookie: cookie[who]! }, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
    const seen = await statementsOf(async () => {
      let c = await post('patrol1', '/api/cases', { source: 'patrol', categoryId: category.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '湿垃圾桶内混有塑料瓶' });
      c = await post('operator', `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
      c = await post('operator', `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: unit });
      const photo = await uploadPhoto(ctx.app, cookie.handler1!);
      c = await post('handler1', `/api/cases/${c.id}/transitions`, { action: 'handle', version: c.version, note: '已处置', photoIds: [photo.id] });
      c = await post('patrol1', `/api/cases/${c.id}/transitions`, { action: 'check_pass', version: c.version });
      expect(c.status).toBe('closed');
      // The desk's queues and the handler's tasks, as the console asks for them.
      for (const [who, url] of [['operator', '/api/cases?queue=to_file'], ['operator', '/api/cases?queue=to_dispatch'], ['operator', '/api/cases?queue=overdue'], ['handler1', '/api/me/tasks']] as const) {
        const res = await ctx.app.inject({ method: 'GET', url, headers: { cookie: cookie[who]! } });
        expect(res.statusCode, res.body).toBe(200);
      }
    });
    const { bad, checked } = await planProblems(ctx.handle, new Set([...seen, ...preparedQueries().map((p) => p.compile(db, ...Array.from({ length: p.arity }, () => null)).sql)]));
    expect(checked).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  });
});

describe('the statements of a front-office visit and the per-subdistrict 一网通办 reports, planned without statistics (SQLite)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext('sqlite');
  });
  afterAll(async () => ctx?.close());

  it("book → cancel → book → check in → walk-in → call → start → record → complete → finish, and a subdistrict's reports: every statement is planned by an index", async () => {
    const db = ctx.handle.db;
    const cadre = await signInAs(ctx.app, 'cadre01');
    const leader = await signInAs(ctx.app, 'leader');
    const [window] = (await windowPoints(db, await actorOf(ctx, 'cadre01'))).items;
    const staffed = { id: window!.id, subdistrict_id: window!.subdistrictId };
    const item = await itemByName(ctx, '居住证签注');
    // A session with room at the cadre's window, from the public page.
    const slots = await ctx.app.inject({ url: `/api/public/slots?pointId=${staffed.id}&itemId=${item.id}&days=7` });
    expect(slots.statusCode, slots.body).toBe(200);
    const slot = (slots.json().slots as { day: string; starts: string; startAt: string; left: number }[]).find((x) => x.left > 1 && Date.parse(x.startAt) > ctx.clock.now().getTime());
    expect(slot, 'a bookable session at the window').toBeDefined();
    const client = {
      request: async (method: string, url: string, o: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
        const res = await ctx.app.inject({ method: method as 'GET' | 'POST', url, headers: { ...o.headers, ...(o.cookie ? { cookie: o.cookie } : {}) }, ...(o.body === undefined ? {} : { payload: o.body as object }) });
        return { status: res.statusCode, json: res.body ? res.json() : null };
      },
      close: () => {},
    };
    const calls: string[] = [];
    const seen = await statementsOf(async () => {
      await visit({
        client, cookie: cadre, pointId: staffed.id, itemId: item.id, day: slot!.day, starts: slot!.starts,
        measure: async (name, res, expected) => {
          const r = await res;
          expect(r.status, `${name}: ${JSON.stringify(r.json)}`).toBe(expected);
          calls.push(name);
          return r.json;
        },
      }, 1);
      for (const url of [
        `/api/services/reports/waiting-times?subdistrictId=${staffed.subdistrict_id}`,
        `/api/services/reports/grid-coverage?subdistrictId=${staffed.subdistrict_id}`,
        `/api/services/reports/life-circle?itemId=${item.id}&subdistrictId=${staffed.subdistrict_id}`,
        `/api/services/points?subdistrictId=${staffed.subdistrict_id}`,
        `/api/services/queue/tickets?pointId=${staffed.id}`,
      ]) {
        const res = await ctx.app.inject({ url, headers: { cookie: leader } });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
    });
    // The whole visit was played: every call of it answered as expected.
    expect(calls).toHaveLength(15);
    const { bad, checked } = await planProblems(ctx.handle, seen);
    // The visit's reads merged into fewer statements (window-call-statements.test.ts); the reports add theirs.
    expect(checked).toBeGreaterThan(25);
    expect(bad).toEqual([]);
  });
});
