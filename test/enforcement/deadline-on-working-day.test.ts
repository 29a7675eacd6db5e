import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { packageIsWorkday } from '../../src/domain/calendar/working-days.js';
import { openEnforcementCase } from '../../src/domain/enforcement/open-case.js';
import { recordStep } from '../../src/domain/enforcement/record-step.js';
import { savePhoto } from '../../src/domain/photos/upload.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { newId } from '../../src/domain/shared/ids.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { actorOf } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, uploadPhoto } from './helpers.js';

// DOMAIN.md §4 "Periods": a period whose last day is a holiday ends on the next working day. The
// rectification deadline an officer chooses for an order or a notice is such a period: a deadline
// on a rest day of the subdistrict's calendar is refused, naming the next working day.

const HOUR = 3600_000;
/** Rolls a transaction back after the checks made inside it. */
const ROLLBACK = new Error('rollback');
type Kind = 'holiday' | 'workday';

for (const dialect of DIALECTS) {
  describe(`a rectification deadline ends on a working day [${dialect}]`, () => {
    let t: Awaited<ReturnType<typeof enforcementContext>>;
    beforeAll(async () => {
      t = await enforcementContext(dialect, 'deadline-working-day-');
    });
    afterAll(async () => t?.close());

    it('property: over generated calendars, a deadline on a rest day is refused naming the next working day, one on a working day is accepted', async () => {
      const { ctx, hq, e2Id } = t;
      const db = ctx.handle.db;
      const clock = ctx.clock;
      // Monday before National Day: the window below runs over the week of holidays and its make-up workday.
      clock.set('2026-09-28T02:00:00Z');
      const now = clock.now();
      const today = shanghaiDate(now);
      const officer = await actorOf(ctx, 'enforcer1');
      const other = (await db.selectFrom('subdistricts').select('id').where('id', '!=', hq.subdistrictId).orderBy('id').executeTakeFirstOrThrow()).id;
      const env = { files: filesFor(ctx.deps.config) };
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 20, g: 160, b: 90 } } }).jpeg().toBuffer();
      const photo = (await savePhoto(db, clock, officer, env.files, jpeg)).id;
      const shop = await shopOn(ctx, hq.subdistrictId, '', '', 3);
      const ec = await openEnforcementCase(db, clock, officer, { siteId: shop.id, categoryId: hq.categoryId, gps: HQ_GPS, photoIds: [photo], legalBasisId: hq.art26, facts: '未设置分类标识' });

      const WINDOW = 30;
      const calendar = fc.dictionary(fc.integer({ min: 1, max: WINDOW + 10 }).map(String), fc.constantFrom<Kind>('holiday', 'workday'), { maxKeys: 12 });
      const seen = { refused: 0, accepted: 0 };
      await fc.assert(
        fc.asyncProperty(
          calendar, calendar, calendar,
          fc.integer({ min: 1, max: WINDOW }), fc.integer({ min: 0, max: 24 * 60 - 1 }),
          async (own, global, elsewhere, dayOffset, minute) => {
            const day = addDays(today, dayOffset);
            const deadlineAt = new Date(Date.parse(`${day}T00:00:00+08:00`) + minute * 60_000).toISOString();
            // The calendar as the subdistrict sees it: its own rows over the global ones over the package.
            const kindOf = (d: string): Kind | undefined => own[String(offsetOf(today, d))] ?? global[String(offsetOf(today, d))];
            const working = (d: string) => { const k = kindOf(d); return k ? k === 'workday' : packageIsWorkday(d); };
            let next = addDays(day, 1);
            while (!working(next)) next = addDays(next, 1);
            const outcome = await db.transaction().execute(async (trx) => {
              const rows = (scope: string | null, kinds: Record<string, Kind>) => Object.entries(kinds).map(([o, kind]) => ({
                id: newId(), subdistrict_id: scope, date: addDays(today, Number(o)), kind, note: '测试', created_by: null, created_at: now.toISOString(), updated_at: now.toISOString(),
              }));
              const all = [...rows(hq.subdistrictId, own), ...rows(null, global), ...rows(other, elsewhere)];
              if (all.length) await trx.insertInto('calendar_overrides').values(all).execute();
              const steps = async () => Number((await trx.selectFrom('enforcement_steps').select((eb) => eb.fn.countAll<number>().as('n')).where('enforcement_case_id', '=', ec.id).executeTakeFirstOrThrow()).n);
              const before = await steps();
              const result = await recordStep(trx, clock, env, officer, ec.id, {
                kind: 'order', version: ec.version, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], educationGiven: true, deadlineAt, deadlineReason: '与当事人约定',
              }).then((r) => r, (e: unknown) => e);
              if (working(day)) {
                expect(result, String(result)).not.toBeInstanceOf(Error);
                expect((result as { case: { deadlineAt: string } }).case.deadlineAt).toBe(deadlineAt);
                expect(await steps()).toBe(before + 1);
              } else {
                expect(result).toBeInstanceOf(DomainError);
                const err = result as DomainError;
                expect(err.code).toBe('validation_failed');
                const fields = (err.details as { fields: { field: string; reason: string }[] }).fields;
                expect(fields.map((f) => f.field)).toEqual(['deadlineAt']);
                expect(fields[0]!.reason).toBe(`falls on a rest day (${day}); a period cannot end on a rest day: choose ${next} or a later working day`);
                expect(await steps()).toBe(before);
              }
              throw ROLLBACK;
            }).then(() => 'committed', (e: unknown) => e === ROLLBACK ? (working(day) ? 'accepted' : 'refused') : Promise.reject(e));
            seen[outcome as keyof typeof seen]++;
          },
        ),
        { seed: Number(process.env.FC_SEED ?? 20261207), numRuns: dialect === 'sqlite' ? 40 : 25 },
      );
      if (!process.env.FC_SEED) for (const [outcome, n] of Object.entries(seen)) expect(n, outcome).toBeGreaterThan(0);
      // Nothing was kept: the ladder is still waiting for its order.
      const ladder = await db.selectFrom('enforcement_cases').select(['stage', 'version']).where('id', '=', ec.id).executeTakeFirstOrThrow();
      expect([ladder.stage, Number(ladder.version)]).toEqual(['opened', ec.version]);
    }, 120_000);

    it('a not-rectified finding is never recorded on a rest day: the deadline chosen on a holiday is refused, and the one on the next working day runs until then', async () => {
      const { ctx, hq, e2Id } = t;
      const clock = ctx.clock;
      clock.set('2026-09-30T02:00:00Z'); // Wednesday 10:00, the eve of National Day (1–7 October 2026)
      const cookie = async () => (await import('../helpers/app.js')).signInAs(ctx.app, 'enforcer1');
      const post = async (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie: await cookie() }, payload });
      const shop = await shopOn(ctx, hq.subdistrictId, '', '', 4);
      const opened = await post('/api/enforcement/cases', { siteId: shop.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const id = opened.json().id as string;
      const order = (deadlineAt: string) => post(`/api/enforcement/cases/${id}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt, deadlineReason: '与当事人约定' });
      const photo = await uploadPhoto(ctx, await cookie());

      const onHoliday = await order('2026-10-03T16:00:00+08:00');
      expect(onHoliday.statusCode, onHoliday.body).toBe(400);
      expect(onHoliday.json().error.code).toBe('validation_failed');
      expect(onHoliday.json().error.details.fields).toEqual([
        { field: 'deadlineAt', reason: 'falls on a rest day (2026-10-03); a period cannot end on a rest day: choose 2026-10-08 or a later working day' },
      ]);
      // The field app shows the reason on the deadline field, in Chinese with both dates.
      expect(reasonZh(onHoliday.json().error.details.fields[0].reason)).toBe('2026-10-03 是休息日，期限不能在休息日届满，请选择 2026-10-08 或之后的工作日');
      const ladder = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/cases/${id}`, headers: { cookie: await cookie() } });
      expect([ladder.json().stage, ladder.json().documents.length]).toEqual(['opened', 0]);

      const ordered = await order('2026-10-08T16:00:00+08:00');
      expect(ordered.statusCode, ordered.body).toBe(201);
      // The evening of the holiday the officer first chose: the deadline has not passed.
      clock.set(new Date(Date.parse('2026-10-03T17:00:00+08:00')));
      const reinspect = async () => post(`/api/enforcement/cases/${id}/steps`, {
        kind: 'reinspection', version: ordered.json().case.version, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await cookie())], result: 'not_rectified', findings: ['仍未设置分类标识'],
      });
      const early = await reinspect();
      expect(early.statusCode, early.body).toBe(400);
      expect(early.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(['result']);
      // An hour after the deadline, on the working day it falls on.
      clock.set(new Date(Date.parse('2026-10-08T16:00:00+08:00') + HOUR));
      const found = await reinspect();
      expect(found.statusCode, found.body).toBe(201);
      expect(found.json().case.stage).toBe('order_failed');
      expect(packageIsWorkday(shanghaiDate(Date.parse(found.json().step.at)))).toBe(true);
    });
  });
}

/** Days from `from` to `to` (both YYYY-MM-DD). */
function offsetOf(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
