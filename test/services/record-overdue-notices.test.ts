import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceNewlyOverdue, RECORD_OVERDUE_KIND, recordOverdueDedupeKey, SERVICE_OVERDUE_CURSOR } from '../../src/domain/service-records/overdue-notices.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { expectEnglish } from '../notifications/notice-reading.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * A service record (办件) past its promised due time sends one inbox notice to whoever is
 * responsible — its clerk and the point's leaders — in the reader's language; once, however often
 * the overdue round runs and however many instances run it at once.
 */
describe.each(DIALECTS)('overdue service records notify the clerk and the point\'s leaders (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemId: string;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemId = (await itemByName(ctx, '居住证签注')).id;
  }, 60_000);
  afterAll(async () => ctx?.close());

  const record = async (username: string, name: string) => {
    const clerk = await actorOf(ctx, username);
    const out = await ctx.handle.db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, clerk, { pointId: point.id, itemId, applicant: { name, idNumber: withCheckDigit('31010519900101005') }, materials: [] }));
    return (await ctx.handle.db.selectFrom('service_records').selectAll().where('id', '=', out.record.id).executeTakeFirstOrThrow());
  };
  const noticesOf = (recordId: string) =>
    ctx.handle.db.selectFrom('notifications').select(['id', 'kind', 'message_key']).where('dedupe_key', '=', recordOverdueDedupeKey(recordId)).execute();
  const recipientsOf = async (notificationId: string) =>
    (await ctx.handle.db.selectFrom('inbox_items as i').innerJoin('users as u', 'u.id', 'i.user_id').select('u.username').where('i.notification_id', '=', notificationId).execute())
      .map((r) => r.username).sort();
  /** The leaders who oversee the point: of its subdistrict as a whole, or of its committee. */
  const pointLeaders = async () =>
    (await ctx.handle.db
      .selectFrom('users').select('username').where('role', '=', 'leader').where('status', '=', 'active')
      .where('id', 'in', ctx.handle.db.selectFrom('user_scopes').select('user_id').where('subdistrict_id', '=', point.subdistrict_id)
        .where((eb) => eb.or([eb('committee_id', 'is', null), eb('committee_id', '=', point.committee_id!)])))
      .execute()).map((u) => u.username);
  /** As a second instance whose round began before the first's commit: the cursor it read. */
  const rewindCursor = (to: string) => ctx.handle.db.updateTable('patrol_job_cursors').set({ cursor_at: to }).where('name', '=', SERVICE_OVERDUE_CURSOR).execute();

  it('one notice per overdue record, to its clerk and the point\'s leaders, in each reader\'s language; none for a record decided in time', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    await announceNewlyOverdue(ctx.handle.db, ctx.clock); // the first round starts the cursor
    const late = await record('cadre01', '孙杰');
    const decided = await record('cadre01', '吴娟');
    await ctx.handle.db.updateTable('service_records').set({ decided_at: '2026-05-26T03:00:00.000Z', status: 'completed' }).where('id', '=', decided.id).execute();
    // Before the due time nothing is sent.
    expect(await noticesOf(late.id)).toEqual([]);
    ctx.clock.set(new Date(Date.parse(late.due_at) + 60_000).toISOString());
    expect(await announceNewlyOverdue(ctx.handle.db, ctx.clock)).toBeGreaterThanOrEqual(1);
    const [n, ...more] = await noticesOf(late.id);
    expect(more).toEqual([]);
    expect(n).toMatchObject({ kind: RECORD_OVERDUE_KIND, message_key: 'service_record_overdue' });
    const leaders = await pointLeaders();
    expect(leaders.length).toBeGreaterThan(0);
    expect(await recipientsOf(n!.id)).toEqual(['cadre01', ...leaders].sort());
    expect(await noticesOf(decided.id)).toEqual([]);

    // Each reader reads it in their language.
    const cookie = await signInAs(ctx.app, 'cadre01');
    const read = async (lang: 'en' | 'zh') =>
      ((await ctx.app.inject({ url: `/api/inbox?limit=200&lang=${lang}`, headers: { cookie } })).json().items as { kind: string; title: string; body: string }[])
        .find((i) => i.kind === RECORD_OVERDUE_KIND && i.title.includes(late.number))!;
    const zh = await read('zh');
    expect(zh.title).toBe(`办件超期 ${late.number}`);
    expect(zh.body).toContain('居住证签注');
    const en = await read('en');
    expect(en.title).toBe(`Service record overdue ${late.number}`);
    expect(en.body).toContain('Residence permit endorsement');
    expectEnglish(`${en.title} ${en.body}`, [point.name]);
  });

  it('once per record across rounds and instances: two rounds at once, and a round run again, send nothing more', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const r = await record('cadre01', '周敏');
    const before = new Date(Date.parse(r.due_at) - 60_000).toISOString();
    ctx.clock.set(new Date(Date.parse(r.due_at) + 60_000).toISOString());
    // Two instances whose rounds read the same cursor at once.
    await rewindCursor(before);
    await Promise.all([announceNewlyOverdue(ctx.handle.db, ctx.clock), announceNewlyOverdue(ctx.handle.db, ctx.clock)]);
    const [first, ...more] = await noticesOf(r.id);
    expect(more).toEqual([]);
    const inbox = await recipientsOf(first!.id);
    expect(inbox).toContain('cadre01');
    expect(new Set(inbox).size).toBe(inbox.length);
    // The same round again (a crash after the notices, before the cursor's commit, re-runs it), and a later round.
    await rewindCursor(before);
    await announceNewlyOverdue(ctx.handle.db, ctx.clock);
    ctx.clock.set(new Date(Date.parse(r.due_at) + 120_000).toISOString());
    await announceNewlyOverdue(ctx.handle.db, ctx.clock);
    expect((await noticesOf(r.id)).map((x) => x.id)).toEqual([first!.id]);
    expect(await recipientsOf(first!.id)).toEqual(inbox);
  });
});
