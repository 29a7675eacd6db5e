/// <reference lib="dom" />
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { describeBrowser, eventually, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { ensureServicesDemo } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

/** The committee window's tablet held upright. */
const PORTRAIT = { viewport: { width: 768, height: 1024 }, hasTouch: true };

describeBrowser('一网通办 window screen on a tablet held upright: the queue, the record form and its result', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('another item chosen in the record form switches the ticket and keeps what was typed; the record is made; the result controls keep their size', async () => {
    const db = suite.server.db;
    const tablet = await newContext(suite.browser, suite.server.url, PORTRAIT);
    const staff = await tablet.newPage();
    const problems = pageProblems(staff);
    await signInThroughForm(staff, 'cadre01');
    await staff.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await staff.goto('/services/window');

    // A walk-in for the first item the point offers: in the queue, its name beside its number.
    const walkIn = staff.getByTestId('walk-in-item');
    await eventually(() => walkIn.locator('option').count()).toBeGreaterThan(2);
    await walkIn.selectOption({ index: 1 });
    const taken = await walkIn.inputValue();
    await staff.getByTestId('walk-in').tap();
    const row = staff.getByTestId('waiting-ticket').last();
    await row.waitFor();
    const numberBox = (await row.locator('strong').boundingBox())!;
    const itemBox = (await row.getByTestId('waiting-item').boundingBox())!;
    expect(itemBox.x - (numberBox.x + numberBox.width), 'the item name follows the ticket number').toBeLessThan(24);

    // A second walk-in; the first called does not answer (过号): while the second is served, 重呼 says why it waits.
    await staff.getByTestId('walk-in').tap();
    await eventually(() => staff.getByTestId('waiting-ticket').count()).toBeGreaterThan(1);
    await staff.getByTestId('call-next').tap();
    await staff.getByTestId('ticket-skip').tap();
    await staff.getByTestId('skipped-ticket').first().waitFor();
    expect(await staff.getByTestId('ticket-recall-why').count()).toBe(0);
    await staff.getByTestId('call-next').tap();
    await staff.getByTestId('current-ticket').waitFor();
    expect(await staff.getByTestId('ticket-recall').first().isDisabled()).toBe(true);
    expect(await staff.getByTestId('ticket-recall-why').textContent()).toContain('先完成当前的');
    await staff.getByTestId('ticket-start').tap();
    await staff.getByTestId('record-form').waitFor();
    const ticketNumber = (await staff.getByTestId('current-ticket').getAttribute('data-number'))!;

    // The clerk types the applicant, then finds the applicant needs another item: chosen in the form.
    const id = withCheckDigit('31010519850101006');
    await staff.getByTestId('record-name').fill('钱伟');
    await staff.getByTestId('record-id').fill(id);
    // An item decided at the window (直接受理), so the result offers 办结 with a delivery choice.
    const point = await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    const { item_id: other } = await db.selectFrom('service_point_items as pi').innerJoin('service_item_versions as v', 'v.item_id', 'pi.item_id')
      .select('pi.item_id').where('pi.point_id', '=', point.id).where('v.mode', '=', 'direct').where('pi.item_id', '!=', taken)
      .orderBy('v.name_zh').executeTakeFirstOrThrow();
    await staff.getByTestId('record-item').selectOption(other);
    // The ticket is switched to it (the server records only a ticket's own item) ...
    await staff.locator(`[data-testid=current-item][data-item="${other}"]`).waitFor();
    await eventually(async () => (await db.selectFrom('service_tickets').select(['item_id', 'issued_item_id']).where('number', '=', ticketNumber).where('item_id', '=', other).execute()).length).toBe(1);
    expect(await staff.getByTestId('record-item').inputValue()).toBe(other);
    // ... and what was typed is still there.
    expect(await staff.getByTestId('record-name').inputValue()).toBe('钱伟');
    expect(await staff.getByTestId('record-id').inputValue()).toBe(id);

    const materials = staff.getByTestId('material');
    for (let i = 0; i < (await materials.count()); i++) await materials.nth(i).getByTestId('material-received').tap();
    await staff.getByTestId('record-submit').tap();
    const record = staff.getByTestId('record');
    await record.waitFor();
    expect(await staff.getByTestId('record-error').count()).toBe(0);
    const made = await db.selectFrom('service_records').select(['item_id']).where('number', '=', (await record.getAttribute('data-number'))!).executeTakeFirstOrThrow();
    expect(made.item_id).toBe(other);

    // Not accepting or sending back needs a reason, and the screen says so until one is typed.
    expect(await staff.getByTestId('record-not-accept').isDisabled()).toBe(true);
    expect(await staff.getByTestId('record-reason-why').textContent()).toBe('不予受理或退件须填写原因');
    await staff.getByTestId('record-reason').fill('材料不齐');
    expect(await staff.getByTestId('record-reason-why').count()).toBe(0);
    expect(await staff.getByTestId('record-send-back').isDisabled()).toBe(false);
    await staff.getByTestId('record-reason').fill('');

    // The result: the delivery choice is a field's height, not stretched down the row.
    const delivery = (await staff.getByTestId('record-delivery').boundingBox())!;
    expect(delivery.height).toBeLessThan(80);
    expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    expect(problems, problems.join('\n')).toEqual([]);
    await tablet.close();
  });
});
