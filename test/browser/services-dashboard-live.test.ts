/// <reference lib="dom" />
import { beforeAll, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, pageProblems, PHONE, signInThroughForm } from './helpers/browser.js';
import { readSvgQr } from './helpers/qr.js';
import { saveShot, SHOTS } from './helpers/shots.js';
import { ensureServicesDemo, windowScreen, windowService } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';
import type { Page } from 'playwright-core';

const ID = withCheckDigit('31010519850607003');
/** "Within a couple of seconds" on a shared, loaded test machine. */
const LIVE_MS = 5_000;
const live = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: LIVE_MS, interval: 50 });
const figure = (page: Page, key: string) => page.getByTestId(`svc-${key}`).locator('b').textContent();

describeBrowser('一网通办 live: the operations centre sees the window work and the rating without a reload', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('a walk-in served and recorded at the window, then rated 差评 on a phone, moves the open dashboard\'s board; the window screen hears of a ticket issued elsewhere', async () => {
    const { point, item } = await windowService(suite.server, 'cadre01');

    // 1. The operations centre's dashboard, open and live.
    const desk = await newContext(suite.browser, suite.server.url);
    const dash = await desk.newPage();
    const dashProblems = pageProblems(dash);
    await signInThroughForm(dash, 'operator');
    await dash.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await dash.goto('/dashboard');
    await eventually(() => dash.getByTestId('dash-live').getAttribute('class')).toContain('on');
    await eventually(() => figure(dash, 'acceptedToday')).toMatch(/^\d+$/);
    const before = { accepted: Number(await figure(dash, 'acceptedToday')), finished: Number(await figure(dash, 'finishedToday')), bad: Number(await figure(dash, 'badOpen')) };
    // A mark on the page: still there at the end means the page never reloaded.
    await dash.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // 2. The window screen on a tablet, listening.
    const { tablet, staff, staffProblems } = await windowScreen(suite.browser, suite.server.url);
    await eventually(() => staff.getByTestId('window-live').getAttribute('data-live')).toBe('on');
    if ((await staff.getByTestId('window-point').inputValue()) !== point.id) await staff.getByTestId('window-point').selectOption(point.id);

    // 3. A ticket issued from elsewhere (the hall's ticket machine, another window) appears on the screen by itself.
    const machine = await newContext(suite.browser, suite.server.url);
    expect((await machine.request.post('/api/auth/sign-in', { data: { username: 'cadre01', password: DEMO_PASSWORD } })).status()).toBe(200);
    const issued = await machine.request.post('/api/services/queue/tickets', { data: { pointId: point.id, itemId: item.id } });
    expect(issued.status(), await issued.text()).toBe(201);
    const ticket = (await issued.json()) as { number: string };
    await live(() => staff.locator(`[data-testid=waiting-ticket][data-number="${ticket.number}"]`).count()).toBe(1);

    // 4. Call, serve, record: the board counts the record accepted today.
    await staff.getByTestId('call-next').first().tap();
    await staff.getByTestId('current-ticket').waitFor();
    await staff.getByTestId('ticket-start').tap();
    await staff.getByTestId('record-form').waitFor();
    await staff.getByTestId('record-item').selectOption(item.id);
    await staff.getByTestId('record-name').fill('赵敏');
    await staff.getByTestId('record-id').fill(ID);
    const materials = staff.getByTestId('material');
    for (let i = 0; i < (await materials.count()); i++) {
      const box = materials.nth(i).getByTestId('material-received');
      if (!(await box.isChecked())) await box.tap();
    }
    await staff.getByTestId('record-submit').tap();
    await staff.getByTestId('record').waitFor();
    await live(() => figure(dash, 'acceptedToday')).toBe(String(before.accepted + 1));

    // 5. 办结 and finish: the board counts it finished, and the point's waiting time appears.
    await staff.getByTestId('record-complete').tap();
    await staff.locator('[data-testid=record][data-status=completed]').waitFor();
    await staff.getByTestId('ticket-finish').tap();
    await live(() => figure(dash, 'finishedToday')).toBe(String(before.finished + 1));
    await live(() => dash.locator(`[data-testid=svc-wait-row][data-point="${point.id}"]`).count()).toBe(1);

    // 6. The citizen scans the QR code and gives a 差评: it is an open 差评 on the board at once.
    const rateUrl = await readSvgQr(staff.getByTestId('rating-qr'));
    const phone = await newContext(suite.browser, suite.server.url, PHONE);
    const citizen = await phone.newPage();
    await citizen.goto(rateUrl!);
    await citizen.getByTestId('level-1').tap();
    // A 差评 is sent with its reason.
    await citizen.getByTestId('rate-comment').fill('排队时没有人叫号，等了四十分钟');
    await citizen.getByTestId('rate-submit').tap();
    await citizen.getByTestId('rate-sent').waitFor();
    await live(() => figure(dash, 'badOpen')).toBe(String(before.bad + 1));

    expect(await dash.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    if (SHOTS) await dash.getByTestId('svc-board').screenshot({ path: await saveShot(dash, 'dashboard-services-board') });
    expect(dashProblems, dashProblems.join('\n')).toEqual([]);
    expect(staffProblems, staffProblems.join('\n')).toEqual([]);

    // The wall shows the same board.
    await dash.setViewportSize({ width: 1920, height: 1080 });
    await dash.goto('/dashboard/wall');
    await eventually(() => figure(dash, 'badOpen')).toBe(String(before.bad + 1));
    await saveShot(dash, 'dashboard-wall-services');
    for (const c of [desk, tablet, machine, phone]) await c.close();
  });
});
