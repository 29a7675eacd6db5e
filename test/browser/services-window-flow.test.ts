/// <reference lib="dom" />
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { describeBrowser, eventually, newContext, pageProblems, PHONE } from './helpers/browser.js';
import { readSvgQr } from './helpers/qr.js';
import { ensureServicesDemo, recordOnWindowScreen, windowScreen } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

const ID = withCheckDigit('31010519790305002');

/** Shanghai's date, ISO weekday and a wall-clock time some minutes from now. */
function shanghaiNow(plusMinutes: number) {
  const at = new Date(Date.now() + 8 * 3600_000 + plusMinutes * 60_000);
  const day = at.toISOString().slice(0, 10);
  const weekday = at.getUTCDay() === 0 ? 7 : at.getUTCDay();
  return { day, weekday, hhmm: at.toISOString().slice(11, 16) };
}

describeBrowser('一网通办 at the window: a citizen books on a phone, the window serves and records, the citizen rates', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('book → check in → call → record (materials, masked ID) → 办结 → finish → rating QR → rated on the phone', async () => {
    const db = suite.server.db;
    const point = await db.selectFrom('service_points').select(['id', 'name']).where('code', '=', 'YW008-CW01').executeTakeFirstOrThrow();
    // A session later today, whatever the time of the run (the demo's sessions are office hours).
    const later = shanghaiNow(10);
    expect(later.day, 'this test books a session later today: it cannot run in the last minutes of a Shanghai day').toBe(shanghaiNow(0).day);
    await db.insertInto('service_point_sessions').values({ id: newId(), point_id: point.id, weekday: later.weekday, starts: later.hhmm, ends: '23:59', capacity: 3 }).execute();
    const item = await db.selectFrom('service_items').innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
      .select(['service_items.id', 'v.materials']).where('v.name_zh', '=', '居住证签注').executeTakeFirstOrThrow();

    // 1. The citizen books on a phone.
    const phone = await newContext(suite.browser, suite.server.url, PHONE);
    const citizen = await phone.newPage();
    const citizenProblems = pageProblems(citizen);
    await citizen.goto('/point/YW008-CW01');
    await citizen.getByTestId('book').tap();
    await citizen.getByTestId('booking-item').selectOption(item.id);
    const slot = citizen.locator(`[data-testid=slot][data-day="${later.day}"][data-starts="${later.hhmm}"]`);
    await slot.tap();
    await citizen.getByTestId('booking-name').fill('王芳');
    await citizen.getByTestId('booking-phone').fill('13912345678');
    await citizen.getByTestId('booking-submit').tap();
    const booked = citizen.getByTestId('booked');
    await booked.waitFor();
    const code = (await booked.getAttribute('data-code'))!;
    await citizen.getByTestId('booking-link').tap();
    await citizen.getByTestId('booking-view').waitFor();
    expect(await citizen.getByTestId('booking-view').getAttribute('data-status')).toBe('booked');
    expect(await citizen.getByTestId('booking-code').textContent()).toBe(code);
    expect(await citizen.locator('body').textContent()).not.toContain('13912345678');
    // Back on the point's page later, the booking is listed from this phone, with its link; a past one is not.
    const link = new URL(citizen.url()).pathname;
    await citizen.evaluate(() => {
      const kept = JSON.parse(localStorage.getItem('closeloop.public.bookings') ?? '[]') as unknown[];
      const past = { code: 'PAST01', path: '/booking/past-token', pointName: 'x', day: '2020-01-02', starts: '09:00' };
      localStorage.setItem('closeloop.public.bookings', JSON.stringify([...kept, past]));
    });
    await citizen.goto('/point/YW008-CW01');
    const mine = citizen.locator(`[data-testid=my-booking][data-code="${code}"]`);
    await mine.waitFor();
    expect(await mine.locator('a').getAttribute('href')).toBe(link);
    expect(await mine.textContent()).toContain(`${later.day} ${later.hhmm} · 居住证签注`);
    expect(await citizen.getByTestId('my-booking').count()).toBe(1);
    await mine.locator('a').tap();
    await citizen.getByTestId('booking-view').waitFor();
    expect(await citizen.getByTestId('booking-code').textContent()).toBe(code);
    // A second booking, cancelled from this phone, leaves the phone's list; the first stays.
    const second = await citizen.evaluate(async (b) => {
      const res = await fetch('/api/public/appointments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      return (await res.json()) as { token: string; appointment: { code: string } };
    }, { pointId: point.id, itemId: item.id, day: later.day, starts: later.hhmm, name: '王芳', phone: '13912340000' });
    await citizen.evaluate((b) => {
      const kept = JSON.parse(localStorage.getItem('closeloop.public.bookings') ?? '[]') as unknown[];
      localStorage.setItem('closeloop.public.bookings', JSON.stringify([b, ...kept]));
    }, { code: second.appointment.code, path: `/booking/${second.token}`, pointName: point.name, day: later.day, starts: later.hhmm });
    await citizen.goto(`/booking/${second.token}`);
    citizen.once('dialog', (d) => void d.accept());
    await citizen.getByTestId('booking-cancel').tap();
    await eventually(() => citizen.getByTestId('booking-view').getAttribute('data-status')).toBe('cancelled');
    await citizen.goto('/point/YW008-CW01');
    await mine.waitFor();
    expect(await citizen.locator(`[data-testid=my-booking][data-code="${second.appointment.code}"]`).count()).toBe(0);

    // 2. The committee's window (a tablet, landscape): check in, call, start.
    const { tablet, staff, staffProblems } = await windowScreen(suite.browser, suite.server.url);
    const appt = staff.locator(`[data-testid=appointment][data-code="${code}"]`);
    await appt.getByTestId('check-in').tap();
    await staff.locator(`[data-testid=appointment][data-code="${code}"][data-status=checked_in]`).waitFor();
    await staff.getByTestId('waiting-ticket').first().waitFor();
    await staff.getByTestId('call-next').tap();
    const current = staff.getByTestId('current-ticket');
    await current.waitFor();
    const ticketNumber = (await current.getAttribute('data-number'))!;
    expect(ticketNumber).toMatch(/^A\d{3}$/);
    // Nobody answers: 过号. The citizen comes back and the window recalls the ticket (过号重呼).
    await staff.getByTestId('ticket-skip').tap();
    const skippedTicket = staff.locator(`[data-testid=skipped-ticket][data-number="${ticketNumber}"]`);
    await skippedTicket.waitFor();
    expect(await current.count()).toBe(0);
    await skippedTicket.getByTestId('ticket-recall').tap();
    await staff.locator(`[data-testid=current-ticket][data-number="${ticketNumber}"][data-status=called]`).waitFor();
    expect(await staff.getByTestId('skipped-ticket').count()).toBe(0);
    await staff.getByTestId('ticket-start').tap();

    // 3. The 办件: the booked item and its guide version, the applicant's name from the booking, every material received.
    await staff.getByTestId('record-form').waitFor();
    expect(await staff.getByTestId('record-item').inputValue()).toBe(item.id);
    expect(await staff.getByTestId('record-name').inputValue()).toBe('王芳');
    const number = await recordOnWindowScreen(staff, { idNumber: ID });
    expect(await staff.getByTestId('record-id-masked').textContent()).toContain(`${ID.slice(0, 3)}`);
    expect(await staff.locator('body').textContent()).not.toContain(ID);
    await staff.getByTestId('record-complete').tap();
    await staff.locator('[data-testid=record][data-status=completed]').waitFor();
    await staff.getByTestId('ticket-finish').tap();

    // 4. The rating QR for the finished service: it opens this record's rating page.
    const qr = staff.getByTestId('rating-qr');
    await qr.waitFor();
    const rateUrl = await readSvgQr(qr);
    expect(rateUrl).toMatch(new RegExp(`^${suite.server.url}/rate/[A-Za-z0-9_-]{16,}$`));
    const row = await db.selectFrom('service_records').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ point_id: point.id, item_id: item.id, status: 'completed', applicant_name: '王芳' });
    const ticket = await db.selectFrom('service_tickets').selectAll().where('id', '=', row.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ number: ticketNumber, status: 'done', record_id: row.id, source: 'appointment' });
    expect(ticket.called_at && ticket.started_at && ticket.finished_at).toBeTruthy();

    // 5. The citizen scans it and rates the service.
    await citizen.goto(rateUrl!);
    expect(await citizen.getByTestId('rate-number').textContent()).toBe(number);
    await citizen.getByTestId('level-5').tap();
    await citizen.getByTestId('skill-5').tap();
    await citizen.getByTestId('rate-submit').tap();
    await citizen.getByTestId('rate-sent').waitFor();
    const rating = await db.selectFrom('service_ratings').selectAll().where('record_id', '=', row.id).executeTakeFirstOrThrow();
    expect(rating).toMatchObject({ level: 5, channel: 'qr', staff_id: row.staff_id });

    expect(citizenProblems, citizenProblems.join('\n')).toEqual([]);
    expect(staffProblems, staffProblems.join('\n')).toEqual([]);
    await phone.close();
    await tablet.close();
  });

  it('a reload mid-service shows the record already made for the ticket: it is decided and the service finished, not recorded twice', async () => {
    const db = suite.server.db;
    const { tablet, staff, staffProblems } = await windowScreen(suite.browser, suite.server.url);
    // A walk-in, called and started.
    const walkIn = staff.getByTestId('walk-in-item');
    await eventually(() => walkIn.locator('option').count()).toBeGreaterThan(1);
    await walkIn.selectOption({ index: 1 });
    await staff.getByTestId('walk-in').tap();
    await staff.getByTestId('waiting-ticket').first().waitFor();
    await staff.getByTestId('call-next').tap();
    await staff.getByTestId('ticket-start').tap();
    await staff.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    const ticketNumber = (await staff.getByTestId('current-ticket').getAttribute('data-number'))!;
    // Nothing recorded yet: 完成服务 says why it cannot be pressed.
    await staff.getByTestId('record-form').waitFor();
    expect(await staff.getByTestId('ticket-finish').isDisabled()).toBe(true);
    expect(await staff.getByTestId('ticket-finish-why').textContent()).toBe('先登记办件');
    const number = await recordOnWindowScreen(staff, { idNumber: withCheckDigit('31010519820714003'), nameIfEmpty: '周敏' });
    expect(await staff.getByTestId('ticket-finish-why').textContent()).toBe('先办结或移交后台');

    // The tablet reloads: the same ticket, its record (not an empty form), still to be decided.
    await staff.reload();
    await staff.locator(`[data-testid=current-ticket][data-number="${ticketNumber}"][data-status=serving]`).waitFor();
    await staff.locator(`[data-testid=record][data-number="${number}"][data-status=accepted]`).waitFor();
    expect(await staff.getByTestId('record-form').count()).toBe(0);
    expect(await staff.getByTestId('ticket-finish').isDisabled()).toBe(true);
    expect(await staff.getByTestId('ticket-finish-why').textContent()).toBe('先办结或移交后台');
    await staff.getByTestId('record-complete').tap();
    await staff.locator('[data-testid=record][data-status=completed]').waitFor();
    expect(await staff.getByTestId('ticket-finish-why').count()).toBe(0);
    await staff.getByTestId('ticket-finish').tap();
    // The rating QR code of this record, kept through the reload.
    const rateUrl = await readSvgQr(staff.getByTestId('rating-qr'));
    expect(rateUrl).toMatch(new RegExp(`^${suite.server.url}/rate/[A-Za-z0-9_-]{16,}$`));

    const record = await db.selectFrom('service_records').select(['id', 'status', 'ticket_id']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(record.status).toBe('completed');
    const ticket = await db.selectFrom('service_tickets').select(['number', 'status', 'record_id']).where('id', '=', record.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ number: ticketNumber, status: 'done', record_id: record.id });
    expect(await db.selectFrom('service_records').select('id').where('ticket_id', '=', record.ticket_id!).execute()).toHaveLength(1);
    const rating = await (await tablet.request.get(rateUrl!.replace('/rate/', '/api/public/rate/'))).json() as { number: string };
    expect(rating.number).toBe(number);
    expect(staffProblems, staffProblems.join('\n')).toEqual([]);
    await tablet.close();
  });
});
