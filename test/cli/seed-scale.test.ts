import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { purgeUnattachedPhotos } from '../../src/domain/photos/purge.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { loadActor } from '../../src/domain/auth/actor.js';
import { isAssignee } from '../../src/domain/cases/assignees.js';
import { addDays, shanghaiDate } from '../../src/domain/checkins/local-time.js';
import { latestCases } from '../../src/domain/dashboard/map-and-feed.js';
import { sourceSlices } from '../../src/domain/dashboard/source-slices.js';
import { coverageBoard } from '../../src/domain/coverage/board.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliContext, openContext } from '../../src/cli/context.js';
import { seedScale } from '../../src/cli/dashboard-commands.js';
import { seedDemoData } from '../../src/cli/demo-seed.js';
import { readConfig } from '../../src/config.js';
import { createDatabase, type DatabaseHandle, type Db } from '../../src/db/index.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { listPartitions } from '../../src/domain/ops/partitions.js';
import { rebuildRollups } from '../../src/domain/dashboard/fold-events.js';
import { ROLLUP_TABLES } from '../../src/domain/dashboard/grains.js';
import { copyValue } from '../../src/db/pg-copy-sink.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { waitingFigures } from '../../src/domain/service-queue/waiting-figures.js';
import { DIALECTS, scratchCliDatabase, testDatabase } from '../helpers/db.js';
import { auditSpan, broken, frontOfficeBreaches, loadAuditNetwork } from '../services/front-office-audit.js';

/** Every rollup row, as sorted text: equal snapshots mean equal tables. */
async function rollupSnapshot(db: Db) {
  const out: Record<string, string[]> = {};
  for (const t of [...ROLLUP_TABLES, 'case_rollup_state']) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
    out[t] = rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k] === null || typeof r[k] === 'string' ? r[k] : Number(r[k])]))).sort();
  }
  return out;
}

async function indexNames(h: DatabaseHandle): Promise<string[]> {
  const q =
    h.kind === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_autoindex%'`
      : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = ${h.schema ?? 'public'}`;
  return (await q.execute(h.db)).rows.map((r) => r.name).sort();
}

/**
 * Index names with the month partitions' own indexes folded together: per partitioned table, the
 * distinct sets of index-name suffixes its month partitions carry (one set when every month has
 * every index). A seeded history has more months than a fresh migration, each with the same indexes.
 */
function indexShape(names: string[]) {
  const plain: string[] = [];
  const perMonth = new Map<string, { table: string; suffixes: string[] }>();
  for (const n of names) {
    const m = /^((case_events|checkins)_y\d{4}m\d{2})_(.+)$/.exec(n);
    if (!m) plain.push(n);
    else {
      const p = perMonth.get(m[1]!) ?? { table: m[2]!, suffixes: [] };
      p.suffixes.push(m[3]!);
      perMonth.set(m[1]!, p);
    }
  }
  const months: Record<string, string[]> = {};
  for (const p of perMonth.values()) months[p.table] = [...new Set([...(months[p.table] ?? []), JSON.stringify(p.suffixes.sort())])].sort();
  return { plain, months };
}

describe('COPY text values', () => {
  it('escapes what COPY treats specially and writes null as \\N', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(3)).toBe('3');
    expect(copyValue(true)).toBe('t');
    expect(copyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyValue('定位漂移，人在箱房')).toBe('定位漂移，人在箱房');
    expect(copyValue(new Date('2026-11-26T00:00:00Z'))).toBe('2026-11-26T00:00:00.000Z');
  });
});

// `closeloop seed --scale subdistrict`, on a file database of each engine, as the command runs it
// (SQLite: its own bulk connection; PostgreSQL: COPY). A short history keeps it quick: 70 days
// with few cases a day, so it spans at least three months whatever today is.
for (const dialect of DIALECTS) {
  describe(`closeloop seed --scale subdistrict [${dialect}]`, () => {
    let scratch: Awaited<ReturnType<typeof scratchCliDatabase>>;
    let h: DatabaseHandle;
    let printed = '';

    beforeAll(async () => {
      scratch = await scratchCliDatabase(dialect);
      const log = vi.spyOn(console, 'log').mockImplementation((...a) => void (printed += `${a.join(' ')}\n`));
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await seedScale({ scale: 'subdistrict', citySubdistricts: 215, casesPerDay: 3, days: 70, seed: 7 });
      } finally {
        log.mockRestore();
        err.mockRestore();
      }
      h = createDatabase(readConfig().database);
    }, 180_000);

    afterAll(async () => {
      await h?.destroy();
      await scratch?.release();
    });

    it('writes the cases, events and check-ins it reports, every case with its events and a valid hash chain', async () => {
      const m = /(\d+) cases, (\d+) events, (\d+) check-ins/.exec(printed);
      expect(m, printed).not.toBeNull();
      const [cases, events, checkins] = m!.slice(1).map(Number) as [number, number, number];
      expect(cases).toBeGreaterThan(80);
      const count = async (t: 'cases' | 'case_events' | 'checkins') =>
        Number((await h.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(await count('cases')).toBe(cases);
      expect(await count('case_events')).toBe(events);
      expect(await count('checkins')).toBe(checkins);
      const orphan = await h.db.selectFrom('cases').select('id').where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_events').select('id').whereRef('case_events.case_id', '=', 'cases.id')))).execute();
      expect(orphan).toEqual([]);
      const sub = await h.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const chain = await verifyChain(h.db, sub.id);
      expect(chain.ok).toBe(true);
      expect(chain.events).toBe(events);
    });

    if (dialect === 'postgres') {
      it('loads the history into its monthly partitions, none of it into DEFAULT', async () => {
        // Each row in the partition of its month (Asia/Shanghai), and that is never the DEFAULT one.
        const placed = async (table: 'case_events' | 'checkins', month: string) => {
          const { rows } = await sql<{ part: string; expected: string; n: number }>`
            select tableoid::regclass::text as part, ${sql.raw(month)} as expected, count(*)::int as n
            from ${sql.table(table)} group by 1, 2 order by 2`.execute(h.db);
          return rows;
        };
        for (const [table, month] of [
          ['case_events', `'case_events_y' || to_char(at at time zone 'Asia/Shanghai', 'YYYY"m"MM')`],
          ['checkins', `'checkins_y' || substr(local_date, 1, 4) || 'm' || substr(local_date, 6, 2)`],
        ] as const) {
          const rows = await placed(table, month);
          expect(rows.filter((r) => r.part !== r.expected), table).toEqual([]);
          expect(rows.some((r) => r.part.endsWith('_default')), table).toBe(false);
          expect(new Set(rows.map((r) => r.part)).size, table).toBeGreaterThanOrEqual(3);
          expect((await listPartitions(h.db, table)).map((p) => p.name)).toContain(`${table}_default`);
        }
      });
    }

    it('leaves every index in place, and its rollups equal a rebuild from the events', async () => {
      // The load drops the big tables' secondary indexes; all of them are back, as a fresh migration has them.
      const fresh = await testDatabase(dialect);
      try {
        expect(indexShape(await indexNames(h))).toEqual(indexShape(await indexNames(fresh)));
      } finally {
        await fresh.destroy();
      }
      const seeded = await rollupSnapshot(h.db);
      expect(seeded.case_rollup_state!.length).toBeGreaterThan(80);
      await rebuildRollups(h.db, systemClock);
      expect(await rollupSnapshot(h.db)).toEqual(seeded);
    });
  });
}

// The demo `closeloop start` seeds on first run: registry, staff and four weeks of history.
for (const dialect of DIALECTS) {
  describe(`the demo's four weeks of history [${dialect}]`, () => {
    let scratch: Awaited<ReturnType<typeof scratchCliDatabase>>;
    let ctx: CliContext;
    let history: { cases: number; events: number; checkins: number };
    let badRatingCases = 0;

    beforeAll(async () => {
      scratch = await scratchCliDatabase(dialect);
      ctx = await openContext();
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        let services;
        ({ history, services } = await seedDemoData(ctx));
        badRatingCases = services.activity.bad;
      } finally {
        err.mockRestore();
      }
    }, 180_000);

    afterAll(async () => {
      await ctx?.handle.destroy();
      await scratch?.release();
    });

    it('has cases in every state of the loop across both subdistricts, with valid hash chains', async () => {
      const db = ctx.handle.db;
      expect(history.cases).toBeGreaterThan(1000);
      const byStatus = await db.selectFrom('cases').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const statuses = new Set(byStatus.map((r) => r.status));
      for (const s of ['closed', 'cancelled']) expect(statuses).toContain(s);
      // Work in progress whatever the hour the demo is seeded at (handlers wait for the morning).
      expect([...statuses].some((s) => ['reported', 'filed', 'dispatched', 'handled', 'on_hold'].includes(s))).toBe(true);
      const passed = await db.selectFrom('case_events').select('to_status').distinct().execute();
      for (const s of ['reported', 'filed', 'dispatched', 'handled', 'closed']) expect(passed.map((e) => e.to_status)).toContain(s);
      // …and the 差评 cases of the front office's four weeks, the cases of the two shops on the enforcement
      // ladder, and the problems the sweep fixed on the spot.
      const ladders = await db.selectFrom('enforcement_cases').select(['stage', 'case_id']).execute();
      expect(ladders.map((l) => l.stage).sort()).toEqual(['noticed', 'ordered']);
      const swept = await db.selectFrom('inspection_cases').select('case_id').execute();
      expect(byStatus.reduce((a, r) => a + Number(r.n), 0)).toBe(history.cases + badRatingCases + ladders.length + swept.length);
      for (const s of await db.selectFrom('subdistricts').select('id').execute()) expect((await verifyChain(db, s.id)).ok).toBe(true);
      // One case-number series per subdistrict: the history's numbers are the live series, and each
      // day's counter stands at the day's last number, so a report made today continues it.
      const numbers = await db.selectFrom('cases').select(['subdistrict_id', 'number']).execute();
      const last = new Map<string, number>();
      for (const c of numbers) {
        const m = /^([A-Z0-9]+)-(\d{8})-(\d{4})$/.exec(c.number);
        expect(m, c.number).not.toBeNull();
        const k = `${c.subdistrict_id}|${m![2]}`;
        last.set(k, Math.max(last.get(k) ?? 0, Number(m![3])));
      }
      const counters = await db.selectFrom('case_number_counters').selectAll().execute();
      expect(new Map(counters.map((r) => [`${r.subdistrict_id}|${r.day}`, Number(r.last)]))).toEqual(last);
      const checkins = await db.selectFrom('checkins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(checkins.n)).toBe(history.checkins);
    });

    it("opens after the newspaper's sweep: every unit and shop inspected in the last two weeks, so today's board adds up without 788 shops due", async () => {
      const db = ctx.handle.db;
      const swept = await db.selectFrom('sites').leftJoin('inspections as i', 'i.site_id', 'sites.id')
        .select(['sites.id', (eb) => eb.fn.count('i.id').as('n')]).where('sites.kind', 'in', ['shop', 'institution']).where('sites.status', '=', 'active')
        .groupBy('sites.id').execute();
      expect(swept.length).toBeGreaterThan(800);
      expect(swept.every((r) => Number(r.n) === 1)).toBe(true);
      const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
      const actor = (await loadActor(db, admin.id))!;
      const today = shanghaiDate(ctx.deps.clock.now());
      const board = await coverageBoard(db, ctx.deps.clock, actor, { subdistrictId: actor.subdistrictId!, from: today, to: today });
      const shops = board.items.filter((r) => r.kind === 'shop');
      const sum = (k: 'sites' | 'due' | 'covered') => shops.reduce((a, r) => a + r[k], 0);
      for (const r of board.items) expect(r.covered + r.missed + r.pending === r.due && r.due <= r.sites).toBe(true);
      expect(sum('due')).toBeLessThan(sum('sites') / 2);
      // Read in the newspaper's terms on the dashboard: the patrols' self-resolved : reported about
      // 4.5 : 1, and the self-resolved cases found in the unit/shop sweep counted apart.
      const res = (await sourceSlices(db, ctx.deps.clock, actor, { subdistrictId: actor.subdistrictId!, window: 'custom', from: addDays(today, -27), to: today }));
      const figures = res.figures;
      expect(figures.selfToReportedRatio).toBeGreaterThan(3.3);
      expect(figures.selfToReportedRatio).toBeLessThan(6.2);
      expect(figures.sweepSelfResolved.shop).toBeGreaterThan(0);
      // Each visit answered every item of its checklist, as the live form must; each failed item
      // was fixed on the spot with its before and after photos, and made its self-resolved case.
      const answered = await db.selectFrom('inspections as i').innerJoin('checklist_items as ci', 'ci.checklist_id', 'i.checklist_id')
        .leftJoin('inspection_answers as a', (j) => j.onRef('a.inspection_id', '=', 'i.id').onRef('a.item_id', '=', 'ci.id'))
        .select(['i.id', 'i.failed_count', 'a.result', 'a.photo_ids', 'a.after_photo_ids', 'a.resolution', 'a.id as answer']).execute();
      expect(answered.filter((a) => a.answer === null)).toEqual([]);
      const failed = answered.filter((a) => a.result === 'fail');
      expect(failed.length).toBeGreaterThan(10);
      const linked = await db.selectFrom('inspection_cases as l').innerJoin('cases as c', 'c.id', 'l.case_id').select(['l.answer_id', 'c.source', 'c.status']).execute();
      for (const a of failed) {
        expect(a.resolution).toBe('fixed');
        expect(JSON.parse(a.photo_ids ?? '[]').length * JSON.parse(a.after_photo_ids ?? '[]').length).toBeGreaterThan(0);
        expect(linked.find((l) => l.answer_id === a.answer)).toMatchObject({ source: 'self_resolved', status: 'closed' });
      }
      const failedBy = new Map<string, number>();
      for (const a of answered) failedBy.set(a.id, (failedBy.get(a.id) ?? 0) + (a.result === 'fail' ? 1 : 0));
      for (const a of answered) expect(Number(a.failed_count)).toBe(failedBy.get(a.id));
    });

    it('opens on four weeks of the front office: records at every Hongqiao window, ratings, and 差评 cases through their loop', async () => {
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const byKind = await db.selectFrom('service_records as r').innerJoin('service_points as p', 'p.id', 'r.point_id')
        .select(['p.kind', (eb) => eb.fn.count<number>('r.point_id').distinct().as('points'), (eb) => eb.fn.countAll<number>().as('n')])
        .where('r.subdistrict_id', '=', hq.id).groupBy('p.kind').execute();
      const kinds = new Map(byKind.map((k) => [k.kind, { points: Number(k.points), n: Number(k.n) }]));
      expect(kinds.get('committee_window')?.points).toBe(16);
      expect(kinds.get('building_window')?.points).toBe(3);
      expect(kinds.get('centre')!.n).toBeGreaterThan(kinds.get('committee_window')!.n);
      const ratings = await db.selectFrom('service_ratings').select(['level', 'case_id']).where('subdistrict_id', '=', hq.id).execute();
      const bad = ratings.filter((r) => r.level <= 2);
      expect(ratings.filter((r) => r.level >= 4).length / ratings.length).toBeGreaterThan(0.9);
      expect(bad.length).toBeGreaterThan(0);
      expect(bad.every((r) => r.case_id !== null)).toBe(true);
      // The 差评 cases were made on a clock set back to their day: their ids carry that time, so the
      // live feed (newest id first) shows the newest report first, not the four weeks' 差评 on top.
      const badCases = await db.selectFrom('cases').select(['id', 'reported_at']).where('id', 'in', bad.map((r) => r.case_id!)).execute();
      for (const c of badCases) expect(Number.parseInt(c.id.replace(/-/g, '').slice(0, 12), 16), c.id).toBe(Date.parse(c.reported_at));
      const operator = await db.selectFrom('users').select('id').where('username', '=', 'operator').executeTakeFirstOrThrow();
      const reported = (await latestCases(db, (await loadActor(db, operator.id))!, { limit: 50 })).cases.map((c) => c.reportedAt);
      expect(reported.length).toBeGreaterThan(bad.length);
      expect(reported).toEqual([...reported].sort().reverse());
      const loops = await db.selectFrom('service_rating_followups as f').innerJoin('cases as c', 'c.id', 'f.case_id').select(['c.status', 'f.callback_at']).execute();
      expect(loops.length).toBeGreaterThanOrEqual(3);
      expect(loops.some((l) => l.status === 'closed')).toBe(true);
    });

    it('opens on four weeks of the queue: bookings and tickets in plausible proportions, every record served from a ticket, figures to show', async () => {
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const today = shanghaiDate(new Date());
      const records = await db.selectFrom('service_records').select(['ticket_id']).where('subdistrict_id', '=', hq.id).execute();
      const tickets = await db.selectFrom('service_tickets as t').innerJoin('service_points as p', 'p.id', 't.point_id')
        .select(['t.source', 't.status', 't.record_id', 'p.kind']).where('t.subdistrict_id', '=', hq.id).execute();
      const appointments = await db.selectFrom('service_appointments').select(['day', 'status']).where('subdistrict_id', '=', hq.id).execute();
      expect(records.every((r) => r.ticket_id !== null)).toBe(true);
      // Some visits are only a question (咨询): more tickets than records, not many more.
      expect(tickets.length).toBeGreaterThan(records.length);
      expect(tickets.length).toBeLessThan(records.length * 1.4);
      expect(tickets.filter((t) => t.record_id !== null).length / tickets.length).toBeGreaterThan(0.75);
      expect(new Set(tickets.map((t) => t.kind))).toEqual(new Set(['centre', 'committee_window', 'building_window']));
      const booked = tickets.filter((t) => t.source === 'appointment').length / tickets.length;
      expect(booked).toBeGreaterThan(0.08);
      expect(booked).toBeLessThan(0.35);
      expect(tickets.filter((t) => t.status === 'skipped').length / tickets.length).toBeLessThan(0.06);
      // Past bookings: most came, some did not, some cancelled; the coming days are being booked.
      const past = appointments.filter((a) => a.day < today);
      const share = (s: string) => past.filter((a) => a.status === s).length / past.length;
      expect(share('checked_in')).toBeGreaterThan(0.65);
      expect(share('no_show')).toBeGreaterThan(0.02);
      expect(share('no_show')).toBeLessThan(0.15);
      expect(share('cancelled')).toBeGreaterThan(0.03);
      expect(share('cancelled')).toBeLessThan(0.2);
      expect(appointments.filter((a) => a.day > today && a.status === 'booked').length).toBeGreaterThan(50);
      // The waiting and service figures of the last week are there for the board and the console.
      const op = await db.selectFrom('users').select('id').where('username', '=', 'operator').executeTakeFirstOrThrow();
      const figures = await waitingFigures(db, systemClock, (await loadActor(db, op.id))!, {});
      expect(figures.byPoint.filter((f) => f.waitMedianS !== null && f.serviceMedianS !== null).length).toBeGreaterThan(10);
      // The built terminals report their sessions: about three minutes each, some walked away from.
      const terminals = await db.selectFrom('service_points').select('id').where('subdistrict_id', '=', hq.id).where('kind', 'in', ['terminal', 'self_service_zone']).where('built_on', 'is not', null).execute();
      const atTerminals = figures.byPoint.filter((f) => terminals.some((t) => t.id === f.pointId) && f.selfService > 0);
      expect(atTerminals.length).toBeGreaterThan(0);
      for (const f of atTerminals) {
        expect(f.tickets).toBe(0);
        expect(f.serviceMedianS!).toBeGreaterThan(0);
      }
      const sessions = await db.selectFrom('service_terminal_sessions').select(['outcome', 'started_at', 'finished_at']).where('subdistrict_id', '=', hq.id).execute();
      // About three minutes: the median over all completed sessions. (One terminal's day can hold
      // two sessions, on a weekend evening; their median says nothing of the terminals.)
      const lengths = sessions.filter((x) => x.outcome === 'done').map((x) => (Date.parse(x.finished_at) - Date.parse(x.started_at)) / 1000).sort((a, b) => a - b);
      const median = lengths[Math.floor(lengths.length / 2)]!;
      expect(lengths.length).toBeGreaterThan(100);
      expect(median).toBeGreaterThan(120);
      expect(median).toBeLessThan(300);
      const walkedAway = sessions.filter((x) => x.outcome === 'abandoned').length / sessions.length;
      expect(walkedAway).toBeGreaterThan(0.02);
      expect(walkedAway).toBeLessThan(0.2);
      expect(sessions.every((x) => x.started_at <= x.finished_at && Date.parse(x.finished_at) <= Date.now())).toBe(true);
    });

    it('writes every ticket, booking, record, rating and terminal session of its four weeks as the live functions would', async () => {
      const db = ctx.handle.db;
      const now = new Date();
      const span = auditSpan(now, 28);
      const [records, tickets, appointments, ratings, terminalSessions, recordCounters] = await Promise.all([
        db.selectFrom('service_records').selectAll().execute(), db.selectFrom('service_tickets').selectAll().execute(),
        db.selectFrom('service_appointments').selectAll().execute(), db.selectFrom('service_ratings').selectAll().execute(),
        db.selectFrom('service_terminal_sessions').selectAll().execute(), db.selectFrom('service_record_counters').selectAll().execute(),
      ]);
      expect(records.length).toBeGreaterThan(1000);
      expect(broken(frontOfficeBreaches(await loadAuditNetwork(db, span.from, span.to), {
        now, records, tickets, appointments, ratings, terminalSessions, recordCounters: recordCounters.map((c) => ({ ...c, last: Number(c.last) })),
      }))).toEqual({});
    });

    it('shows its evidence as the live app requires it: every on-the-spot fix photographed before and after, every handling and check-in with its picture, none of them purgeable', async () => {
      const db = ctx.handle.db;
      const files = filesFor(ctx.config);
      // DOMAIN.md §4: a self-resolved case carries before and after photos (and they differ).
      const self = await db.selectFrom('cases').select('id').where('source', '=', 'self_resolved').execute();
      const links = await db.selectFrom('case_photos as l').innerJoin('photos as p', 'p.id', 'l.photo_id')
        .select(['l.case_id', 'l.event_id', 'l.purpose', 'p.id', 'p.sha256', 'p.storage_key', 'p.thumb_key', 'p.uploaded_by']).execute();
      const byCase = new Map<string, typeof links>();
      for (const l of links) byCase.set(l.case_id, [...(byCase.get(l.case_id) ?? []), l]);
      expect(self.length).toBeGreaterThan(1000);
      for (const c of self) {
        const mine = byCase.get(c.id) ?? [];
        const before = mine.filter((l) => l.purpose === 'before');
        const after = mine.filter((l) => l.purpose === 'after');
        expect(before.length, c.id).toBeGreaterThan(0);
        expect(after.length, c.id).toBeGreaterThan(0);
        expect(before.some((b) => after.some((a) => a.sha256 === b.sha256))).toBe(false);
      }
      // Every handling shows the fix, by its handler; each event names exactly the photos linked to it.
      const events = await db.selectFrom('case_events').select(['id', 'action', 'actor_user_id', 'photo_ids', 'note']).where('action', 'in', ['self_resolve', 'handle', 'report']).execute();
      const linked = new Map<string, string[]>();
      for (const l of links) linked.set(l.event_id, [...(linked.get(l.event_id) ?? []), l.id]);
      for (const e of events) {
        const ids = JSON.parse(e.photo_ids) as string[];
        expect([...(linked.get(e.id) ?? [])].sort(), e.id).toEqual([...ids].sort());
        if (e.action === 'handle') {
          expect(ids.length, e.id).toBeGreaterThan(0);
          expect(e.note, e.id).toBeTruthy();
          for (const l of links.filter((x) => x.event_id === e.id)) expect(l.uploaded_by).toBe(e.actor_user_id);
        }
      }
      // …and was someone the live app lets handle it (assignees.ts), never the desk that dispatched it.
      const handled = await db.selectFrom('case_events as e').innerJoin('cases as c', 'c.id', 'e.case_id')
        .select(['e.actor_user_id', 'c.assigned_user_id', 'c.assigned_unit_id', 'c.subdistrict_id']).where('e.action', '=', 'handle').execute();
      const actors = new Map<string, Awaited<ReturnType<typeof loadActor>>>();
      for (const h of handled) {
        if (!actors.has(h.actor_user_id!)) actors.set(h.actor_user_id!, await loadActor(db, h.actor_user_id!));
        expect(await isAssignee(db, actors.get(h.actor_user_id!)!, h), `${h.actor_user_id} handling for ${h.assigned_unit_id}`).toBe(true);
      }
      // Every check-in's photo is there, its uploader's; no content backs two records.
      const checkins = await db.selectFrom('checkins as k').leftJoin('photos as p', 'p.id', 'k.photo_id').select(['k.id', 'k.user_id', 'p.uploaded_by', 'p.id as photo']).execute();
      expect(checkins.filter((k) => k.photo === null || k.uploaded_by !== k.user_id)).toEqual([]);
      // (A sweep's fixed item backs its inspection and the case the inspection made: one use, seen twice.)
      const uses = await db.selectFrom('evidence_photo_uses').select(['sha256', 'record_id']).execute();
      const madeBy = new Map((await db.selectFrom('inspection_cases').select(['inspection_id', 'case_id']).execute()).map((l) => [l.case_id, l.inspection_id]));
      const records = new Map<string, Set<string>>();
      for (const u of uses) records.set(u.sha256, (records.get(u.sha256) ?? new Set()).add(madeBy.get(u.record_id) ?? u.record_id));
      expect([...records].filter(([, r]) => r.size > 1)).toEqual([]);
      // The files are in the store, content as named; a sample is enough to show the thumbnails are too.
      const photos = await db.selectFrom('photos').select(['sha256', 'storage_key', 'thumb_key']).execute();
      expect(photos.length).toBeGreaterThan(self.length * 2 + checkins.length);
      for (const [i, p] of photos.entries()) {
        if (i % 97) continue;
        const bytes = (await files.get(p.storage_key))!;
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(p.sha256);
        expect(await files.has(p.thumb_key!)).toBe(true);
      }
      // Nothing of it is an unattached upload the purge would delete.
      expect(await purgeUnattachedPhotos(db, new ManualClock(new Date(Date.now() + 365 * 86_400_000)), files, { olderThanDays: 1 })).toEqual({ photos: 0, files: 0 });
    });

    it('counts no more closures among the due than handlings, on every row of every daily grain, and equals a rebuild', async () => {
      const db = ctx.handle.db;
      for (const t of ['case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_unit_daily', 'case_rollups_hourly', 'case_rollups_district_hourly'] as const) {
        const bad = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)} where due_closed > handled or due_closed_on_time > due_closed`.execute(db);
        expect(Number(bad.rows[0]!.n), t).toBe(0);
      }
      const seeded = await rollupSnapshot(db);
      await rebuildRollups(db, systemClock);
      expect(await rollupSnapshot(db)).toEqual(seeded);
    });
  });
}
