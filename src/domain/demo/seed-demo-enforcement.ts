import sharp from 'sharp';
import type { Db } from '../../db/index.js';
import { loadActor } from '../auth/actor.js';
import { isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { openEnforcementCase } from '../enforcement/open-case.js';
import { nextWorkingDay } from '../enforcement/periods.js';
import { recordStep } from '../enforcement/record-step.js';
import { savePhoto } from '../photos/upload.js';
import { ManualClock } from '../shared/clock.js';
import type { FileStore } from '../storage/file-store.js';

/** A site photo for the demo's ladders: a plain shopfront-coloured picture, different per `n`. */
async function demoPhoto(n: number): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 150 + n * 20, g: 120, b: 90 } } }).jpeg({ quality: 80 }).toBuffer();
}

/**
 * Two enforcement ladders in Hongqiao, taken step by step through the same domain functions the
 * officers' phones call, as in the newspaper's story of a shop on 安顺路: a shop without sorting signage that
 * got an order, failed the re-inspection and now has a rectification notice due on the next working
 * day; and a second shop with an order due on the next working day. Deadlines fall on working days
 * of the subdistrict's calendar (a period cannot end on a rest day). The enforcement desk and the
 * field app open on them. Returns the ladders opened (none when the demo's shops or officers are not there).
 */
export async function seedDemoEnforcement(db: Db, files: FileStore, now: Date): Promise<number> {
  const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirst();
  if (!hq) return 0;
  const [users, category, basis, shops] = await Promise.all([
    db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['enforcer1', 'enforcer2']).execute(),
    db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'B0401').executeTakeFirst(),
    db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'SH-DWMR-26-1').executeTakeFirst(),
    db.selectFrom('sites').select(['id', 'name', 'address', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'shop')
      .where('status', '=', 'active').where('responsible_party_id', 'is not', null).where('address', 'like', '安顺路%').orderBy('id').limit(2).execute(),
  ]);
  const e1 = users.find((u) => u.username === 'enforcer1');
  const e2 = users.find((u) => u.username === 'enforcer2');
  if (!e1 || !e2 || !category || !basis || shops.length < 2) return 0;
  const [officer, second] = [await loadActor(db, e1.id), await loadActor(db, e2.id)];
  if (!officer || !second) return 0;
  const env = { files };
  const today = shanghaiDate(now);
  const overrides = await loadOverrides(db, addDays(today, -40), addDays(today, 70), hq.id);
  const working = (date: string) => isWorkingDay(date, overrides);
  const nextWorking = (date: string) => nextWorkingDay(date, working);
  const previousWorking = (date: string) => {
    let d = addDays(date, -1);
    while (!working(d)) d = addDays(d, -1);
    return d;
  };
  // The first ladder's days, back from today: the re-inspection on the last working day, the
  // order's deadline on the working day before it, the order itself on the one before that.
  const reinspectedOn = previousWorking(today);
  const orderDueOn = previousWorking(reinspectedOn);
  const clock = new ManualClock(shanghaiInstant(previousWorking(orderDueOn), '10:30'));
  let n = 0;
  const photo = async () => (await savePhoto(db, clock, officer, files, await demoPhoto(n++))).id;
  const gps = (s: { lng: unknown; lat: unknown }) => ({ lng: Number(s.lng), lat: Number(s.lat), accuracy: 8 });

  // 1. Three working days ago: no signage at all → education and an order due the next working day's afternoon.
  const [shop1, other] = shops as [(typeof shops)[number], (typeof shops)[number]];
  const first = await photo();
  const opened = await openEnforcementCase(db, clock, officer, {
    siteId: shop1.id, categoryId: category.id, gps: gps(shop1), photoIds: [first], legalBasisId: basis.id, facts: '现场检查发现该店未设置任何生活垃圾分类标识',
  });
  let version = (await recordStep(db, clock, env, officer, opened.id, {
    kind: 'order', version: opened.version, coOfficerId: second.userId, gps: gps(shop1), photoIds: [first], educationGiven: true, acknowledgement: 'signed',
    deadlineAt: shanghaiInstant(orderDueOn, '16:00').toISOString(), deadlineReason: '店主承诺次日下午完成张贴', place: shop1.address ?? undefined,
  })).case.version;
  // The last working day: containers still missing → a rectification notice, warning of a fine, due the next working day.
  clock.set(shanghaiInstant(reinspectedOn, '10:00'));
  const again = await photo();
  version = (await recordStep(db, clock, env, officer, opened.id, {
    kind: 'reinspection', version, gps: gps(shop1), photoIds: [again], result: 'not_rectified', findings: ['分类收集容器缺失', '容器设置不规范'],
  })).case.version;
  await recordStep(db, clock, env, officer, opened.id, {
    kind: 'notice', version, coOfficerId: second.userId, gps: gps(shop1), photoIds: [again],
    deadlineAt: shanghaiInstant(nextWorking(today), '16:00').toISOString(), deadlineReason: '容器到货需一天', acknowledgement: 'signed',
  });

  // 2. This morning (or yesterday, before office hours): a second shop, ordered to put up signage by the next working day.
  const thisMorning = shanghaiInstant(today, '10:00');
  clock.set(now.getTime() > thisMorning.getTime() ? thisMorning : shanghaiInstant(addDays(today, -1), '15:00'));
  const seen = await photo();
  const shop2 = await openEnforcementCase(db, clock, officer, {
    siteId: other.id, categoryId: category.id, gps: gps(other), photoIds: [seen], legalBasisId: basis.id, facts: '门店未张贴生活垃圾分类标识',
  });
  await recordStep(db, clock, env, officer, shop2.id, {
    kind: 'order', version: shop2.version, coOfficerId: second.userId, gps: gps(other), photoIds: [seen], educationGiven: true, acknowledgement: 'signed',
    deadlineAt: shanghaiInstant(nextWorking(shanghaiDate(clock.now())), '16:00').toISOString(), deadlineReason: '与店主约定次日下午前完成', place: other.address ?? undefined,
  });
  return 2;
}
