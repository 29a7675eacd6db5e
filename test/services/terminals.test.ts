import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATUSES } from '../../src/domain/cases/lifecycle.js';
import { detectSilentTerminals, recordFault, recordHeartbeat } from '../../src/domain/service-terminals/health.js';
import { issueTerminalToken } from '../../src/domain/service-terminals/terminals.js';
import { setPointStatus } from '../../src/domain/service-network/points.js';
import { terminalHealthPoller } from '../../src/jobs/terminal-health.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { englishRobot, expectEnglish, seeNotice } from '../notifications/notice-reading.js';
import { actorOf, pointByCode, servicesContext } from './helpers.js';

const SILENCE_MS = 15 * 60_000;
const MINUTE = 60_000;
const RECOVERY_MS = 30 * MINUTE;

describe.each(DIALECTS)('self-service terminals as sites (%s)', (kind) => {
  let ctx: TestContext;
  let admin: string;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    admin = await signInAs(ctx.app, 'admin');
  }, 60_000);
  afterAll(async () => ctx?.close());

  const db = () => ctx.handle.db;
  const beat = (token: string) => db().transaction().execute((trx) => recordHeartbeat(trx, ctx.clock, token, {}));
  const fault = (token: string, code = 'E-PRINTER', text = '打印机缺纸') => db().transaction().execute((trx) => recordFault(trx, ctx.clock, token, { code, text }));
  const check = () => detectSilentTerminals(db(), ctx.clock, { silenceMs: SILENCE_MS });
  async function issue(code: string) {
    const p = await pointByCode(ctx, code);
    const a = await actorOf(ctx, 'district-admin');
    return { point: p, ...(await db().transaction().execute((trx) => issueTerminalToken(trx, ctx.clock, a, p.id))) };
  }
  /** The maintenance cases ever opened for a terminal, oldest first, each with its latest outage. */
  async function casesOf(pointId: string) {
    const rows = await db()
      .selectFrom('service_terminal_outages as o')
      .innerJoin('cases as c', 'c.id', 'o.case_id')
      .innerJoin('case_categories as k', 'k.id', 'c.category_id')
      .select(['c.id', 'c.status', 'c.source', 'c.subdistrict_id', 'k.code', 'o.reason', 'o.ended_at', 'o.started_at'])
      .where('o.point_id', '=', pointId)
      .orderBy('o.started_at')
      .orderBy('c.number')
      .execute();
    return [...new Map(rows.map((r) => [r.id, r])).values()];
  }
  const openCases = async (pointId: string) => (await casesOf(pointId)).filter((c) => OPEN_STATUSES.includes(c.status));
  /** The terminal fault notice about a case as one of its recipients reads it. */
  async function noticeSeen(caseId: string) {
    const to = await db().selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').innerJoin('users as u', 'u.id', 'i.user_id')
      .select('u.username').where('n.case_id', '=', caseId).where('u.role', '=', 'operator').orderBy('u.username').executeTakeFirstOrThrow();
    return seeNotice(ctx.app, db(), await signInAs(ctx.app, to.username), 'service_terminal_fault', caseId);
  }
  const terminalCategory = () => db().selectFrom('case_categories').select(['name_zh', 'name_en']).where('code', '=', 'YW0201').executeTakeFirstOrThrow();
  const stateOf = async (pointId: string) => (await db().selectFrom('service_terminals').select('state').where('point_id', '=', pointId).executeTakeFirstOrThrow()).state;

  it('an administrator issues a device token: shown once, stored hashed, audited; others are refused', async () => {
    const p = await pointByCode(ctx, 'YW008-T1');
    const operator = await signInAs(ctx.app, 'operator');
    const denied = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${p.id}/terminal-token`, headers: { cookie: operator } });
    expect(denied.statusCode).toBe(403);
    const window = await pointByCode(ctx, 'YW008-CTR');
    const wrongKind = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${window.id}/terminal-token`, headers: { cookie: admin } });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().error.details.fields[0]).toMatchObject({ field: 'kind' });
    // A planned zone has no device yet: no token (nothing would list or check it).
    const planned = await db().selectFrom('service_points').select('id').where('kind', '=', 'self_service_zone').where('status', '=', 'planned').orderBy('code').executeTakeFirstOrThrow();
    const notBuilt = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${planned.id}/terminal-token`, headers: { cookie: await signInAs(ctx.app, 'district-admin') } });
    expect(notBuilt.statusCode).toBe(400);
    expect(notBuilt.json().error.details.fields[0]).toMatchObject({ field: 'status', reason: 'the point is not built yet' });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${p.id}/terminal-token`, headers: { cookie: admin } });
    expect(res.statusCode).toBe(201);
    const { token } = res.json();
    expect(token).toMatch(/^clt_/);
    const stored = await pointByCode(ctx, 'YW008-T1');
    expect(stored.terminal_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.terminal_token_hash).not.toContain(token);
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'service_terminal.issue_token').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(token);
    // The API takes the token as a bearer credential; anything else is 401.
    const none = await ctx.app.inject({ method: 'POST', url: '/api/terminals/heartbeat', payload: {} });
    expect(none.statusCode).toBe(401);
    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/terminals/heartbeat', headers: { authorization: 'Bearer clt_wrong' }, payload: {} });
    expect(wrong.statusCode).toBe(401);
    const ok = await ctx.app.inject({ method: 'POST', url: '/api/terminals/heartbeat', headers: { authorization: `Bearer ${token}` }, payload: { appVersion: '2.4.1' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'up', recovered: false });
    const badFault = await ctx.app.inject({ method: 'POST', url: '/api/terminals/fault', headers: { authorization: `Bearer ${token}` }, payload: { code: 'bad code!', text: '' } });
    expect(badFault.statusCode).toBe(400);
    // A replaced token stops working at once.
    const again = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${p.id}/terminal-token`, headers: { cookie: admin } });
    const stale = await ctx.app.inject({ method: 'POST', url: '/api/terminals/heartbeat', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(stale.statusCode).toBe(401);
    expect((await beat(again.json().token)).state).toBe('up');
  });

  it('silence → one maintenance case in the subdistrict (repeated checks, two instances) → heartbeat closes it with a timeline entry', async () => {
    const t = await issue('YW008-T2');
    await beat(t.token);
    ctx.clock.advance(SILENCE_MS - MINUTE);
    expect(await check()).toBe(0);
    expect(await openCases(t.point.id)).toHaveLength(0);
    ctx.clock.advance(2 * MINUTE);
    // Two instances run the job at once, then both again, then a bare check: one case.
    const make = (holder: string) => terminalHealthPoller({ db: db(), config: ctx.deps.config, clock: ctx.clock, holder });
    const [a, b] = [make('instance-a'), make('instance-b')];
    const robot = await englishRobot(db(), t.point.subdistrict_id);
    await Promise.all([a.runOnce(), b.runOnce(), check()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(await check()).toBe(0);
    await robot.remove();
    await a.destroy();
    await b.destroy();
    const cases = await casesOf(t.point.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'reported', source: 'iot', code: 'YW0201', subdistrict_id: t.point.subdistrict_id, reason: 'silence', ended_at: null });
    expect(await stateOf(t.point.id)).toBe('down');
    // The desk was told.
    const note = await db().selectFrom('notifications').select('kind').where('case_id', '=', cases[0]!.id).execute();
    expect(note.map((n) => n.kind)).toEqual(['service_terminal_fault']);
    // In the reader's language: the inbox in English or Chinese, the English robot in English.
    const seen = await noticeSeen(cases[0]!.id);
    const number = (await db().selectFrom('cases').select('number').where('id', '=', cases[0]!.id).executeTakeFirstOrThrow()).number;
    const cat = await terminalCategory();
    expect(seen.zh).toEqual({ title: `${cat.name_zh} ${number}`, body: `自助终端故障：${t.point.name}（${t.point.code}）已 16 分钟未收到心跳` });
    expect(seen.en).toEqual({ title: `${cat.name_en} ${number}`, body: `Self-service terminal ${t.point.name} (${t.point.code}): no heartbeat for 16 minutes` });
    expectEnglish(seen.en.title + seen.en.body, [t.point.name]);
    expect(seen.robot).toBe(`[CloseLoop] ${seen.en.title}\n${seen.en.body}`);
    // Back: up at once, and once it has stayed up for the recovery time the case is closed, saying why.
    ctx.clock.advance(30 * MINUTE);
    const backAt = ctx.clock.now().toISOString();
    const back = await beat(t.token);
    expect(back).toMatchObject({ recovered: true, closedCaseId: null });
    expect(await openCases(t.point.id)).toHaveLength(1);
    ctx.clock.advance(RECOVERY_MS);
    expect(await beat(t.token)).toMatchObject({ recovered: false, closedCaseId: cases[0]!.id });
    const after = await casesOf(t.point.id);
    expect(after[0]).toMatchObject({ status: 'closed', ended_at: backAt });
    const events = await db().selectFrom('case_events').select(['action', 'to_status', 'note', 'actor_role']).where('case_id', '=', cases[0]!.id).orderBy('seq').execute();
    expect(events.at(-1)).toMatchObject({ action: 'terminal_recovered', to_status: 'closed', actor_role: 'system' });
    expect(events.at(-1)!.note).toContain('恢复正常');
    const timeline = (await ctx.app.inject({ method: 'GET', url: `/api/cases/${cases[0]!.id}`, headers: { cookie: admin } })).json();
    expect(JSON.stringify(timeline)).toContain('终端恢复正常，自动结案');
    expect(await stateOf(t.point.id)).toBe('up');
  });

  it('a fault report opens a case once; repeated faults and checks add none; a heartbeat closes it', async () => {
    const t = await issue('YW010-T1');
    const first = await fault(t.token);
    expect(first).toMatchObject({ state: 'down', opened: true });
    const second = await fault(t.token, 'E-CARD', '读卡器故障');
    expect(second).toMatchObject({ opened: false, caseId: first.caseId });
    ctx.clock.advance(SILENCE_MS * 3);
    await check();
    const cases = await casesOf(t.point.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ reason: 'fault', status: 'reported', code: 'YW0201' });
    const c = await db().selectFrom('cases').select('description').where('id', '=', first.caseId!).executeTakeFirstOrThrow();
    expect(c.description).toContain('E-PRINTER');
    const seen = await noticeSeen(first.caseId!);
    expect(seen.zh.body).toBe(`自助终端故障：${t.point.name}（${t.point.code}）终端报告故障 E-PRINTER：打印机缺纸`);
    expect(seen.en.body).toBe(`Self-service terminal ${t.point.name} (${t.point.code}): reported fault E-PRINTER: 打印机缺纸`);
    expect(seen.en.title.startsWith((await terminalCategory()).name_en)).toBe(true);
    await beat(t.token);
    ctx.clock.advance(RECOVERY_MS);
    await beat(t.token);
    expect(await openCases(t.point.id)).toHaveLength(0);
    // The next outage is a new case.
    await fault(t.token);
    expect(await casesOf(t.point.id)).toHaveLength(2);
    expect(await openCases(t.point.id)).toHaveLength(1);
    await beat(t.token);
  });

  it('a flapping terminal keeps one outage and one case until it has stayed up for the recovery time', async () => {
    const t = await issue('YW010-T2');
    await beat(t.token);
    ctx.clock.advance(RECOVERY_MS);
    await beat(t.token);
    const before = (await casesOf(t.point.id)).length;
    const told = () => db().selectFrom('notifications').select('id').where('kind', '=', 'service_terminal_fault').execute();
    const toldBefore = (await told()).length;
    // A fault and a heartbeat every 30 s for 10 minutes, then silent past the threshold while recovering.
    for (let i = 0; i < 10; i++) {
      expect(await fault(t.token, 'E-NET', '网络抖动')).toMatchObject({ state: 'down' });
      ctx.clock.advance(MINUTE / 2);
      expect(await beat(t.token)).toMatchObject({ state: 'up', closedCaseId: null });
      ctx.clock.advance(MINUTE / 2);
    }
    ctx.clock.advance(SILENCE_MS + MINUTE);
    await check();
    expect(await stateOf(t.point.id)).toBe('down');
    const cases = (await casesOf(t.point.id)).slice(before);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'reported', ended_at: null });
    expect((await told()).length).toBe(toldBefore + 1);
    // Back for good: up at once, closed once up for the recovery time (not before).
    await beat(t.token);
    ctx.clock.advance(RECOVERY_MS - MINUTE);
    expect(await beat(t.token)).toMatchObject({ closedCaseId: null });
    ctx.clock.advance(MINUTE);
    expect(await beat(t.token)).toMatchObject({ closedCaseId: cases[0]!.id });
    expect(await openCases(t.point.id)).toHaveLength(0);
  });

  it('status is readable in scope: the subdistrict sees its terminals up or down, another subdistrict does not', async () => {
    const t = await issue('YW008-T1');
    await beat(t.token);
    await fault(t.token, 'E-NET', '网络中断');
    const operator = await signInAs(ctx.app, 'operator');
    const res = await ctx.app.inject({ method: 'GET', url: '/api/services/terminals', headers: { cookie: operator } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const t1 = body.items.find((i: { code: string }) => i.code === 'YW008-T1');
    expect(t1).toMatchObject({ state: 'down', downReason: 'fault', faultCode: 'E-NET', openCase: { status: 'reported' } });
    expect(body.items[0].state).toBe('down'); // down ones first
    expect(body.items.every((i: { subdistrictId: string }) => i.subdistrictId === t.point.subdistrict_id)).toBe(true);
    expect(body.totals.down).toBeGreaterThanOrEqual(1);
    const other = await signInAs(ctx.app, 'xx-operator');
    const theirs = (await ctx.app.inject({ method: 'GET', url: '/api/services/terminals', headers: { cookie: other } })).json();
    expect(theirs.items.some((i: { code: string }) => i.code === 'YW008-T1')).toBe(false);
    expect(theirs.items.some((i: { code: string }) => i.code === 'YW010-T1')).toBe(true);
    await beat(t.token);
  });

  it('the list comes in pages, down ones first then by code, with totals over the whole scope', async () => {
    const a = await issue('YW008-T1');
    const b = await issue('YW010-T1');
    await beat(a.token);
    await beat(b.token);
    await fault(b.token, 'E-NET', '网络中断');
    const districtAdmin = await signInAs(ctx.app, 'district-admin');
    const get = async (query: string) => ctx.app.inject({ method: 'GET', url: `/api/services/terminals?${query}`, headers: { cookie: districtAdmin } });
    type Row = { code: string; state: string };
    type Page = { items: Row[]; totals: Record<string, number>; nextCursor: string | null };
    const whole: Page = (await get('limit=2000')).json();
    expect(whole.nextCursor).toBeNull();
    const n = whole.items.length;
    expect(n).toBeGreaterThan(3);
    const rank = (r: Row) => (r.state === 'down' ? 0 : 1);
    const inOrder = [...whole.items].sort((x, y) => rank(x) - rank(y) || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    expect(whole.items.map((r) => r.code)).toEqual(inOrder.map((r) => r.code));
    expect(whole.items[0]!.state).toBe('down');
    expect(whole.items.find((r) => r.code === 'YW010-T1')).toMatchObject({ state: 'down' });
    const byState = (s: string) => whole.items.filter((r) => r.state === s).length;
    expect(whole.totals).toEqual({ points: n, up: byState('up'), down: byState('down'), unmonitored: byState('unmonitored') });
    for (const size of [1, 2, n - 1, n]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard <= n; guard++) {
        const page: Page = (await get(`limit=${size}${after ? `&after=${encodeURIComponent(after)}` : ''}`)).json();
        expect(page.items.length).toBeLessThanOrEqual(size);
        expect(page.totals).toEqual(whole.totals);
        seen.push(...page.items.map((r) => r.code));
        after = page.nextCursor;
        if (!after) break;
      }
      expect(seen).toEqual(whole.items.map((r) => r.code));
    }
    const down = (await get('state=down')).json();
    expect(down.items.map((r: Row) => r.code)).toEqual(whole.items.filter((r) => r.state === 'down').map((r) => r.code));
    expect(down.totals).toEqual(whole.totals);
    for (const [query, field] of [['after=nonsense', 'after'], ['limit=0', 'limit'], ['limit=2001', 'limit']]) {
      const bad = await get(query!);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0]).toMatchObject({ field });
    }
    await beat(b.token);
  });

  it('property: over random heartbeats, faults, silences and checks a terminal has at most one open case, open exactly when it is down or not yet up for the recovery time', async () => {
    const t = await issue('YW010-T2');
    const Step = fc.oneof(
      fc.constant({ kind: 'beat' as const }),
      fc.constant({ kind: 'fault' as const }),
      fc.constant({ kind: 'check' as const }),
      fc.integer({ min: 1, max: 40 }).map((minutes) => ({ kind: 'wait' as const, minutes })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(Step, { minLength: 1, maxLength: 14 }), async (steps) => {
        await beat(t.token);
        ctx.clock.advance(RECOVERY_MS);
        await beat(t.token);
        let down = false;
        // Up again after an outage since then, its case open until it has stayed up RECOVERY_MS.
        let upSince: number | null = null;
        let lastSeen = ctx.clock.now().getTime();
        for (const s of steps) {
          const now = ctx.clock.now().getTime();
          if (s.kind === 'beat') {
            await beat(t.token);
            if (down) upSince = now;
            else if (upSince !== null && now - upSince >= RECOVERY_MS) upSince = null;
            down = false;
            lastSeen = now;
          } else if (s.kind === 'fault') {
            await fault(t.token);
            down = true;
            upSince = null;
            lastSeen = now;
          } else if (s.kind === 'wait') {
            ctx.clock.advance(s.minutes * MINUTE);
          } else {
            await check();
            if (now - lastSeen > SILENCE_MS) {
              down = true;
              upSince = null;
            }
          }
          const open = await openCases(t.point.id);
          expect(open.length).toBeLessThanOrEqual(1);
          expect(open.length === 1).toBe(down || upSince !== null);
          expect(await stateOf(t.point.id)).toBe(down ? 'down' : 'up');
        }
      }),
      { numRuns: kind === 'sqlite' ? 30 : 12, seed: 15_06 },
    );
    await beat(t.token);
  }, 120_000);
  it('a point closed while its terminal is down: the outage ends and its maintenance case is cancelled with an event; a recovering case too', async () => {
    const closeIt = async (code: string) => {
      const p = await pointByCode(ctx, code);
      const a = await actorOf(ctx, 'district-admin');
      await db().transaction().execute((trx) => setPointStatus(trx, ctx.clock, a, p.id, { version: p.version, status: 'closed', on: '2026-05-26' }));
    };
    // Down with a fault when its point closes.
    const down = await issue('YW010-T2');
    const f = await fault(down.token);
    await closeIt('YW010-T2');
    const [c] = await casesOf(down.point.id).then((all) => all.filter((x) => x.id === f.caseId));
    expect(c).toMatchObject({ status: 'cancelled' });
    expect(c!.ended_at).not.toBeNull();
    expect(await db().selectFrom('service_terminal_outages').select('id').where('open_point_id', '=', down.point.id).execute()).toHaveLength(0);
    const last = await db().selectFrom('case_events').select(['action', 'to_status', 'actor_role']).where('case_id', '=', f.caseId!).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'terminal_retired', to_status: 'cancelled', actor_role: 'system' });
    // Back up but not yet for the recovery time when its point closes: the waiting case is cancelled too.
    const back = await issue('YW008-T2');
    const g = await fault(back.token);
    await beat(back.token);
    expect((await openCases(back.point.id)).map((x) => x.id)).toEqual([g.caseId]);
    await closeIt('YW008-T2');
    expect(await openCases(back.point.id)).toHaveLength(0);
  });
});
