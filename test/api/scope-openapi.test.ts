import fs from 'node:fs';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { servicesContext } from '../services/helpers.js';
import { hongqiao, ladderFromFailedInspection, orderDocument } from '../enforcement/helpers.js';
import { seedServiceActivity } from '../../src/domain/service-activity/seed-activity.js';
import { kyselySink } from '../../src/db/bulk-sink.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { arbitraryFor, type GenOptions, type Schema } from '../helpers/openapi-arbitrary.js';
import { PERMISSIONS, type Permission } from '../../src/domain/auth/permissions.js';
import type { Role } from '../../src/db/schema.js';

/**
 * Scope, walked over the whole API: every operation of the OpenAPI document is called with the ids
 * of rows out of the caller's reach in its path, its query and its body — by the people of another
 * subdistrict (one of every role), by a committee cadre (the subdistrict's other committees) and by
 * a building window's clerk (the front office of the subdistrict's other points). No answer may
 * carry a foreign row's id or a name or number only foreign rows print (an .xlsx and a PDF are read
 * as text); an id of another scope in the path is never served, and answers 404 — never 403 — to a
 * role that may perform the action; and no foreign row changes. Seeded: SCOPE_SEED=<n> replays a run;
 * SCOPE_DEBUG=1 prints every answer.
 */
const SEED = Number(process.env.SCOPE_SEED ?? 20261207);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Param { in: string; name: string; required?: boolean; schema?: Schema }
interface Op { method: string; path: string; summary?: string; parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }
interface Doc { paths: Record<string, Record<string, Op>>; components?: { schemas?: Record<string, Schema> } }

/** Tables whose rows belong to a subdistrict (and, where the column exists, a committee). */
const SCOPED_TABLES = [
  ['sites', true], ['cases', true], ['users', false], ['committees', false], ['handling_units', false], ['case_categories', false],
  ['checklists', false], ['checkins', true], ['inspections', true], ['campaigns', false], ['photos', false],
  ['legal_bases', false], ['enforcement_cases', true], ['enforcement_documents', false],
  ['service_points', true], ['service_records', true], ['service_ratings', true], ['service_appointments', true], ['service_tickets', true],
  ['service_grids', false], ['notification_webhooks', false], ['webhook_deliveries', false], ['responsible_parties', false],
] as const;
type Table = (typeof SCOPED_TABLES)[number][0];

/** Which table a path's `{id}` names (the last literal segment before it). */
const PATH_TABLE: [RegExp, Table][] = [
  [/^\/api\/sites\/\{id\}/, 'sites'], [/^\/api\/handling-units\/\{id\}/, 'handling_units'], [/^\/api\/cases\/\{id\}/, 'cases'],
  [/^\/api\/catalogue\/\{id\}/, 'case_categories'], [/^\/api\/staff\/\{id\}/, 'users'], [/^\/api\/checklists\/\{id\}/, 'checklists'],
  [/^\/api\/inspections\/\{id\}/, 'inspections'], [/^\/api\/campaigns\/\{id\}/, 'campaigns'], [/^\/api\/photos\/\{id\}/, 'photos'],
  [/^\/api\/notifications\/deliveries\/\{id\}/, 'webhook_deliveries'], [/^\/api\/enforcement\/legal-bases\/\{id\}/, 'legal_bases'],
  [/^\/api\/enforcement\/cases\/\{id\}/, 'enforcement_cases'], [/^\/api\/enforcement\/subjects\/\{id\}/, 'sites'],
  [/^\/api\/enforcement\/documents\/\{id\}/, 'enforcement_documents'], [/^\/api\/services\/points\/\{id\}/, 'service_points'],
  [/^\/api\/services\/records\/\{id\}/, 'service_records'], [/^\/api\/services\/ratings\/\{id\}/, 'service_ratings'],
  [/^\/api\/services\/appointments\/\{id\}/, 'service_appointments'], [/^\/api\/services\/queue\/tickets\/\{id\}/, 'service_tickets'],
];

/** Query and body properties that name a scoped row. */
const FIELD_TABLE: Record<string, Table> = {
  siteId: 'sites', caseId: 'cases', userId: 'users', committeeId: 'committees', unitId: 'handling_units', handlingUnitId: 'handling_units',
  categoryId: 'case_categories', checklistId: 'checklists', inspectionId: 'inspections', campaignId: 'campaigns', photoId: 'photos',
  legalBasisId: 'legal_bases', basisId: 'legal_bases', enforcementCaseId: 'enforcement_cases', pointId: 'service_points', recordId: 'service_records',
  ratingId: 'service_ratings', appointmentId: 'service_appointments', ticketId: 'service_tickets', gridId: 'service_grids', officerId: 'users',
  staffId: 'users', assigneeId: 'users', subjectId: 'sites', partyId: 'responsible_parties',
};

/** Operations out of this walk: public ones (their data is public by design) and the ones a test elsewhere owns. */
const SKIP = new Set([
  // Signing out or turning the session into a wall display ends the session; the live streams never end by themselves (test/dashboard, test/services cover their scope).
  'POST /api/auth/sign-out', 'POST /api/me/wall-session', 'GET /api/dashboard/stream', 'GET /api/services/stream',
]);

/** Xianxia's people, one of every role that works in a subdistrict. */
const XIANXIA = ['xx-admin', 'xx-operator', 'xx-leader', 'xx-cadre01', 'xx-window1', 'xx-enforcer1', 'xx-handler1', 'xx-patrol1'];

/** What an answer says, in text: an .xlsx's cells, a PDF's words, anything else as sent. */
async function textOf(res: { headers: Record<string, unknown>; body: string; rawPayload: Buffer }): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.text ?? c.value ?? ''))));
    return cells.join('\n');
  }
  if (type.includes('pdf')) return pdfText(res.rawPayload);
  return res.body;
}

/** Answers that rightly carry rows of the reach, with the reason. */
const WITHIN_REACH: Record<Reach, Record<string, string>> = {
  subdistrict: {},
  // The handling units (committees' own among them) are the subdistrict's dispatch targets: registry data its people read.
  committee: { 'GET /api/handling-units': "the subdistrict's handling units, by design" },
  point: {},
};

/** Whose rows a walk probes: another subdistrict's, the subdistrict's other committees', other points' of the subdistrict. */
type Reach = 'subdistrict' | 'committee' | 'point';
const REACHES: Reach[] = ['subdistrict', 'committee', 'point'];
/** The front office's rows, which window staff see at the points they serve at only. */
const POINT_TABLES = ['service_records', 'service_ratings', 'service_appointments', 'service_tickets'] as const;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

for (const kind of DIALECTS) {
  describe(`scope over every operation of the OpenAPI document (${kind})`, () => {
    let ctx: TestContext;
    let doc: Doc;
    /** The action each route performs, as the route list (src/server/routes/index.ts) names it. */
    let access: Map<string, Permission | 'public'>;
    const cookies: Record<string, string> = {};
    let roles: Record<string, Role>;
    /** Per reach: a few foreign rows' ids by table (to send), every foreign row's id and the names and numbers only foreign rows print (to look for). */
    const foreign = { subdistrict: {}, committee: {}, point: {} } as Record<Reach, Partial<Record<Table, string[]>> & { subdistricts?: string[] }>;
    const foreignIds = {} as Record<Reach, Set<string>>;
    const foreignTexts = {} as Record<Reach, Set<string>>;
    /** Hongqiao's rows, to compare before and after a walk. */
    let snapshot: () => Promise<string>;

    beforeAll(async () => {
      ctx = await servicesContext(kind);
      const db = ctx.handle.db;
      // A few days of the front office in every subdistrict (records, ratings with 差评 loops, appointments, tickets)…
      await seedServiceActivity(db, kyselySink(db), filesFor(ctx.deps.config), { days: 3, recordsPerDay: 15, badShare: 0.2, seed: 7, now: ctx.clock.now() });
      const people = [...XIANXIA, 'cadre01', 'window2'];
      for (const u of people) cookies[u] = await signInAs(ctx.app, u);
      // …and Hongqiao's enforcement: a ladder from a failed inspection (photo, inspection, loop case) and one with its first document.
      const enforcer = await signInAs(ctx.app, 'enforcer1');
      await ladderFromFailedInspection(ctx, await hongqiao(ctx), enforcer, 3);
      await orderDocument(ctx, enforcer);
      doc = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
      roles = Object.fromEntries((await db.selectFrom('users').select(['username', 'role']).where('username', 'in', people).execute()).map((u) => [u.username, u.role]));
      const list = fs.readFileSync(new URL('../../src/server/routes/index.ts', import.meta.url), 'utf8');
      access = new Map([...list.matchAll(/r\('(\w+)', '([^']+)', '([\w.]+)'/g)].map((m) => [`${m[1]} ${m[2]!.replace(/:(\w+)/g, '{$1}')}`, m[3] as Permission]));

      // Hongqiao's rows are the foreign ones: Xianxia's people probe all of them, cadre01 those of Hongqiao's other
      // committees, window2 (a building window's clerk) the front-office rows of Hongqiao's other points.
      const hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      const committee = (await db.selectFrom('users').innerJoin('user_scopes', 'user_scopes.user_id', 'users.id').select('user_scopes.committee_id').where('username', '=', 'cadre01').executeTakeFirstOrThrow()).committee_id!;
      const clerk = (await db.selectFrom('users').select('id').where('username', '=', 'window2').executeTakeFirstOrThrow()).id;
      const hasCommittee = (t: Table) => t === 'committees' || SCOPED_TABLES.some(([n, c]) => n === t && c);
      const isForeign: Record<Reach, (t: Table, r: { subdistrict_id: string; committee_id?: string | null; id: string; staffed?: number }) => boolean> = {
        subdistrict: (_t, r) => r.subdistrict_id === hq,
        committee: (t, r) => {
          const c = t === 'committees' ? r.id : r.committee_id;
          return r.subdistrict_id === hq && hasCommittee(t) && c != null && c !== committee;
        },
        point: (t, r) => r.subdistrict_id === hq && (POINT_TABLES as readonly string[]).includes(t) && !Number(r.staffed),
      };
      const TEXTS: Partial<Record<Table, string>> = { committees: 'name', service_points: 'code', cases: 'number', service_records: 'number', enforcement_documents: 'number', sites: 'name' };
      const texts = { inside: { subdistrict: [], committee: [], point: [] }, outside: { subdistrict: new Set(), committee: new Set(), point: new Set() } } as { inside: Record<Reach, string[]>; outside: Record<Reach, Set<string>> };
      for (const reach of REACHES) foreignIds[reach] = new Set(reach === 'subdistrict' ? [hq] : []);
      foreign.subdistrict.subdistricts = [hq];
      for (const [t] of SCOPED_TABLES) {
        const rows = (await db
          .selectFrom(t as 'service_records')
          .selectAll()
          .$if((POINT_TABLES as readonly string[]).includes(t), (q) =>
            q.select((eb) => eb.exists(eb.selectFrom('service_point_staff as s').select('s.point_id').whereRef('s.point_id', '=', `${t}.point_id` as 'service_records.point_id').where('s.user_id', '=', clerk)).as('staffed')))
          .orderBy('id')
          .execute()) as unknown as ({ id: string; subdistrict_id: string; committee_id?: string | null; staffed?: number } & Record<string, unknown>)[];
        for (const reach of REACHES) {
          const out = rows.filter((r) => isForeign[reach](t, r));
          foreign[reach][t] = out.slice(0, 3).map((r) => r.id);
          for (const r of out) foreignIds[reach].add(r.id);
          const col = TEXTS[t];
          if (col) for (const r of rows) if (typeof r[col] === 'string') (isForeign[reach](t, r) ? texts.outside[reach].add(r[col] as string) : texts.inside[reach].push(r[col] as string));
        }
      }
      // Other points' ids go into queries and bodies (pointId=…); the network itself is public (services.read).
      foreign.point.service_points = (await db.selectFrom('service_points').select('id').where('subdistrict_id', '=', hq)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('service_point_staff as s').select('s.point_id').whereRef('s.point_id', '=', 'service_points.id').where('s.user_id', '=', clerk))))
        .orderBy('id').limit(3).execute()).map((p) => p.id);
      // Only the texts no row in scope prints too (two subdistricts each have a 中华园3号箱房).
      for (const reach of REACHES) foreignTexts[reach] = new Set([...texts.outside[reach]].filter((t) => t.length >= 4 && !texts.inside[reach].some((i) => i.includes(t))));
      snapshot = async () => {
        const parts: string[] = [];
        // Users are left out: signing in stamps them (a write to a person is a path id, answered 404 above).
        for (const [t] of SCOPED_TABLES) if (t !== 'users') parts.push(JSON.stringify(await db.selectFrom(t as 'sites').selectAll().where('subdistrict_id', '=', hq).orderBy('id').execute()));
        return parts.join('\n');
      };
    }, 180_000);
    afterAll(async () => ctx?.close());

    const resolve = (ref: string): Schema => doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {};

    function operations(): Op[] {
      const ops: Op[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const m of METHODS) if (item[m]) ops.push({ ...item[m]!, method: m.toUpperCase(), path });
      }
      return ops.filter((o) => o.path.startsWith('/api/') && !o.path.startsWith('/api/public/') && !SKIP.has(`${o.method} ${o.path}`));
    }

    /** Replaces every id-named property of a generated body by a foreign id of its table. */
    function foreignise(v: unknown, scope: Reach, pick: number): unknown {
      if (Array.isArray(v)) return v.map((x) => foreignise(x, scope, pick));
      if (!v || typeof v !== 'object') return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => {
        const table = FIELD_TABLE[k];
        const ids = k === 'subdistrictId' ? foreign[scope].subdistricts : table ? foreign[scope][table] : undefined;
        if (ids?.length && (typeof x === 'string' || x === undefined)) return [k, ids[pick % ids.length]];
        return [k, foreignise(x, scope, pick)];
      }));
    }

    /** Calls every operation as each of `users` with ids out of their reach; answers what went wrong. */
    async function walk(users: string[], scope: Reach, roleOf: Record<string, Role>) {
      const problems: string[] = [];
      const o: GenOptions = { resolve, ids: [], bad: false };
      let requests = 0;
      const debug: string[] = [];
      for (const [i, op] of operations().entries()) {
        const params = op.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path');
        const table = PATH_TABLE.find(([re]) => re.test(op.path))?.[1];
        const pathIds = pathParams.some((p) => p.name === 'subdistrictId')
          ? foreign[scope].subdistricts ?? []
          : table && (scope !== 'point' || (POINT_TABLES as readonly string[]).includes(table)) ? foreign[scope][table] ?? [] : [];
        // An operation with an id in its path is walked with foreign ids only; one without, with foreign ids in its query and body.
        if (pathParams.length && !pathIds.length) continue;
        const jsonSchema = op.requestBody?.content?.['application/json']?.schema;
        const samples = fc.sample(fc.tuple(arbitraryFor(jsonSchema ?? { type: 'object' }, o), fc.record(Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, arbitraryFor(p.schema, o, p.name)])), { requiredKeys: [] })), { seed: SEED + i, numRuns: 3 });
        // …and the smallest body (a PATCH of nothing passes validation, so the scope check is what answers).
        samples.push([{}, {}]);
        for (const user of users) {
          const permission = access.get(`${op.method} ${op.path}`);
          const allowed = permission !== undefined && permission !== 'public' && (PERMISSIONS[permission] as readonly Role[]).includes(roleOf[user]!);
          for (const [k, [body, query]] of samples.entries()) {
            let url = op.path;
            for (const p of pathParams) url = url.replace(`{${p.name}}`, encodeURIComponent(pathIds[k % pathIds.length]!));
            const q = new URLSearchParams();
            const fq = foreignise({ ...query, ...Object.fromEntries(params.filter((p) => p.in === 'query' && (FIELD_TABLE[p.name] || p.name === 'subdistrictId')).map((p) => [p.name, undefined])) }, scope, k) as Record<string, unknown>;
            for (const [name, v] of Object.entries(fq)) if (v !== undefined && v !== null) q.append(name, typeof v === 'string' ? v : JSON.stringify(v));
            const full = q.toString() ? `${url}?${q}` : url;
            const payload = op.method === 'GET' || op.method === 'DELETE' ? undefined : JSON.stringify(foreignise(body ?? {}, scope, k));
            requests++;
            const res = await ctx.app.inject({ method: op.method as 'GET', url: full, headers: { cookie: cookies[user]!, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload } : {}) });
            const where = `${op.method} ${full.slice(0, 200)} as ${user}`;
            if (res.statusCode >= 500) problems.push(`${res.statusCode} ${where}: ${res.body.slice(0, 160)}`);
            const text = await textOf(res);
            const leaked = [...new Set(text.match(UUID) ?? [])].filter((id) => foreignIds[scope].has(id));
            for (const t of foreignTexts[scope]) if (text.includes(t)) leaked.push(t);
            if (res.statusCode < 300 && leaked.length && !WITHIN_REACH[scope][`${op.method} ${op.path}`]) problems.push(`${res.statusCode} ${where}: answers foreign ids ${leaked.slice(0, 3).join(', ')}: ${res.body.slice(0, 160)}`);
            if (pathParams.length && res.statusCode < 300) problems.push(`${res.statusCode} ${where}: a foreign id in the path was served: ${res.body.slice(0, 160)}`);
            if (process.env.SCOPE_DEBUG) debug.push(`${res.statusCode} ${where} ${res.statusCode >= 400 ? res.body.slice(0, 140) : ''}`);
            // The action is the role's: another scope's id is answered as if it did not exist.
            if (pathParams.length && allowed && res.statusCode === 403) problems.push(`403 ${where}: tells that the id exists: ${res.body.slice(0, 160)}`);
          }
        }
      }
      if (process.env.SCOPE_DEBUG) console.log(debug.join('\n'));
      return { problems, requests };
    }

    /** The walk has foreign rows of these tables to send (else it would prove nothing). */
    const hasRows = (reach: Reach, tables: Table[]) => expect(tables.filter((t) => !foreign[reach][t]?.length)).toEqual([]);

    it('serves nothing of another subdistrict to its people, whatever id they send (path, query or body), and changes none of its rows', async () => {
      hasRows('subdistrict', ['sites', 'cases', 'photos', 'inspections', 'enforcement_cases', 'enforcement_documents', 'service_points', 'service_records', 'service_ratings', 'service_appointments', 'service_tickets', 'users']);
      const before = await snapshot();
      const { problems, requests } = await walk(XIANXIA, 'subdistrict', roles);
      expect(requests).toBeGreaterThan(500);
      expect(problems, `SCOPE_SEED=${SEED}`).toEqual([]);
      expect(await snapshot()).toBe(before);
    }, 600_000);

    it("serves a window's clerk none of the front office's rows of the subdistrict's other points", async () => {
      hasRows('point', ['service_records', 'service_ratings', 'service_appointments', 'service_tickets']);
      const { problems, requests } = await walk(['window2'], 'point', roles);
      expect(requests).toBeGreaterThan(100);
      expect(problems, `SCOPE_SEED=${SEED}`).toEqual([]);
    }, 600_000);

    it("serves a committee cadre nothing of the subdistrict's other committees", async () => {
      hasRows('committee', ['sites', 'cases', 'inspections', 'enforcement_cases', 'service_points', 'service_appointments']);
      const { problems, requests } = await walk(['cadre01'], 'committee', roles);
      expect(requests).toBeGreaterThan(100);
      expect(problems, `SCOPE_SEED=${SEED}`).toEqual([]);
    }, 600_000);
  });
}
