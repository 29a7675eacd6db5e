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
/** A plan step that reads a whole table or index, or searches only by a column of a few values. */
function badStep(detail: string): string | null {
  const scan = /^SCAN (\w+)/.exec(detail);
  if (scan && scan[1] !== 'CONSTANT' && !SMALL_TABLES.has(scan[1]!)) return `reads all of ${scan[1]}`;
  if (/USING (COVERING )?INDEX \w+ \((status|kind|role|source|outcome)=\?( AND \w+[<>=]\?)*\)/.test(detail)) return 'searches by a column of a few values only';
  return null;
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

  it('no prepared statement reads a whole table or searches by status alone', async () => {
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
  // Every SQL text SQLite is asked to prepare while the loop runs (prepared by the app or not).
  const seen = new Set<string>();
  const prepare = SQLite.prototype.prepare;
  beforeAll(async () => {
    ctx = await demoContext('sqlite');
  });
  afterAll(async () => {
    SQLite.prototype.prepare = prepare;
    await ctx?.close();
  });

  it('report → file → dispatch → handle → check_pass, then every prepared statement made on the way is planned by an index', async () => {
    const db = ctx.handle.db;
    const cookie: Record<string, string> = {};
    for (const u of ['operator', 'patrol1', 'handler1']) cookie[u] = await signInAs(ctx.app, u);
    const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    SQLite.prototype.prepare = function (this: SQLite.Database, text: string) {
      seen.add(text);
      return prepare.call(this, text);
    } as typeof prepare;
    const post = async (who: string, url: string, payload: object) => {
      const res = await ctx.app.inject({ method: 'POST', url, headers: { cookie: cookie[who]! }, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
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
    SQLite.prototype.prepare = prepare;

    const texts = new Set([...seen, ...preparedQueries().map((p) => p.compile(db, ...Array.from({ length: p.arity }, () => null)).sql)]);
    const bad: string[] = [];
    let checked = 0;
    for (const text of texts) {
      if (!/^\s*(select|update|delete|with)\b/i.test(text) && !/\bselect\b/i.test(text)) continue;
      if (/\bsqlite_master\b|^\s*pragma\b/i.test(text)) continue;
      checked++;
      const q = { sql: text, parameters: Array.from({ length: (text.match(/\?/g) ?? []).length }, () => null) };
      for (const step of await planOf(ctx.handle, q)) {
        const why = badStep(step);
        if (why) bad.push(`${why}: ${step}\n    ${q.sql.replace(/\s+/g, ' ').slice(0, 200)}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  });
});
