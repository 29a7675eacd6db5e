import type { Db } from '../../../src/db/index.js';
import { addDays, shanghaiDate } from '../../../src/domain/calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../../../src/domain/calendar/working-days.js';
import { seedServicesDemo } from '../../../src/domain/demo/seed-services.js';
import { isoWeekday, slotInstant } from '../../../src/domain/service-queue/slots.js';
import type { Clock } from '../../../src/domain/shared/clock.js';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, newContext, pageProblems, signInThroughForm } from './browser.js';
import type { RunningServer } from './server.js';

/**
 * The server's clock: 10:30 Shanghai on the next working weekday, running at real speed from
 * there, so the seeded front office is mid-morning whatever the hour of the run.
 */
export async function midMorning(db: Db): Promise<Clock> {
  let day = addDays(shanghaiDate(new Date()), 1);
  const overrides = await loadOverrides(db, day, addDays(day, 60), null);
  while (isoWeekday(day) > 5 || !isWorkingDay(day, overrides)) day = addDays(day, 1);
  const offset = slotInstant(day, '10:30').getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** The 一网通办 demo (catalogue, grids, network, window staff) on the browser server, once. */
export async function ensureServicesDemo(server: RunningServer): Promise<void> {
  const seeded = await server.db.selectFrom('service_categories').select('id').limit(1).executeTakeFirst();
  if (!seeded) await seedServicesDemo(server.db, server.clock, { password: DEMO_PASSWORD });
}

/** The point a window clerk staffs and a direct (直接受理) item it offers, with every material received. */
export async function windowService(server: RunningServer, username: string) {
  const point = await server.db
    .selectFrom('service_point_staff')
    .innerJoin('users', 'users.id', 'service_point_staff.user_id')
    .innerJoin('service_points', 'service_points.id', 'service_point_staff.point_id')
    .select(['service_points.id', 'service_points.name', 'users.id as userId'])
    .where('users.username', '=', username)
    .where('service_points.status', '=', 'built')
    .orderBy('service_points.code')
    .executeTakeFirstOrThrow();
  const item = await server.db
    .selectFrom('service_point_items')
    .innerJoin('service_item_versions as v', 'v.item_id', 'service_point_items.item_id')
    .select(['v.item_id', 'v.name_zh', 'v.materials'])
    .where('service_point_items.point_id', '=', point.id)
    .where('v.mode', '=', 'direct')
    .where('v.materials', '!=', '[]')
    .orderBy('v.name_zh')
    .executeTakeFirstOrThrow();
  const materials = (JSON.parse(item.materials) as unknown[]).map((_, index) => ({ index, received: true, deferred: false }));
  return { point, item: { id: item.item_id, name: item.name_zh }, materials };
}

/** Records a service through the API as a window clerk; answers the record and its rating link token. */
export async function recordAtWindow(
  server: RunningServer,
  browser: Browser,
  username: string,
  applicant: { name: string; idNumber: string; phone: string | null },
) {
  const { point, item, materials } = await windowService(server, username);
  const ctx = await newContext(browser, server.url);
  try {
    const signIn = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
    if (signIn.status() !== 200) throw new Error(`sign-in ${username}: ${signIn.status()}`);
    const res = await ctx.request.post('/api/services/records', { data: { pointId: point.id, itemId: item.id, applicant, materials } });
    if (res.status() !== 201) throw new Error(`record: ${res.status()} ${await res.text()}`);
    const out = (await res.json()) as { record: { id: string; number: string }; ratingToken: string };
    return { ...out, point, item };
  } finally {
    await ctx.close();
  }
}

/** A window tablet, landscape with touch, as the committee's window staff hold it. */
export const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true };

/** The window screen on a tablet, signed in as `username` (the page's console problems collected). */
export async function windowScreen(browser: Browser, baseUrl: string, username = 'cadre01') {
  const tablet = await newContext(browser, baseUrl, TABLET);
  const staff = await tablet.newPage();
  const staffProblems = pageProblems(staff);
  await signInThroughForm(staff, username);
  await staff.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await staff.goto('/services/window');
  return { tablet, staff, staffProblems };
}

/**
 * On the window screen, the 办件 of the ticket being served: the applicant's name where the booking
 * gave none, the ID number, every material ticked received (by touch, as on the tablet); then
 * submitted. Answers the new record's number.
 */
export async function recordOnWindowScreen(staff: Page, o: { idNumber: string; nameIfEmpty?: string }): Promise<string> {
  await staff.getByTestId('record-form').waitFor();
  const name = staff.getByTestId('record-name');
  if (o.nameIfEmpty && !(await name.inputValue())) await name.fill(o.nameIfEmpty);
  await staff.getByTestId('record-id').fill(o.idNumber);
  const materials = staff.getByTestId('material');
  for (let i = 0; i < (await materials.count()); i++) {
    const received = materials.nth(i).getByTestId('material-received');
    await received.tap();
    if (!(await received.isChecked())) throw new Error(`material ${i + 1}: not ticked received after a tap`);
  }
  await staff.getByTestId('record-submit').tap();
  const record = staff.getByTestId('record');
  await record.waitFor();
  return (await record.getAttribute('data-number'))!;
}
