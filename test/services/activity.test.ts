import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselySink } from '../../src/db/bulk-sink.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { sessionsOn } from '../../src/domain/service-queue/slots.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { loadItemGuides, loadNetworkContext } from '../../src/domain/service-activity/network-context.js';
import { badQuota, planSubdistrict } from '../../src/domain/service-activity/plan-records.js';
import { type ActivityTotals, seedServiceActivity } from '../../src/domain/service-activity/seed-activity.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { checkMaterials, createRecord, listRecords, overdueRecords } from '../../src/domain/service-records/records.js';
import { listRatings } from '../../src/domain/service-ratings/ratings.js';
import { versionInEffect } from '../../src/domain/services-catalogue/versions.js';
import { seededRandom } from '../../src/domain/shared/random.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';
import { readConfig } from '../../src/config.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/domain/demo/seed-demo.js';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, pointByCode, servicesContext } from './helpers.js';
import { auditSpan, broken, frontOfficeBreaches, loadAuditNetwork } from './front-office-audit.js';

const DAYS = 28;
const PER_DAY = 40;

describe.each(DIALECTS)('front-office activity generator (%s)', (kind) => {
  let ctx: TestContext;
  let totals: ActivityTotals;
  const now = new Date('2026-05-26T02:30:00Z');
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    const db = ctx.handle.db;
    // A high 差评 share, so a small network has several loops at every stage.
    totals = await seedServiceActivity(db, kyselySink(db), filesFor(ctx.deps.config), { days: DAYS, recordsPerDay: PER_DAY, badShare: 0.02, seed: 7, now });
    ctx.clock.set(now);
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('records follow the domain rules: version in effect, materials, due dates on the working-day calendar, sessions, steps', async () => {
    const db = ctx.handle.db;
    const records = await db.selectFrom('service_records').selectAll().orderBy('accepted_at').execute();
    expect(records.length).toBe(totals.records);
    const points = new Map((await db.selectFrom('service_points').select(['id', 'kind', 'subdistrict_id', 'committee_id']).execute()).map((p) => [p.id, p]));
    const sessions = await db.selectFrom('service_point_sessions').selectAll().execute();
    const staff = new Set((await db.selectFrom('service_point_staff').select(['point_id', 'user_id']).execute()).map((s) => `${s.point_id}|${s.user_id}`));
    const overrides = await loadOverrides(db, addDays(shanghaiDate(now), -DAYS - 1), addDays(shanghaiDate(now), 60), null);
    const tickets = new Map((await db.selectFrom('service_tickets').selectAll().execute()).map((t) => [t.id, t]));
    let sampled = 0;
    for (const [i, r] of records.entries()) {
      const at = new Date(r.accepted_at);
      const date = shanghaiDate(at);
      expect(at.getTime()).toBeLessThanOrEqual(now.getTime());
      const point = points.get(r.point_id)!;
      expect(['centre', 'committee_window', 'building_window']).toContain(point.kind);
      expect(r.committee_id).toBe(point.committee_id);
      expect(staff.has(`${r.point_id}|${r.staff_id}`)).toBe(true);
      // Made while its queue ticket was served: in a session the point opens that day by the
      // booking rule (a centre's Saturday morning; Monday's on a make-up workday; none on a
      // holiday), or after closing for a ticket taken before it.
      const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
      const open = sessionsOn(date, sessions.filter((s) => s.point_id === r.point_id), overrides);
      const ticket = tickets.get(r.ticket_id!);
      expect(ticket, `${r.number} has its ticket`).toBeDefined();
      const issued = new Date(Date.parse(ticket!.issued_at) + 8 * 3600_000).toISOString().slice(11, 16);
      expect(open.some((s) => s.starts <= local && (local < s.ends || issued < s.ends)), `${r.number} at ${local}`).toBe(true);
      // The same rules a window's createRecord applies, on a sample (each costs a query or two).
      if (i % 7 === 0) {
        sampled++;
        const v = (await versionInEffect(db, r.item_id, date))!;
        expect(r.item_version_id).toBe(v.id);
        expect(r.mode).toBe(v.mode);
        expect(r.due_at).toBe((await dueAfterWorkingDays(db, at, v.promised_limit_days, r.subdistrict_id)).toISOString());
        expect(checkMaterials(JSON.parse(v.materials), JSON.parse(r.materials), { proxy: r.assist_role === 'proxy' })).toBe(r.deferred_count);
        if (r.assist_role === 'proxy') expect(v.proxy_allowed === 1 && !!r.agent_id_number && !!r.authorization_ref).toBe(true);
        else expect(r.agent_name).toBeNull();
      }
      // The record's own lifecycle.
      if (r.status === 'completed' || r.status === 'sent_back' || r.status === 'not_accepted') {
        expect(r.decided_at! >= r.accepted_at).toBe(true);
        expect(r.on_time).toBe(r.decided_at! <= r.due_at ? 1 : 0);
      } else {
        expect(r.decided_at).toBeNull();
      }
      if (r.mode === 'direct') expect(r.handed_off_at).toBeNull();
      if (r.status === 'completed' && r.mode === 'separated') expect(r.handed_off_at! <= r.returned_at! && r.returned_at! <= r.decided_at!).toBe(true);
      if (r.status === 'handed_off') expect(r.mode).toBe('separated');
      if (r.status === 'completed' && r.deferred_count > 0) expect(r.result_reason).toBeTruthy();
    }
    expect(sampled).toBeGreaterThan(20);
    // In plausible proportions: about PER_DAY a working day per subdistrict, most completed,
    // 收受分离 hand-offs, 帮办 and 代办, a few overdue.
    const subs = new Set(records.map((r) => r.subdistrict_id)).size;
    let workingDays = 0;
    for (let d = 0; d < DAYS; d++) if (isWorkingDay(addDays(shanghaiDate(now), -d), overrides)) workingDays++;
    const perDay = records.length / subs / workingDays;
    expect(perDay).toBeGreaterThan(PER_DAY * 0.6);
    expect(perDay).toBeLessThan(PER_DAY * 1.4);
    const share = (f: (r: (typeof records)[number]) => boolean) => records.filter(f).length / records.length;
    // Of what has fallen due, nearly all is decided; later work is still in hand.
    const fallenDue = records.filter((r) => r.due_at < now.toISOString());
    expect(fallenDue.filter((r) => r.decided_at !== null).length / fallenDue.length).toBeGreaterThan(0.95);
    expect(share((r) => r.status === 'completed')).toBeGreaterThan(0.7);
    expect(share((r) => r.status === 'not_accepted' || r.status === 'sent_back')).toBeLessThan(0.05);
    expect(share((r) => r.handed_off_at !== null)).toBeGreaterThan(0.05);
    expect(share((r) => r.assist_role === 'assist')).toBeGreaterThan(0.03);
    expect(records.some((r) => r.assist_role === 'proxy')).toBe(true);
    const overdue = records.filter((r) => r.decided_at === null && r.due_at < now.toISOString());
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length / records.length).toBeLessThan(0.05);
  });

  it('record numbers continue: a record made at a window after the seed takes the next number of the day', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await db.selectFrom('service_item_versions').select(['item_id', 'materials']).where('name_zh', '=', '居住证签注').executeTakeFirstOrThrow();
    const before = await db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n')).where('subdistrict_id', '=', cadre.subdistrictId!).where('number', 'like', '%-YW-20260526-%').executeTakeFirstOrThrow();
    const out = await db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, {
      pointId: point.id, itemId: item.item_id, applicant: { name: '王芳', idNumber: withCheckDigit('31010519850312002'), phone: null },
      materials: (JSON.parse(item.materials) as { eLicenceExempt: boolean; proxyOnly?: boolean }[]).flatMap((m, index) => (m.proxyOnly ? [] : [{ index, received: true, deferred: false }])),
    }));
    expect(out.record.number).toMatch(new RegExp(`-YW-20260526-${String(Number(before.n) + 1).padStart(4, '0')}$`));
  });

  it('ratings: one per decided record, in its rating window, mostly 好评; every 差评 has its case and follow-up, at the stage its age allows', async () => {
    const db = ctx.handle.db;
    const ratings = await db.selectFrom('service_ratings').innerJoin('service_records as r', 'r.id', 'service_ratings.record_id')
      .select(['service_ratings.id', 'level', 'rated_at', 'case_id', 'voided_at', 'r.decided_at', 'r.status', 'r.staff_id']).execute();
    expect(ratings.length).toBe(totals.ratings + totals.bad);
    expect(new Set(ratings.map((r) => r.id)).size).toBe(ratings.length);
    for (const r of ratings) {
      expect(r.decided_at).not.toBeNull();
      expect(r.rated_at >= r.decided_at!).toBe(true);
      expect(Date.parse(r.rated_at) - Date.parse(r.decided_at!)).toBeLessThanOrEqual(7 * 86_400_000);
    }
    const bad = ratings.filter((r) => r.level <= 2);
    const good = ratings.filter((r) => r.level >= 4);
    expect(good.length / ratings.length).toBeGreaterThan(0.9);
    expect(bad.length).toBe(totals.bad);
    expect(bad.length).toBeGreaterThan(3);
    const cases = new Map((await db.selectFrom('cases').select(['id', 'assigned_user_id', 'status']).where('id', 'in', bad.map((b) => b.case_id!)).execute()).map((c) => [c.id, c]));
    const followups = new Map((await db.selectFrom('service_rating_followups').selectAll().execute()).map((f) => [f.rating_id, f]));
    for (const b of bad) {
      const c = cases.get(b.case_id!);
      expect(c, 'each 差评 has its case').toBeDefined();
      expect(c!.assigned_user_id).toBe(b.staff_id);
      const f = followups.get(b.id)!;
      expect(f.case_id).toBe(b.case_id);
      if (f.resolved_at) expect(f.callback_at! <= f.resolved_at).toBe(true);
      if (c!.status === 'closed') expect(f.resolution).not.toBeNull();
      if (f.feedback) expect(c!.status).toBe('closed');
      if (b.voided_at) expect(f.appeal_upheld).toBe(1);
      // A 差评 voided on appeal leaves no case running; a rejected or pending appeal does.
      expect(c!.status === 'cancelled').toBe(b.voided_at !== null);
    }
    expect(totals.closed).toBeGreaterThan(0);
    expect(totals.feedback).toBeGreaterThan(0);
    expect(totals.appealed).toBeGreaterThan(0);
    expect([...followups.values()].filter((f) => f.appeal_at).length).toBe(totals.appealed);
    // The cases went through the hash chain like any other.
    const subs = await db.selectFrom('subdistricts').select('id').execute();
    for (const s of subs) expect((await verifyChain(db, s.id)).ok).toBe(true);
  });

  it('property: records, overdue records and ratings walked page by page, at any page size, are every one in scope once, in order', async () => {
    const db = ctx.handle.db;
    const operator = await actorOf(ctx, 'operator');
    const byKey = <T,>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
    const nowIso = ctx.clock.now().toISOString();
    const records = await db.selectFrom('service_records').select(['id', 'accepted_at', 'due_at', 'decided_at']).where('subdistrict_id', '=', operator.subdistrictId!).execute();
    const newestFirst = records.sort(byKey((r) => `${r.accepted_at} ${r.id}`)).reverse().map((r) => r.id);
    const overdue = records.filter((r) => r.decided_at === null && r.due_at < nowIso).sort(byKey((r) => `${r.due_at} ${r.id}`)).map((r) => r.id);
    const ratings = (await db.selectFrom('service_ratings').select(['id', 'rated_at']).where('subdistrict_id', '=', operator.subdistrictId!).execute())
      .sort(byKey((r) => `${r.rated_at} ${r.id}`)).reverse().map((r) => r.id);
    expect(newestFirst.length).toBeGreaterThan(500);
    expect(overdue.length).toBeGreaterThan(0);
    expect(ratings.length).toBeGreaterThan(100);
    async function walk(fetch: (after?: string) => Promise<{ items: { id: string }[]; nextCursor: string | null }>, limit: number) {
      const ids: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await fetch(after);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        ids.push(...page.items.map((r) => r.id));
        if (!page.nextCursor) return ids;
        after = page.nextCursor;
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 40, max: 500 }), async (limit) => {
        expect(await walk((after) => listRecords(db, ctx.clock, operator, {}, { after, limit }), limit)).toEqual(newestFirst);
        expect(await walk((after) => listRatings(db, operator, {}, { after, limit }), limit)).toEqual(ratings);
        expect(await walk((after) => overdueRecords(db, ctx.clock, operator, { after, limit: Math.max(1, limit >> 5) }), Math.max(1, limit >> 5))).toEqual(overdue);
      }),
      { numRuns: 3, examples: [[500], [ratings.length], [ratings.length - 1]] },
    );
    await expect(listRecords(db, ctx.clock, operator, {}, { after: 'bm9wZQ' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(listRatings(db, operator, {}, { limit: 501 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('is deterministic: the same seed plans the same records', async () => {
    const db = ctx.handle.db;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const items = await loadItemGuides(db);
    const net = await loadNetworkContext(db, hq, items, addDays(shanghaiDate(now), -10), shanghaiDate(now));
    const o = { days: 10, recordsPerDay: 30, badShare: 0.01, ratingWindowDays: 7, now };
    const strip = (p: ReturnType<typeof planSubdistrict>) => ({
      records: p.records.map(({ rating_token_hash: _, ...r }) => r),
      ratings: p.ratings,
      bad: p.bad.map(({ token: _, ...b }) => b),
    });
    expect(strip(planSubdistrict(seededRandom(3), net, o))).toEqual(strip(planSubdistrict(seededRandom(3), net, o)));
    expect(strip(planSubdistrict(seededRandom(4), net, o)).records).not.toEqual(strip(planSubdistrict(seededRandom(3), net, o)).records);
  });

  it('gives every plan its share of 差评, whatever the seed and the moment of seeding', async () => {
    const db = ctx.handle.db;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const items = await loadItemGuides(db);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 7 * 24 * 60 }), fc.constantFrom(0.004, 0.01, 0.05), async (seed, minutes, badShare) => {
        const at = new Date(now.getTime() + minutes * 60_000);
        const net = await loadNetworkContext(db, hq, items, addDays(shanghaiDate(at), -10), shanghaiDate(at));
        const plan = planSubdistrict(seededRandom(seed), net, { days: 10, recordsPerDay: 60, badShare, ratingWindowDays: 7, now: at });
        const rated = plan.ratings.length + plan.bad.length;
        expect(plan.bad.length).toBeGreaterThanOrEqual(Math.floor(rated * badShare));
        expect(plan.bad.length).toBeLessThanOrEqual(Math.floor(rated * badShare) + 1);
        expect(plan.ratings.every((g) => g.level > 2)).toBe(true);
      }),
      { numRuns: 8 },
    );
  });
});

describe.each(DIALECTS)('the scale network (%s)', (kind) => {
  it('every synthetic subdistrict gets its centre, committee and building windows, terminals and police grids, and records at its counters', async () => {
    const handle = await testDatabase(kind);
    try {
      const db = handle.db;
      const clock = new ManualClock('2026-05-26T02:30:00Z');
      await seedDemo(db, clock, { extraSubdistricts: 2, extraCounts: { binRooms: 32, units: 2, shops: 4 } });
      await seedServicesDemo(db, clock, { password: DEMO_PASSWORD, synthetic: { buildings: 2, grids: 3 } });
      const synthetic = await db.selectFrom('subdistricts').select(['id', 'code']).where('name', 'like', '示例街道%').execute();
      expect(synthetic).toHaveLength(2);
      for (const s of synthetic) {
        const points = await db.selectFrom('service_points').select(['kind', 'status', 'grid_id']).where('subdistrict_id', '=', s.id).execute();
        const kinds = (k: string) => points.filter((p) => p.kind === k);
        expect(kinds('centre')).toHaveLength(1);
        expect(kinds('committee_window')).toHaveLength(16);
        expect(kinds('building_window')).toHaveLength(2);
        expect(kinds('terminal')).toHaveLength(2);
        expect(kinds('self_service_zone').map((z) => z.status).sort()).toEqual(['built', 'planned']);
        expect(await db.selectFrom('service_grids').select('id').where('subdistrict_id', '=', s.id).execute()).toHaveLength(3);
      }
      const files = filesFor(readConfig({ DATA_DIR: '/tmp/closeloop-test' }));
      const totals = await seedServiceActivity(db, kyselySink(db), files, { days: 5, recordsPerDay: 20, badShare: 0, seed: 1, now: clock.now(), subdistrictIds: synthetic.map((s) => s.id) });
      const bySub = await db.selectFrom('service_records').select(['subdistrict_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('subdistrict_id').execute();
      expect(bySub.map((b) => b.subdistrict_id).sort()).toEqual(synthetic.map((s) => s.id).sort());
      expect(bySub.reduce((a, b) => a + Number(b.n), 0)).toBe(totals.records);
      // Every row the scale run wrote keeps the live rules (front-office-audit.ts).
      const span = auditSpan(clock.now(), 5);
      const [records, tickets, appointments, ratings, terminalSessions, recordCounters] = await Promise.all([
        db.selectFrom('service_records').selectAll().execute(), db.selectFrom('service_tickets').selectAll().execute(),
        db.selectFrom('service_appointments').selectAll().execute(), db.selectFrom('service_ratings').selectAll().execute(),
        db.selectFrom('service_terminal_sessions').selectAll().execute(), db.selectFrom('service_record_counters').selectAll().execute(),
      ]);
      expect(terminalSessions.length).toBeGreaterThan(0);
      expect(broken(frontOfficeBreaches(await loadAuditNetwork(db, span.from, span.to), {
        now: clock.now(), records, tickets, appointments, ratings, terminalSessions, recordCounters: recordCounters.map((c) => ({ ...c, last: Number(c.last) })),
      }))).toEqual({});
    } finally {
      await handle.destroy();
    }
  }, 120_000);
});

describe('the 差评 quota', () => {
  it('marks floor(offset + n × share) of the first n ratings, so any run of n holds floor(n × share) or one more', () => {
    fc.assert(
      // Shares below 1 (a share of 1 or more marks every rating, checked below): offset + n × share
      // then never rounds past the next whole number, as it could for a share of 1 at n ≥ 1,024.
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 0.0001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 3000 }), fc.nat(3000), (offset, share, n, from) => {
        const isBad = badQuota(offset, share);
        const marks = Array.from({ length: from + n }, () => isBad());
        expect(marks.filter(Boolean).length).toBe(Math.floor(offset + (from + n) * share));
        const run = marks.slice(from).filter(Boolean).length;
        expect(run).toBeGreaterThanOrEqual(Math.floor(n * share));
        expect(run).toBeLessThanOrEqual(Math.floor(n * share) + 1);
      }),
    );
  });

  it('marks every rating at a share of 1 or more, whatever the offset', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 1, max: 2, noNaN: true }), fc.integer({ min: 1, max: 5000 }), (offset, share, n) => {
        const isBad = badQuota(offset, share);
        expect(Array.from({ length: n }, () => isBad()).every(Boolean)).toBe(true);
      }),
      { examples: [[0.9999999999998863, 1, 1024]] },
    );
  });
});

