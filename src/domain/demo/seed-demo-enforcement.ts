import sharp from 'sharp';
import type { Db } from '../../db/index.js';
import { loadActor } from '../auth/actor.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { openEnforcementCase } from '../enforcement/open-case.js';
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
 * got an order, failed the re-inspection and now has a rectification notice due tomorrow; and a
 * second shop with an order due tomorrow. The enforcement desk and the field app open on them.
 * Returns the ladders opened (none when the demo's shops or officers are not there).
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
  const at = (daysAgo: number, time: string) => shanghaiInstant(addDays(today, -daysAgo), time);
  const clock = new ManualClock(at(3, '10:30'));
  let n = 0;
  const photo = async () => (await savePhoto(db, clock, officer, files, await demoPhoto(n++))).id;
  const gps = (s: { lng: unknown; lat: unknown }) => ({ lng: Number(s.lng), lat: Number(s.lat), accuracy: 8 });

  // 1. Three days ago: no signage at all → education and an order due the next afternoon.
  const [shop1, other] = shops as [(typeof shops)[number], (typeof shops)[number]];
  const first = await photo();
  const opened = await openEnforcementCase(db, clock, officer, {
    siteId: shop1.id, categoryId: category.id, gps: gps(shop1), photoIds: [first], legalBasisId: basis.id, facts: '现场检查发现该店未设置任何生活垃圾分类标识',
  });
  let version = (await recordStep(db, clock, env, officer, opened.id, {
    kind: 'order', version: opened.version, coOfficerId: second.userId, gps: gps(shop1), photoIds: [first], educationGiven: true, acknowledgement: 'signed',
    deadlineAt: at(2, '16:00').toISOString(), deadlineReason: '店主承诺次日下午完成张贴', place: shop1.address ?? undefined,
  })).case.version;
  // Yesterday: containers still missing → a rectification notice, warning of a fine, due tomorrow.
  clock.set(at(1, '10:00'));
  const again = await photo();
  version = (await recordStep(db, clock, env, officer, opened.id, {
    kind: 'reinspection', version, gps: gps(shop1), photoIds: [again], result: 'not_rectified', findings: ['分类收集容器缺失', '容器设置不规范'],
  })).case.version;
  await recordStep(db, clock, env, officer, opened.id, {
    kind: 'notice', version, coOfficerId: second.userId, gps: gps(shop1), photoIds: [again],
    deadlineAt: shanghaiInstant(addDays(today, 1), '16:00').toISOString(), deadlineReason: '容器到货需一天', acknowledgement: 'signed',
  });

  // 2. This morning (or yesterday, before office hours): a second shop, ordered to put up signage by tomorrow.
  clock.set(now.getTime() > at(0, '10:00').getTime() ? at(0, '10:00') : at(1, '15:00'));
  const seen = await photo();
  const shop2 = await openEnforcementCase(db, clock, officer, {
    siteId: other.id, categoryId: category.id, gps: gps(other), photoIds: [seen], legalBasisId: basis.id, facts: '门店未张贴生活垃圾分类标识',
  });
  await recordStep(db, clock, env, officer, shop2.id, {
    kind: 'order', version: shop2.version, coOfficerId: second.userId, gps: gps(other), photoIds: [seen], educationGiven: true, acknowledgement: 'signed',
    deadlineAt: shanghaiInstant(addDays(shanghaiDate(clock.now()), 1), '16:00').toISOString(), deadlineReason: '与店主约定次日下午前完成', place: other.address ?? undefined,
  });
  return 2;
}
