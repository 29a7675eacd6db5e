import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations/index.js';
import { appendCaseEvent, SYSTEM_ACTOR } from '../../src/domain/cases/events.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { verifyAuditChain } from '../../src/domain/audit/verify-audit.js';
import { ensurePartitions, listPartitions, MONTHS_AHEAD, nextMonth, partitionName, shanghaiMonth } from '../../src/domain/ops/partitions.js';
import { purgeExpired } from '../../src/domain/retention/purge.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { newId } from '../../src/domain/shared/ids.js';
import { partitionsPoller } from '../../src/jobs/partitions.js';
import { uploadPhoto } from '../api/cases-helpers.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { jpegWithExif } from '../helpers/images.js';
import { DIALECTS } from '../helpers/db.js';

const count = async (ctx: TestContext, table: 'case_events' | 'checkins') =>
  Number((await ctx.handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** The partition a row of a table is stored in (PostgreSQL). */
async function partitionOf(ctx: TestContext, table: 'case_events' | 'checkins', id: string): Promise<string> {
  const r = await sql<{ p: string }>`select tableoid::regclass::text as p from ${sql.table(table)} where id = ${id}`.execute(ctx.handle.db);
  return r.rows[0]!.p;
}

async function chainsOk(ctx: TestContext) {
  const subs = await ctx.handle.db.selectFrom('chain_heads').select('subdistrict_id').execute();
  expect(subs.length).toBeGreaterThan(0);
  for (const s of subs) expect(await verifyChain(ctx.handle.db, s.subdistrict_id)).toMatchObject({ ok: true, broken: null });
  expect((await verifyAuditChain(ctx.handle.db)).ok).toBe(true);
}

describe('partition month arithmetic', () => {
  it('names months in Shanghai time', () => {
    expect(shanghaiMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(shanghaiMonth(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-01');
    expect(nextMonth('2026-12-01')).toBe('2027-01-01');
    expect(partitionName('case_events', '2027-01-01')).toBe('case_events_y2027m01');
  });
});

for (const dialect of DIALECTS) {
  describe(`monthly partitions of case history and check-ins [${dialect}]`, () => {
    let ctx: TestContext;
    let checkinBase: Record<string, unknown>;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
      // A few cases reported with a photo (May 2026, the demo clock): events and case_photos rows.
      const db = ctx.handle.db;
      const patrol = await signInAs(ctx.app, 'patrol1');
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['id', 'lng', 'lat', 'committee_id']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
      let photoId = '';
      for (let i = 0; i < 3; i++) {
        const photo = await uploadPhoto(ctx.app, patrol, await jpegWithExif({ seed: 40 + i }), 'p.jpg', 'image/jpeg');
        photoId = photo.id!;
        const res = await ctx.app.inject({
          method: 'POST', url: '/api/cases', headers: { cookie: patrol },
          payload: { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `分区测试 ${i}`, photoIds: [photoId] },
        });
        expect(res.statusCode, res.body).toBe(201);
      }
      const user = await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow();
      checkinBase = {
        subdistrict_id: hq.id, committee_id: site.committee_id, site_id: site.id, user_id: user.id, in_window: 1, method: 'gps', status: 'on_site',
        photo_id: photoId, first_at: '2026-07-31T00:30:00.000Z', last_at: '2026-07-31T00:30:00.000Z', repeat_count: 0, evidence_flags: '[]',
      };
    });
    afterAll(async () => ctx?.close());

    if (dialect === 'sqlite') {
      it('SQLite keeps plain tables: the job is a clean no-op', async () => {
        const before = await count(ctx, 'case_events');
        expect(await ensurePartitions(ctx.handle.db, ctx.clock)).toEqual({ created: [], moved: 0 });
        expect(await listPartitions(ctx.handle.db, 'case_events')).toEqual([]);
        const job = partitionsPoller({ db: ctx.handle.db, config: ctx.deps.config, clock: ctx.clock });
        expect(await job.runOnce()).toBe(0);
        expect(job.stats).toMatchObject({ rounds: 1, errors: 0, lastError: null });
        await job.destroy();
        expect(await count(ctx, 'case_events')).toBe(before);
      });
      return;
    }

    it('after migrate both tables are partitioned by month with a DEFAULT partition', async () => {
      const real = shanghaiMonth(new Date());
      for (const table of ['case_events', 'checkins'] as const) {
        const parts = await listPartitions(ctx.handle.db, table);
        const names = parts.map((p) => p.name);
        expect(names).toContain(`${table}_default`);
        expect(parts.find((p) => p.name === `${table}_default`)!.bound).toBe('DEFAULT');
        for (let m = real, i = 0; i <= MONTHS_AHEAD; i++, m = nextMonth(m)) expect(names).toContain(partitionName(table, m));
      }
      const month = (await listPartitions(ctx.handle.db, 'checkins')).find((p) => p.name === partitionName('checkins', real))!;
      expect(month.bound).toBe(`FOR VALUES FROM ('${real}') TO ('${nextMonth(real)}')`);
    });

    it('the job creates the coming months once, moving into them exactly the DEFAULT rows of those months', async () => {
      const db = ctx.handle.db;
      // The demo was seeded (May 2026) after the migration made partitions for the real months: its rows are in DEFAULT.
      const may = shanghaiMonth(ctx.clock.now());
      const mayEvents = Number((await sql<{ n: number }>`select count(*)::int as n from case_events_default where at >= ${`${may}T00:00:00+08:00`} and at < ${`${nextMonth(may)}T00:00:00+08:00`}`.execute(db)).rows[0]!.n);
      const earlier = Number((await sql<{ n: number }>`select count(*)::int as n from case_events_default where at < ${`${may}T00:00:00+08:00`}`.execute(db)).rows[0]!.n);
      expect(mayEvents).toBeGreaterThan(0);
      const totals = { events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') };

      const job = partitionsPoller({ db, config: ctx.deps.config, clock: ctx.clock });
      const created = await job.runOnce();
      expect(job.stats.lastError).toBeNull();
      const expected: string[] = [];
      for (let m = may, i = 0; i <= MONTHS_AHEAD; i++, m = nextMonth(m)) expected.push(partitionName('case_events', m), partitionName('checkins', m));
      const names = async () => [...(await listPartitions(db, 'case_events')), ...(await listPartitions(db, 'checkins'))].map((p) => p.name);
      expect(await names()).toEqual(expect.arrayContaining(expected));
      expect(created).toBe(expected.length);
      // Idempotent: a second round (or a second instance) creates and moves nothing.
      expect(await ensurePartitions(db, ctx.clock)).toEqual({ created: [], moved: 0 });
      await job.destroy();

      // May's rows moved into May's partition; earlier months' rows stayed in DEFAULT; nothing lost.
      const inMay = Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(partitionName('case_events', may))}`.execute(db)).rows[0]!.n);
      expect(inMay).toBe(mayEvents);
      expect(Number((await sql<{ n: number }>`select count(*)::int as n from case_events_default`.execute(db)).rows[0]!.n)).toBe(earlier);
      expect({ events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') }).toEqual(totals);
      await chainsOk(ctx);
    });

    it('given where a history starts, it also creates the past months the history spans and moves their DEFAULT rows in', async () => {
      const db = ctx.handle.db;
      const n = async (t: string) => Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)).rows[0]!.n);
      // A row of a month long past (history loaded, or written while no partition existed) sits in DEFAULT.
      const kase = await db.selectFrom('cases').select(['id', 'subdistrict_id', 'status']).orderBy('id').executeTakeFirstOrThrow();
      const past = await db.transaction().execute((trx) => appendCaseEvent(trx, new ManualClock('2025-11-15T03:00:00Z'), {
        subdistrictId: kase.subdistrict_id, caseId: kase.id, action: 'note', fromStatus: kase.status as never, toStatus: kase.status as never, actor: SYSTEM_ACTOR, note: 'past month',
      }));
      expect(await partitionOf(ctx, 'case_events', past.id)).toBe('case_events_default');
      const stray = (await n('case_events_default')) + (await n('checkins_default'));
      const totals = { events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') };

      const r = await ensurePartitions(db, ctx.clock, MONTHS_AHEAD, new Date('2025-11-15T03:00:00Z'));
      // Every month from November 2025 to the clock's (May 2026), both tables.
      for (const m of ['2025-11-01', '2025-12-01', '2026-01-01', '2026-04-01']) {
        expect(r.created).toEqual(expect.arrayContaining([partitionName('case_events', m), partitionName('checkins', m)]));
      }
      expect(r.created).not.toContain(partitionName('case_events', '2025-10-01'));
      expect(r.moved).toBe(stray);
      expect(await partitionOf(ctx, 'case_events', past.id)).toBe('case_events_y2025m11');
      expect((await n('case_events_default')) + (await n('checkins_default'))).toBe(0);
      expect({ events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') }).toEqual(totals);
      // Idempotent, and a start date after the current month adds nothing before it.
      expect(await ensurePartitions(db, ctx.clock, MONTHS_AHEAD, new Date('2025-11-15T03:00:00Z'))).toEqual({ created: [], moved: 0 });
      expect(await ensurePartitions(db, ctx.clock, MONTHS_AHEAD, new Date('2031-01-01T00:00:00Z'))).toEqual({ created: [], moved: 0 });
      await chainsOk(ctx);
    });

    it('new rows land in their month partition, or in DEFAULT when none exists yet; the chain still verifies', async () => {
      const db = ctx.handle.db;
      const kase = await db.selectFrom('cases').select(['id', 'subdistrict_id', 'status']).orderBy('id').executeTakeFirstOrThrow();
      const clock = new ManualClock('2026-06-15T03:00:00Z');
      const append = (c: ManualClock) =>
        db.transaction().execute((trx) => appendCaseEvent(trx, c, { subdistrictId: kase.subdistrict_id, caseId: kase.id, action: 'note', fromStatus: kase.status as never, toStatus: kase.status as never, actor: SYSTEM_ACTOR, note: 'partition test' }));
      const june = await append(clock);
      expect(await partitionOf(ctx, 'case_events', june.id)).toBe('case_events_y2026m06');
      // Shanghai's month boundary: 2026-06-30T16:00Z is 1 July 00:00 in Shanghai.
      clock.set('2026-06-30T16:00:00Z');
      expect(await partitionOf(ctx, 'case_events', (await append(clock)).id)).toBe('case_events_y2026m07');
      // Far ahead of every partition: accepted, into DEFAULT, then moved when its month is created.
      clock.set('2031-03-10T00:00:00Z');
      const future = await append(clock);
      expect(await partitionOf(ctx, 'case_events', future.id)).toBe('case_events_default');
      const r = await ensurePartitions(db, new ManualClock('2031-02-01T00:00:00Z'));
      expect(r.created).toEqual(expect.arrayContaining(['case_events_y2031m02', 'case_events_y2031m03', 'checkins_y2031m03']));
      expect(r.moved).toBe(1);
      expect(await partitionOf(ctx, 'case_events', future.id)).toBe('case_events_y2031m03');

      // A check-in of a date lands in its month by local_date; a repeat in the window folds into it.
      const row = { ...checkinBase, id: newId(), local_date: '2026-07-31', window_key: '2026-07-31@07:00-09:00' };
      await db.insertInto('checkins').values(row as never).execute();
      expect(await partitionOf(ctx, 'checkins', row.id)).toBe('checkins_y2026m07');
      await expect(db.insertInto('checkins').values({ ...row, id: newId() } as never).execute()).rejects.toMatchObject({ code: '23505' });
      await chainsOk(ctx);
    });

    it('the references to case events still hold: a photo or step needs its event, a referenced event cannot go', async () => {
      const db = ctx.handle.db;
      const photo = await db.selectFrom('case_photos').selectAll().executeTakeFirstOrThrow();
      await expect(db.insertInto('case_photos').values({ ...photo, id: newId(), event_id: 'no-such-event' }).execute()).rejects.toMatchObject({ code: '23503' });
      await expect(db.updateTable('case_photos').set({ event_id: 'no-such-event' }).where('event_id', '=', photo.event_id).execute()).rejects.toMatchObject({ code: '23503' });
      await expect(db.deleteFrom('case_events').where('id', '=', photo.event_id).execute()).rejects.toMatchObject({ code: '23503' });
      expect(await db.selectFrom('case_events').select('id').where('id', '=', photo.event_id).executeTakeFirst()).toBeDefined();
    });

    it('retention purges operational rows and never case history or check-ins, even years later', async () => {
      const db = ctx.handle.db;
      const kase = await db.selectFrom('cases').select('id').executeTakeFirstOrThrow();
      await db.insertInto('open311_idempotency').values([
        { scope: 'web', idem_key: 'token:old', case_id: kase.id, request_hash: 'h', created_at: '2035-12-29T00:00:00.000Z' },
        { scope: 'web', idem_key: 'token:new', case_id: kase.id, request_hash: 'h', created_at: '2035-12-31T12:00:00.000Z' },
      ]).execute();
      const before = { events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins'), parts: await listPartitions(ctx.handle.db, 'case_events') };
      const n = await purgeExpired(ctx.handle.db, new ManualClock('2036-01-01T00:00:00Z'), { signInEventsDays: 1 });
      // Open311 idempotency keys past their replay window (and a day) are operational rows.
      expect(n.open311Idempotency).toBe(1);
      expect((await db.selectFrom('open311_idempotency').select('idem_key').execute()).map((r) => r.idem_key)).toEqual(['token:new']);
      expect({ events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins'), parts: await listPartitions(ctx.handle.db, 'case_events') }).toEqual(before);
      await chainsOk(ctx);
    });

    it('the migration down makes plain tables again and up partitions every month that holds rows, nothing left in DEFAULT', async () => {
      const db = ctx.handle.db;
      const m = migrations['2026-12-04T1950-monthly-partitions']!;
      const before = { events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') };
      await db.transaction().execute((trx) => m.down!(trx));
      expect(await listPartitions(db, 'case_events')).toEqual([]);
      expect({ events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') }).toEqual(before);
      await chainsOk(ctx);

      await db.transaction().execute((trx) => m.up(trx));
      const names = (await listPartitions(db, 'case_events')).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['case_events_y2026m05', 'case_events_y2026m06', 'case_events_y2026m07', 'case_events_y2031m03', 'case_events_default']));
      expect((await listPartitions(db, 'checkins')).map((p) => p.name)).toEqual(expect.arrayContaining(['checkins_y2026m07', 'checkins_default']));
      for (const t of ['case_events_default', 'checkins_default']) {
        expect(Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)).rows[0]!.n), t).toBe(0);
      }
      expect({ events: await count(ctx, 'case_events'), checkins: await count(ctx, 'checkins') }).toEqual(before);
      await chainsOk(ctx);
      const photo = await db.selectFrom('case_photos').selectAll().executeTakeFirstOrThrow();
      await expect(db.insertInto('case_photos').values({ ...photo, id: newId(), event_id: 'no-such-event' }).execute()).rejects.toMatchObject({ code: '23503' });
    });
  });
}
