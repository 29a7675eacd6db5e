/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { describeBrowser, eventually, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { ensureServicesDemo, recordOnWindowScreen } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

/** The window's tablet held upright and on its side. */
const SIZES = [{ width: 768, height: 1024 }, { width: 1024, height: 768 }];

/** Shanghai's date, ISO weekday and a wall-clock time some minutes from now. */
function shanghaiNow(plusMinutes: number) {
  const at = new Date(Date.now() + 8 * 3600_000 + plusMinutes * 60_000);
  const weekday = at.getUTCDay() === 0 ? 7 : at.getUTCDay();
  return { day: at.toISOString().slice(0, 10), weekday, hhmm: at.toISOString().slice(11, 16) };
}

/**
 * The screen's buttons whose label does not sit on one line (签 over 到) or does not fit inside
 * the button: each with the lines its text takes and its label. Lines are counted from the text's
 * own line boxes, not the button's height: the screen's touch targets are 52 px tall, two lines'
 * worth of text, by design.
 */
function brokenLabels(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid=window-page] :is(button, .btn, summary)')) {
      if (!el.offsetParent || !el.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set<number>();
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) tops.add(Math.round(r.top / 4));
      const clipped = el.scrollWidth > el.clientWidth + 1;
      if (tops.size > 1 || clipped) out.push(`${el.dataset.testid ?? el.tagName.toLowerCase()} "${el.textContent.trim()}": ${tops.size} lines${clipped ? ', clipped' : ''}`);
    }
    return out;
  });
}

describeBrowser('一网通办 window screen on a tablet: every button label on one line, upright and on its side, in Chinese and in English', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('the queue, the bookings (签到), the skipped tickets (重呼), the ticket called, the record form and the rating card', async () => {
    const db = suite.server.db;
    const point = await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    // Bookings later today at the committee's window, whatever the time of the run: the 签到 buttons.
    const later = shanghaiNow(10);
    expect(later.day, 'this test books a session later today: it cannot run in the last minutes of a Shanghai day').toBe(shanghaiNow(0).day);
    await db.insertInto('service_point_sessions').values({ id: newId(), point_id: point.id, weekday: later.weekday, starts: later.hhmm, ends: '23:59', capacity: 3 }).execute();
    // The item with the longest English name the point offers: the longest booking rows.
    const offered = await db.selectFrom('service_point_items as pi').innerJoin('service_item_versions as v', 'v.item_id', 'pi.item_id')
      .select(['pi.item_id', 'v.name_en']).where('pi.point_id', '=', point.id).execute();
    const item = offered.sort((a, b) => (b.name_en ?? '').length - (a.name_en ?? '').length)[0]!;
    const tablet = await newContext(suite.browser, suite.server.url, { viewport: SIZES[1]!, hasTouch: true });
    for (const [name, phone] of [['王芳', '13912340001'], ['李娜', '13912340002']]) {
      const res = await tablet.request.post('/api/public/appointments', { data: { pointId: point.id, itemId: item.item_id, day: later.day, starts: later.hhmm, name, phone } });
      expect(res.status(), await res.text()).toBe(201);
    }

    const staff = await tablet.newPage();
    const problems = pageProblems(staff);
    await signInThroughForm(staff, 'cadre01');
    await staff.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await staff.goto('/services/window');
    await eventually(() => staff.getByTestId('check-in').count()).toBe(2);
    // Three walk-ins; the first called does not answer (过号, so 重呼 shows), the next is called.
    const walkIn = staff.getByTestId('walk-in-item');
    await eventually(() => walkIn.locator('option').count()).toBeGreaterThan(2);
    await walkIn.selectOption({ index: 1 });
    for (let i = 1; i <= 3; i++) {
      await staff.getByTestId('walk-in').tap();
      await eventually(() => staff.getByTestId('waiting-ticket').count()).toBe(i);
    }
    await staff.getByTestId('call-next').tap();
    await staff.getByTestId('ticket-skip').tap();
    await staff.getByTestId('skipped-ticket').first().waitFor();
    await staff.getByTestId('call-next').tap();
    await staff.getByTestId('ticket-start').waitFor();

    const everyWay = async (state: string) => {
      const broken: string[] = [];
      for (const lang of ['zh', 'en']) {
        for (const size of SIZES) {
          await staff.setViewportSize(size);
          broken.push(...(await brokenLabels(staff)).map((b) => `${state}, ${lang}, ${size.width}×${size.height}: ${b}`));
        }
        await staff.getByTestId('lang-switch').tap();
      }
      return broken;
    };
    // The ticket called (开始办理 / 过号), with the queue, the skipped tickets and the bookings beside it.
    expect(await staff.getByTestId('ticket-recall').count()).toBe(1);
    const called = await everyWay('called');
    // Being served: the record form, its results and 完成服务.
    await staff.getByTestId('ticket-start').tap();
    await staff.getByTestId('record-form').waitFor();
    const serving = await everyWay('serving');
    // The record made: its result (办结 or 转办, 不予受理, 退件) and 完成服务.
    await recordOnWindowScreen(staff, { idNumber: withCheckDigit('31010519850101006'), nameIfEmpty: '钱伟' });
    const recorded = await everyWay('recorded');
    // Decided and finished: the rating QR card and its 叫下一位.
    await staff.getByTestId('record-complete').tap();
    await eventually(() => staff.getByTestId('ticket-finish').isDisabled()).toBe(false);
    await staff.getByTestId('ticket-finish').tap();
    await staff.getByTestId('rating-qr-card').waitFor();
    const finished = await everyWay('finished');
    expect([...called, ...serving, ...recorded, ...finished]).toEqual([]);
    expect(problems, problems.join('\n')).toEqual([]);
    await tablet.close();
  });
});
