/// <reference lib="dom" />
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { describeBrowser, eventually } from './helpers/browser.js';
import { ensureServicesDemo, recordOnWindowScreen, windowScreen } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser('一网通办 at the window: the applicant needs another item than the ticket was taken for', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('the clerk switches the called ticket to another item; the record is made for it and the switch is kept', async () => {
    const db = suite.server.db;
    const { tablet, staff, staffProblems } = await windowScreen(suite.browser, suite.server.url);
    const walkIn = staff.getByTestId('walk-in-item');
    await eventually(() => walkIn.locator('option').count()).toBeGreaterThan(2);
    await walkIn.selectOption({ index: 1 });
    const taken = await walkIn.inputValue();
    await staff.getByTestId('walk-in').tap();
    await staff.getByTestId('waiting-ticket').first().waitFor();
    await staff.getByTestId('call-next').tap();
    await staff.locator(`[data-testid=current-item][data-item="${taken}"]`).waitFor();
    const number = (await staff.getByTestId('current-ticket').getAttribute('data-number'))!;

    // 改办其他事项: the choice excludes the ticket's own item; nothing chosen, the button says why.
    await staff.getByTestId('switch-item').locator('summary').tap();
    const choice = staff.getByTestId('switch-item-select');
    expect(await choice.locator(`option[value="${taken}"]`).count()).toBe(0);
    expect(await staff.getByTestId('switch-item-submit').isDisabled()).toBe(true);
    await choice.selectOption({ index: 1 });
    const served = await choice.inputValue();
    expect(served).not.toBe(taken);
    await staff.getByTestId('switch-item-submit').tap();
    await staff.locator(`[data-testid=current-item][data-item="${served}"]`).waitFor();
    await staff.getByTestId('issued-item').waitFor();

    await staff.getByTestId('ticket-start').tap();
    await staff.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    await staff.getByTestId('record-form').waitFor();
    expect(await staff.getByTestId('record-item').inputValue()).toBe(served);
    const recordNumber = await recordOnWindowScreen(staff, { idNumber: withCheckDigit('31010519820714003'), nameIfEmpty: '周敏' });
    // Once recorded, the item is the record's: no more switching.
    expect(await staff.getByTestId('switch-item').count()).toBe(0);

    const record = await db.selectFrom('service_records').select(['item_id', 'ticket_id']).where('number', '=', recordNumber).executeTakeFirstOrThrow();
    expect(record.item_id).toBe(served);
    const ticket = await db.selectFrom('service_tickets').select(['id', 'number', 'item_id', 'issued_item_id']).where('id', '=', record.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ number, item_id: served, issued_item_id: taken });
    const changes = await db.selectFrom('service_ticket_item_changes').select(['from_item_id', 'to_item_id', 'ticket_status']).where('ticket_id', '=', ticket.id).execute();
    expect(changes).toEqual([{ from_item_id: taken, to_item_id: served, ticket_status: 'called' }]);
    expect(staffProblems, staffProblems.join('\n')).toEqual([]);
    await tablet.close();
  });
});
