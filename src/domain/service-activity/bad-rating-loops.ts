import sharp from 'sharp';
import type { Db } from '../../db/index.js';
import { type Actor, loadActor } from '../auth/actor.js';
import { transitionCase } from '../cases/transition-case.js';
import { savePhoto } from '../photos/upload.js';
import { appealRating, decideAppeal, recordCallback, resolveBadRating, submitFeedback } from '../service-ratings/followups.js';
import { submitRating } from '../service-ratings/ratings.js';
import { ManualClock } from '../shared/clock.js';
import type { Random } from '../shared/random.js';
import type { FileStore } from '../storage/file-store.js';
import type { BadRatingPlan } from './plan-records.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface LoopTotals {
  bad: number;
  calledBack: number;
  resolved: number;
  closed: number;
  feedback: number;
  appealed: number;
  late: number;
}

/** The rectification photo the staff attach (a plain picture: the demo has no camera). */
let photoBytes: Promise<Buffer> | null = null;
const rectificationPhoto = () =>
  (photoBytes ??= sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 222, g: 232, b: 240 } } })
    .composite([{ input: Buffer.from('<svg width="640" height="480"><rect x="60" y="80" width="520" height="300" rx="16" fill="#2b6cb0"/><rect x="100" y="130" width="440" height="40" fill="#fff"/><rect x="100" y="200" width="300" height="30" fill="#e2e8f0"/></svg>'), top: 0, left: 0 }])
    .jpeg({ quality: 70 })
    .toBuffer());

const CALLBACKS = ['已电话回访评价人，致歉并说明情况', '已上门回访，听取意见并当面说明', '已电话联系评价人，约定整改后再次回访'];
const RECTIFY = ['增设午间预约号源，高峰时段加开窗口', '窗口人员服务规范培训，一次性告知清单张贴上墙', '办理进度短信提醒已开通'];
const EXPLAIN = ['经核实系评价人误操作，已向其说明', '该事项须后台审核，已向评价人解释办理时限'];

/**
 * Gives each planned 差评 through submitRating (the case, its deadline and the rater's feedback
 * link come from the domain, as for a live one) and takes it as far through its loop as its age
 * allows: 回访, rectification or explanation with a photo, the independent check that closes the
 * case, the rater's judgement; one per subdistrict is appealed and voided on a second person's
 * review. Every step runs at its own instant on a clock set back in time, in its own transaction.
 */
export async function runBadRatingLoops(
  db: Db,
  files: FileStore,
  r: Random,
  bad: BadRatingPlan[],
  o: { now: Date; operatorId: string | null; adminId: string | null },
): Promise<LoopTotals> {
  const totals: LoopTotals = { bad: 0, calledBack: 0, resolved: 0, closed: 0, feedback: 0, appealed: 0, late: 0 };
  const now = o.now.getTime();
  const clock = new ManualClock(o.now);
  const actors = new Map<string, Actor>();
  const actor = async (id: string) => {
    let a = actors.get(id);
    if (!a) {
      a = (await loadActor(db, id)) ?? undefined;
      if (!a) throw new Error(`no active user ${id}`);
      actors.set(id, a);
    }
    return a;
  };
  const at = (t: number) => {
    clock.set(new Date(t));
    return t <= now;
  };
  let appealed = false;
  for (const b of [...bad].sort((x, y) => x.ratedAt - y.ratedAt)) {
    at(b.ratedAt);
    const rated = await db.transaction().execute((trx) =>
      submitRating(trx, clock, b.token, { level: b.level, comment: b.comment, channel: b.channel, anonymous: !b.named, scores: { attitude: b.level } }),
    );
    totals.bad++;
    const ratingId = rated.id;
    const caseId = rated.caseId!;
    const staff = await actor(b.staffId);
    const checker = o.operatorId ?? o.adminId;
    let t = b.ratedAt + r.int(2, 20) * HOUR;
    if (!at(t)) continue;
    await db.transaction().execute((trx) => recordCallback(trx, clock, staff, ratingId, { note: r.pick(CALLBACKS) }));
    totals.calledBack++;
    // The first 差评 old enough goes to appeal (恶意/误评), decided by the subdistrict's admin.
    const appeal = !appealed && o.adminId !== null && o.adminId !== b.staffId && b.ratedAt < now - 5 * 24 * HOUR;
    if (appeal) {
      appealed = true;
      t += r.int(1, 4) * HOUR;
      at(t);
      await db.transaction().execute((trx) => appealRating(trx, clock, staff, ratingId, { reason: '评价人在窗口表示对办理满意，差评系误点，申请复核作废' }));
      t += r.int(4, 24) * HOUR;
      if (!at(t)) continue;
      const admin = await actor(o.adminId!);
      await db.transaction().execute((trx) => decideAppeal(trx, clock, admin, ratingId, { upheld: true, note: '经调取窗口记录并回访核实，申诉成立' }));
      totals.appealed++;
      // Voided: its case is cancelled, nothing is left to rectify or judge.
      continue;
    }
    // Some ask for what has no legal basis: explained (解释说明) rather than rectified.
    const explain = r.chance(0.15);
    // One in eight is put right only after its deadline (the KPI shows it).
    const slow = r.chance(0.125);
    t += slow ? r.int(6, 9) * 24 * HOUR : r.int(3, 40) * HOUR;
    if (!at(t)) continue;
    const photo = await savePhoto(db, clock, staff, files, await rectificationPhoto());
    const c = await db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
    const res = await db.transaction().execute((trx) =>
      resolveBadRating(trx, clock, staff, ratingId, {
        version: c.version, resolution: explain ? 'explain' : 'rectify', note: explain ? r.pick(EXPLAIN) : r.pick(RECTIFY), photoIds: [photo.id],
      }),
    );
    totals.resolved++;
    if (res.followup.onTime === false) totals.late++;
    t += r.int(1, 6) * HOUR;
    if (!checker || !at(t)) continue;
    const check = await actor(checker);
    await db.transaction().execute((trx) => transitionCase(trx, clock, check, caseId, { action: 'check_pass', version: res.case.version, note: '已核实整改到位' }));
    totals.closed++;
    t += r.int(4, 48) * HOUR;
    if (!rated.feedbackToken || !r.chance(0.8) || !at(t)) continue;
    await db.transaction().execute((trx) => submitFeedback(trx, clock, rated.feedbackToken!, { feedback: r.chance(0.7) ? 'satisfied' : r.chance(0.8) ? 'basic' : 'unsatisfied' }));
    totals.feedback++;
  }
  return totals;
}
