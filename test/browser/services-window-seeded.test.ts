/// <reference lib="dom" />
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { compareQueue } from '../../src/domain/service-queue/tickets.js';
import { describeBrowser, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { midMorning, recordOnWindowScreen, windowScreen } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser('一网通办 window screen on the seeded demo: today\'s queue and bookings as the database has them, then one ticket called, served and finished', () => {
  const suite = browserSuite({}, { clock: midMorning, services: true });

  it('shows the seeded queue and bookings of the clerk\'s point; check-in → call → start → record → decide → finish agree with the database', async () => {
    const db = suite.server.db;
    const today = shanghaiDate(suite.server.clock.now());
    const nowIso = () => suite.server.clock.now().toISOString();
    // A window clerk (the screen opens on their only point) whose point has bookings still to come
    // today — a committee window's when one has (their visits are few: on some days none is left
    // after mid-morning), else a building window's or the centre's —
    // still to come today, with no ticket of their own being served.
    const candidates = await db
      .selectFrom('service_point_staff as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('service_points as p', 'p.id', 's.point_id')
      .select(['u.id as userId', 'u.username', 'p.id as pointId'])
      .where('p.kind', 'in', ['committee_window', 'building_window', 'centre'])
      .where('p.status', '=', 'built')
      .where('u.status', '=', 'active')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('service_point_staff as o').select('o.point_id').whereRef('o.user_id', '=', 's.user_id').whereRef('o.point_id', '!=', 's.point_id'))))
      .where((eb) => eb.exists(eb.selectFrom('service_appointments as a').select('a.id').whereRef('a.point_id', '=', 'p.id').where('a.day', '=', today).where('a.status', '=', 'booked').where('a.slot_start_at', '>', nowIso())))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('service_tickets as t').select('t.id').whereRef('t.called_by', '=', 'u.id').where('t.day', '=', today).where('t.status', 'in', ['called', 'serving']))))
      .orderBy(sql`case p.kind when 'committee_window' then 0 when 'building_window' then 1 else 2 end`)
      .orderBy('p.code')
      .orderBy('u.username')
      .execute();
    expect(candidates.length, `the demo seeds windows with bookings later on ${today}`).toBeGreaterThan(0);
    const clerk = candidates[0]!;

    const { tablet, staff, staffProblems } = await windowScreen(suite.browser, suite.server.url, clerk.username);
    await staff.getByTestId('window-page').waitFor();
    // The point is chosen once the clerk's points have loaded (the page shows before they do).
    await expect.poll(() => staff.getByTestId('window-point').inputValue()).toBe(clerk.pointId);

    // Today's queue and bookings (booked, checked in, no-shows, cancelled), as the database has them.
    const waitingNow = () => db.selectFrom('service_tickets').selectAll().where('point_id', '=', clerk.pointId).where('day', '=', today).where('status', '=', 'waiting').execute();
    const inQueueOrder = async () => (await waitingNow()).sort(compareQueue(nowIso())).map((t) => t.number);
    const tickets = staff.getByTestId('waiting-ticket');
    const shownQueue = () => tickets.evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
    const seededQueue = await inQueueOrder();
    await expect.poll(shownQueue).toEqual(seededQueue);
    const appointments = await db.selectFrom('service_appointments').select(['id', 'code', 'status', 'slot_start_at']).where('point_id', '=', clerk.pointId).where('day', '=', today).orderBy('slot_start_at').execute();
    const booked = staff.getByTestId('appointment');
    const shownBookings = () => booked.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-code')} ${e.getAttribute('data-status')}`).sort());
    await expect.poll(shownBookings).toEqual(appointments.map((a) => `${a.code} ${a.status}`).sort());

    // The next booked citizen arrives: checked in from the screen, their ticket joins the queue.
    const arriving = appointments.find((a) => a.status === 'booked' && a.slot_start_at > nowIso())!;
    await staff.locator(`[data-testid=appointment][data-code="${arriving.code}"]`).getByTestId('check-in').tap();
    await staff.locator(`[data-testid=appointment][data-code="${arriving.code}"][data-status=checked_in]`).waitFor();
    const ticketOf = await db.selectFrom('service_tickets').selectAll().where('appointment_id', '=', arriving.id).executeTakeFirstOrThrow();
    expect(ticketOf).toMatchObject({ status: 'waiting', source: 'appointment', point_id: clerk.pointId, day: today });
    const queue = await inQueueOrder();
    expect([...queue].sort()).toEqual([...seededQueue, ticketOf.number].sort());
    await expect.poll(shownQueue).toEqual(queue);

    // 叫号: the first of the queue is called by this clerk.
    await staff.getByTestId('call-next').tap();
    const current = staff.getByTestId('current-ticket');
    await current.waitFor();
    const number = (await current.getAttribute('data-number'))!;
    expect(number).toBe(queue[0]);
    const called = await db.selectFrom('service_tickets').selectAll().where('point_id', '=', clerk.pointId).where('day', '=', today).where('number', '=', number).executeTakeFirstOrThrow();
    expect(called).toMatchObject({ status: 'called', called_by: clerk.userId });
    await expect.poll(shownQueue).toEqual(queue.slice(1));

    // Start, record the service (every material received), decide it, finish.
    await staff.getByTestId('ticket-start').tap();
    await staff.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    expect(await db.selectFrom('service_tickets').select(['status', 'started_at']).where('id', '=', called.id).executeTakeFirstOrThrow()).toMatchObject({ status: 'serving', started_at: expect.any(String) });
    await staff.getByTestId('record-form').waitFor();
    expect(await staff.getByTestId('record-item').inputValue()).toBe(called.item_id);
    const recordNumber = await recordOnWindowScreen(staff, { idNumber: withCheckDigit('31010519800412003'), nameIfEmpty: '陈建国' });
    const complete = staff.getByTestId('record-complete');
    const decided = (await complete.count()) ? 'completed' : 'handed_off';
    await (decided === 'completed' ? complete : staff.getByTestId('record-hand-off')).tap();
    await staff.locator(`[data-testid=record][data-status=${decided}]`).waitFor();
    await staff.getByTestId('ticket-finish').tap();
    await staff.getByTestId('rating-qr').waitFor();

    const row = await db.selectFrom('service_records').selectAll().where('number', '=', recordNumber).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ point_id: clerk.pointId, item_id: called.item_id, ticket_id: called.id, staff_id: clerk.userId, status: decided });
    const done = await db.selectFrom('service_tickets').selectAll().where('id', '=', called.id).executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: 'done', record_id: row.id });
    expect(Date.parse(done.finished_at!)).toBeGreaterThanOrEqual(Date.parse(done.started_at!));
    // The rest of the queue is still waiting, on screen and in the database.
    expect(await inQueueOrder()).toEqual(queue.slice(1));
    await expect.poll(shownQueue).toEqual(queue.slice(1));

    expect(staffProblems, staffProblems.join('\n')).toEqual([]);
    await tablet.close();
  });

  it('the console\'s queue and service times show the seeded figures as the API answers them: a day across points, a point across days, by item', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-yw-figures');
    await page.getByTestId('yw-figures').waitFor();
    const day = await page.getByTestId('yw-fig-day').inputValue();
    type Row = { pointId: string; itemId: string | null; day: string; tickets: number; served: number; waitMedianS: number | null };
    const figures = async (q: string) => (await (await page.request.get(`/api/services/reports/waiting-times?limit=1000&${q}`)).json()) as { byPoint: Row[]; byItem: Row[] };
    const rows = page.locator('[data-testid=yw-figures] tbody tr');
    const cells = async (id: string) => (await page.getByTestId(id).locator('td').allTextContents()).map((c) => c.trim());

    // A day across the points: one row per point the API names, tickets and served as it counts them.
    const ofDay = (await figures(`from=${day}&to=${day}`)).byPoint;
    expect(ofDay.length, `the seed has a queue on ${day}`).toBeGreaterThan(3);
    await expect.poll(() => rows.count()).toBe(ofDay.length);
    for (const r of ofDay) {
      const c = await cells(`yw-fig-${r.pointId}-${r.day}`);
      expect(Number.parseInt(c[1]!, 10)).toBe(r.tickets);
      expect(Number.parseInt(c[2]!, 10)).toBe(r.served);
      expect(c[4] === '—').toBe(r.waitMedianS === null);
    }

    // One point (the busiest of the day) across the last seven days, then by item.
    const busiest = [...ofDay].sort((a, b) => b.tickets - a.tickets)[0]!;
    await page.getByTestId('yw-fig-point').selectOption(busiest.pointId);
    const from = await page.getByTestId('yw-fig-from').inputValue();
    const to = await page.getByTestId('yw-fig-to').inputValue();
    const week = await figures(`from=${from}&to=${to}&pointId=${busiest.pointId}`);
    const rowIds = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')));
    // The point's days, newest first.
    await expect.poll(rowIds).toEqual([...week.byPoint].sort((a, b) => (a.day < b.day ? 1 : -1)).map((r) => `yw-fig-${r.pointId}-${r.day}`));
    await page.getByTestId('yw-fig-by-item').check();
    await expect.poll(async () => (await rowIds()).sort()).toEqual(week.byItem.map((r) => `yw-fig-${r.pointId}-${r.day}-${r.itemId}`).sort());
    const item = week.byItem[0]!;
    const c = await cells(`yw-fig-${item.pointId}-${item.day}-${item.itemId}`);
    expect(c[1]).not.toBe(item.itemId);
    expect(c[1]!.length).toBeGreaterThan(1);
    await ctx.close();
  });

  it('the console\'s appointments: a day\'s bookings across the points as the API lists them, by status, and one found by its code', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-yw-appointments');
    await page.getByTestId('yw-appointments-page').waitFor();
    // The last working day before the server's clock: every booking of it is settled (checked in, no-show or cancelled).
    const seededDay = await suite.server.db.selectFrom('service_appointments').select('day').where('status', '=', 'no_show').orderBy('day', 'desc').limit(1).executeTakeFirstOrThrow();
    await page.getByTestId('yw-appt-day').fill(seededDay.day);
    await page.getByTestId('yw-appt-day').press('Enter');
    type Booking = { code: string; status: string };
    const listed = async (q: string) => ((await (await page.request.get(`/api/services/appointments?limit=2000&${q}`)).json()) as { items: Booking[] }).items;
    const all = await listed(`day=${seededDay.day}`);
    expect(all.length).toBeGreaterThan(3);
    const rows = page.locator('[data-testid=yw-appointments] tbody tr');
    await expect.poll(() => rows.count()).toBe(all.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual(all.map((a) => `yw-appt-${a.code}`));
    await page.getByTestId('yw-appt-status').selectOption('no_show');
    const noShows = all.filter((a) => a.status === 'no_show');
    await expect.poll(() => rows.count()).toBe(noShows.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual(noShows.map(() => 'no_show'));
    // A booking code finds that one booking, whatever the day and status chosen.
    const one = all.find((a) => a.status === 'checked_in') ?? all[0]!;
    await page.getByTestId('yw-appt-code').fill(one.code.toLowerCase());
    await page.getByTestId('yw-appt-code').press('Enter');
    // (the no-show list may hold one row too: wait for the booking itself)
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual([`yw-appt-${one.code}`]);
    // With a code the day, point and status do not apply: they are off, and the page says why.
    for (const id of ['yw-appt-day', 'yw-appt-point', 'yw-appt-status']) expect(await page.getByTestId(id).isDisabled()).toBe(true);
    await page.getByTestId('yw-appt-code-why').waitFor();
    expect(await rows.first().textContent()).toMatch(/\d{3}\*{4}\d{4}/);
    await ctx.close();
  });
});
