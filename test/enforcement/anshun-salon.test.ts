import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { enforcementCounts } from '../../src/domain/enforcement/counts.js';
import { enforcementReinspectionsPoller } from '../../src/jobs/enforcement-reinspections.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { pdfText } from '../helpers/pdf-text.js';
import { HQ_GPS, hongqiao, shopOn, tableCounts, uploadPhoto } from './helpers.js';

/**
 * The reference case of DOMAIN.md §1, end to end with a controlled clock: the hair salon on
 * Anshun Road, from the first inspection to the paid penalty decision and the closed case.
 */
for (const dialect of DIALECTS) {
  describe(`enforcement ladder: the hair salon on Anshun Road [${dialect}]`, { timeout: 120_000 }, () => {
    let ctx: TestContext;
    let photoDir: string;
    let enforcer1: string;
    let enforcer2: string;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let salon: Awaited<ReturnType<typeof shopOn>>;

    beforeAll(async () => {
      photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-enf-'));
      ctx = await demoContext(dialect, { PHOTO_DIR: photoDir });
      enforcer1 = await signInAs(ctx.app, 'enforcer1');
      enforcer2 = await signInAs(ctx.app, 'enforcer2');
      hq = await hongqiao(ctx);
      salon = await shopOn(ctx, hq.subdistrictId, '安顺路', '理发店');
    });
    afterAll(async () => {
      await ctx.close();
      fs.rmSync(photoDir, { recursive: true, force: true });
    });

    const post = (cookie: string, url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });
    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });
    const pdfOf = async (docId: string) => {
      const res = await get(enforcer1, `/api/enforcement/documents/${docId}/pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      return pdfText(res.rawPayload);
    };

    it('goes from education and an order, through the prior notice and the statement period, to a paid 500 RMB penalty decision', async () => {
      const db = ctx.handle.db;
      const enforcer2Id = await hq.userId('enforcer2');
      const enforcer1Id = await hq.userId('enforcer1');
      const leader = await actorOf(ctx, 'leader');
      const may = { from: '2026-05-01T00:00:00+08:00', to: '2026-06-01T00:00:00+08:00' };
      const countsBefore = await enforcementCounts(db, leader, { from: new Date(may.from).toISOString(), to: new Date(may.to).toISOString() }, ctx.clock.now());
      expect(countsBefore.ordersIssued).toBe(0);

      // 26 May 10:30 — the officers find no sorting signage at all.
      ctx.clock.set('2026-05-26T10:30:00+08:00');
      const photo1 = await uploadPhoto(ctx, enforcer1);
      const opened = await post(enforcer1, '/api/enforcement/cases', {
        siteId: salon.id, categoryId: hq.categoryId, gps: HQ_GPS, photoIds: [photo1], legalBasisId: hq.art26,
        facts: '现场检查发现该店未设置任何生活垃圾分类标识',
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const ec = opened.json();
      expect(ec.stage).toBe('opened');
      expect(ec.partyId).toBe(salon.responsible_party_id);
      expect(ec.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['order']);
      // Found by the officers themselves: filed and with the enforcement team at once, no desk deadline.
      const team = await db.selectFrom('handling_units').select('id').where('subdistrict_id', '=', hq.subdistrictId).where('kind', '=', 'enforcement_team').executeTakeFirstOrThrow();
      expect(await db.selectFrom('cases').select(['status', 'assigned_unit_id', 'responsible_unit_id', 'stage_due_at']).where('id', '=', ec.caseId).executeTakeFirstOrThrow())
        .toEqual({ status: 'dispatched', assigned_unit_id: team.id, responsible_unit_id: team.id, stage_due_at: null });

      // The category (no signage) suggests one working day; the officers agree 16:00 with the owner, and say so.
      const suggested = (await get(enforcer1, `/api/enforcement/cases/${ec.id}`)).json().suggestedDeadlineAt;
      expect(suggested).toBe('2026-05-27T02:30:00.000Z');
      const orderInput = {
        kind: 'order', version: 1, coOfficerId: enforcer2Id, gps: HQ_GPS, photoIds: [photo1], educationGiven: true,
        acknowledgement: 'signed', deadlineAt: '2026-05-27T16:00:00+08:00', place: salon.address,
      };
      const noReason = await post(enforcer1, `/api/enforcement/cases/${ec.id}/steps`, orderInput);
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.details.fields[0].field).toBe('deadlineReason');

      // Education (普法) and a rectification order due 27 May 16:00, signed by two officers.
      const order = await post(enforcer1, `/api/enforcement/cases/${ec.id}/steps`, { ...orderInput, deadlineReason: '店主承诺次日下午完成张贴' });
      expect(order.statusCode, order.body).toBe(201);
      const o = order.json();
      expect(o.case.stage).toBe('ordered');
      expect(o.document.number).toBe('长城管(虹桥)责改字〔2026〕第0001号');
      expect(o.document.content.officers.map((x: { userId: string }) => x.userId)).toEqual([enforcer1Id, enforcer2Id]);
      const certs = o.document.content.officers.map((x: { certNumber: string }) => x.certNumber);
      expect(certs.every((c: string) => /^\d{11}$/.test(c))).toBe(true);
      expect(o.document.content.legalBasis.version).toBe(1);
      const orderText = await pdfOf(o.document.id);
      // The photo is embedded as a thumbnail; the stored bytes are what the hash says.
      const orderPdf = (await get(enforcer1, `/api/enforcement/documents/${o.document.id}/pdf`)).rawPayload;
      expect(orderPdf.toString('latin1')).toContain('/Subtype /Image');
      expect(createHash('sha256').update(orderPdf).digest('hex')).toBe(o.document.pdfSha256);
      for (const s of ['责令改正通知书', '长城管(虹桥)责改字〔2026〕第0001号', salon.name, '第二十六条第一款', '2026年5月27日16时00分', '普法', o.document.verifyCode, `执法证号：${certs[0]}`, `执法证号：${certs[1]}`]) {
        expect(orderText).toContain(s);
      }

      // 27 May 15:00 — before the deadline nothing is dispatched.
      const job = enforcementReinspectionsPoller({ db, config: ctx.deps.config, clock: ctx.clock });
      ctx.clock.set('2026-05-27T15:00:00+08:00');
      expect(await job.runOnce()).toBe(0);

      // 28 May 10:00 — the platform has dispatched the re-inspection (派单), once.
      ctx.clock.set('2026-05-28T10:00:00+08:00');
      [enforcer1, enforcer2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      expect(await job.runOnce()).toBe(1);
      expect(await job.runOnce()).toBe(0);
      const dueRes = await get(enforcer2, '/api/enforcement/reinspections/due-today');
      expect(dueRes.statusCode, dueRes.body).toBe(200);
      const due = dueRes.json().items;
      expect(due).toHaveLength(1);
      expect(due[0]).toMatchObject({ enforcementCaseId: ec.id, stage: 'ordered', deadlineAt: '2026-05-27T08:00:00.000Z', overdue: false });
      expect(new Date(due[0].dueAt).getTime()).toBeGreaterThan(new Date('2026-05-28T10:00:00+08:00').getTime());
      expect(due[0].assignedUnitId).toBe(team.id);
      const inbox = await db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select(['n.kind', 'n.title'])
        .where('i.user_id', '=', enforcer1Id).where('n.kind', '=', 'enforcement_reinspection').execute();
      expect(inbox).toHaveLength(1);
      expect(inbox[0]!.title).toContain(salon.name);

      // Containers missing, set-up non-compliant → rectification notice warning of a fine.
      let detail = (await get(enforcer1, `/api/enforcement/cases/${ec.id}`)).json();
      const photo2 = await uploadPhoto(ctx, enforcer1);
      const re1 = await post(enforcer1, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'reinspection', version: detail.version, gps: HQ_GPS, photoIds: [photo2], result: 'not_rectified', findings: ['分类收集容器缺失', '容器设置不规范'],
        note: '店主称容器已下单',
      });
      expect(re1.statusCode, re1.body).toBe(201);
      expect(re1.json().case.stage).toBe('order_failed');
      expect((await get(enforcer1, '/api/enforcement/reinspections/due-today')).json().items).toHaveLength(0);
      const notice = await post(enforcer1, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'notice', version: re1.json().case.version, coOfficerId: enforcer2Id, gps: HQ_GPS, photoIds: [photo2],
        deadlineAt: '2026-05-29T16:00:00+08:00', deadlineReason: '容器到货需一天', acknowledgement: 'signed',
      });
      expect(notice.statusCode, notice.body).toBe(201);
      const n = notice.json();
      expect(n.document.number).toBe('长城管(虹桥)责改告字〔2026〕第0001号');
      const noticeText = await pdfOf(n.document.id);
      for (const s of ['责令整改告知单', '2026年5月29日16时00分', '罚款', '五百元以上五千元以下', '复查发现仍未整改：分类收集容器缺失；容器设置不规范']) expect(noticeText).toContain(s);
      // The 经查 paragraph is composed from the structured findings, never from a free-text note.
      expect(n.document.content.facts).not.toContain('店主称容器已下单');

      // Third visit (1 June 10:00): the platform shows the notice; still not rectified.
      ctx.clock.set('2026-06-01T09:00:00+08:00');
      expect(await job.runOnce()).toBe(1);
      ctx.clock.set('2026-06-01T10:00:00+08:00');
      [enforcer1, enforcer2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      detail = (await get(enforcer2, `/api/enforcement/cases/${ec.id}`)).json();
      expect(detail.documents.map((d: { number: string }) => d.number)).toContain('长城管(虹桥)责改告字〔2026〕第0001号');
      const photo3 = await uploadPhoto(ctx, enforcer2);
      const re2 = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'reinspection', version: detail.version, gps: HQ_GPS, photoIds: [photo3], result: 'not_rectified', findings: ['仍未设置分类标识和分类收集容器'],
      });
      expect(re2.statusCode, re2.body).toBe(201);
      expect(re2.json().case.stage).toBe('notice_failed');

      // The system proposes 500 RMB (first offence band) and refuses anything outside 500–5,000.
      detail = (await get(enforcer2, `/api/enforcement/cases/${ec.id}`)).json();
      expect(detail.fineProposal).toMatchObject({ offence: 'first', proposed: 500, legalMin: 500, legalMax: 5000, priorViolations: 0 });
      expect(detail.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['prior_notice']);
      const countersBefore = (await tableCounts(ctx)).counters;
      const tooMuch = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'prior_notice', version: detail.version, coOfficerId: enforcer1Id, fineAmount: 6000, fineReason: '情节严重',
      });
      expect(tooMuch.statusCode).toBe(422);
      expect(tooMuch.json().error.code).toBe('fine_out_of_range');
      expect((await tableCounts(ctx)).counters).toBe(countersBefore);

      // Prior notice (行政处罚事先告知书), Monday 1 June: 500 RMB proposed, three working days to state a defence.
      const priorNotice = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'prior_notice', version: detail.version, coOfficerId: enforcer1Id, fineAmount: 500, acknowledgement: 'signed', gps: HQ_GPS,
      });
      expect(priorNotice.statusCode, priorNotice.body).toBe(201);
      const pn = priorNotice.json();
      expect(pn.document.number).toBe('长城管(虹桥)罚告字〔2026〕第0001号');
      expect(pn.case).toMatchObject({ stage: 'prior_noticed', proposedFine: 500, hearingEligible: false, statementEndsAt: '2026-06-04T15:59:59.999Z', hearingRequestEndsAt: null });
      expect(pn.case.nextSteps.map((s: { kind: string }) => s.kind)).toEqual(['statement', 'decision']);
      const pnText = await pdfOf(pn.document.id);
      for (const s of ['行政处罚事先告知书', '拟对你（单位）处以罚款人民币500元', '陈述、申辩', '2026年6月4日前']) expect(pnText).toContain(s);
      expect(pnText).not.toContain('听证');

      // Wednesday 3 June: the period is still running; a decision is refused.
      ctx.clock.set('2026-06-02T15:00:00+08:00');
      [enforcer1, enforcer2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      const statement = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'statement', version: pn.case.version, statement: { kind: 'statement', form: 'written', text: '店铺面积小，分类桶已订购尚未到货，请求从轻处理' },
      });
      expect(statement.statusCode, statement.body).toBe(201);
      expect(statement.json().case.stage).toBe('prior_noticed');
      ctx.clock.set('2026-06-04T17:00:00+08:00');
      [enforcer1, enforcer2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      const early = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'decision', version: statement.json().case.version, coOfficerId: enforcer1Id, fineAmount: 500, acknowledgement: 'signed', gps: HQ_GPS,
        defence: 'not_adopted', defenceReason: '经两次责令仍未整改，申辩理由不成立',
      });
      expect(early.statusCode).toBe(409);
      expect(early.json().error.code).toBe('procedure_period_open');

      // Friday 5 June 10:00: the period has closed; the decision answers the defence and stays within the notice.
      ctx.clock.set('2026-06-05T10:00:00+08:00');
      [enforcer1, enforcer2] = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2')];
      const version = statement.json().case.version;
      const silent = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'decision', version, coOfficerId: enforcer1Id, fineAmount: 500, acknowledgement: 'signed' });
      expect(silent.statusCode).toBe(400);
      expect(silent.json().error.details.fields[0].field).toBe('defence');
      const heavier = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'decision', version, coOfficerId: enforcer1Id, fineAmount: 800, acknowledgement: 'signed', defence: 'not_adopted', defenceReason: '理由不成立',
      });
      expect(heavier.statusCode).toBe(422);
      expect(heavier.json().error.code).toBe('fine_exceeds_prior_notice');
      const decision = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'decision', version, coOfficerId: enforcer1Id, fineAmount: 500, acknowledgement: 'signed', gps: HQ_GPS,
        defence: 'not_adopted', defenceReason: '经两次责令仍未整改，申辩理由不成立',
      });
      expect(decision.statusCode, decision.body).toBe(201);
      const d = decision.json();
      expect(d.document.number).toBe('长城管(虹桥)罚决字〔2026〕第0001号');
      // Fifteen days end on Saturday 20 June, after the Dragon Boat Festival (19 June): the next working day is Monday 22 June.
      expect(d.case.paymentDueAt).toBe('2026-06-22T15:59:59.999Z');
      const decisionText = await pdfOf(d.document.id);
      for (const s of ['行政处罚决定书', '长城管(虹桥)罚决字〔2026〕第0001号', '500元', '《上海市生活垃圾管理条例》第二十六条第一款', salon.name, '首次违法', '行政复议', d.document.verifyCode,
        '长城管(虹桥)罚告字〔2026〕第0001号', '店铺面积小', '不予采纳', '2026年6月22日']) {
        expect(decisionText).toContain(s);
      }

      // Paid → closed on the platform (流转结案), the linked case too.
      const paid = await post(enforcer2, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'payment', version: d.case.version, note: '缴款书编号 3101052026000123' });
      expect(paid.statusCode, paid.body).toBe(201);
      expect(paid.json().case).toMatchObject({ stage: 'closed', outcome: 'paid', fineAmount: 500 });
      const linked = await db.selectFrom('cases').select(['status', 'source']).where('id', '=', ec.caseId).executeTakeFirstOrThrow();
      expect(linked).toEqual({ status: 'closed', source: 'enforcement' });

      // Steps and people, in order.
      detail = (await get(enforcer1, `/api/enforcement/cases/${ec.id}`)).json();
      expect(detail.steps.map((s: { kind: string; result: string | null }) => `${s.kind}${s.result ? `:${s.result}` : ''}`)).toEqual([
        'order', 'dispatch', 'reinspection:not_rectified', 'notice', 'dispatch', 'reinspection:not_rectified', 'prior_notice', 'statement', 'decision', 'payment',
      ]);
      expect(detail.steps.map((s: { actor: { userId: string } | null }) => s.actor?.userId ?? 'system')).toEqual([
        enforcer1Id, 'system', enforcer1Id, enforcer1Id, 'system', enforcer2Id, enforcer2Id, enforcer2Id, enforcer2Id, enforcer2Id,
      ]);
      expect(detail.steps.filter((s: { coOfficer: unknown }) => s.coOfficer).map((s: { coOfficer: { userId: string } }) => s.coOfficer.userId)).toEqual([enforcer2Id, enforcer2Id, enforcer1Id, enforcer1Id]);
      expect(detail.tasks.map((t: { status: string }) => t.status)).toEqual(['done', 'done']);

      // Every step is on the subdistrict's hash chain, and the chain verifies.
      const actions = (await db.selectFrom('case_events').select('action').where('case_id', '=', ec.caseId).orderBy('seq').execute()).map((e) => e.action);
      expect(actions).toEqual([
        'report', 'file', 'dispatch', 'enforcement_open', 'enforcement_order', 'enforcement_dispatch', 'enforcement_reinspection', 'enforcement_notice',
        'enforcement_dispatch', 'enforcement_reinspection', 'enforcement_prior_notice', 'enforcement_statement', 'enforcement_decision', 'enforcement_payment', 'enforcement_close',
      ]);
      // The case's timeline names every ladder step, and the platform's own events read 系统.
      const timeline = (await get(enforcer1, `/api/cases/${ec.caseId}`)).json().timeline as { action: string; label: { zh: string } | null; actorRole: string }[];
      expect(timeline.filter((e) => e.action.startsWith('enforcement_')).map((e) => e.label?.zh)).toEqual([
        '执法立案', '现场检查·普法·责令改正', '复查派单', '复查', '责令整改告知单', '复查派单', '复查', '行政处罚事先告知书', '陈述申辩记录', '行政处罚决定书', '缴纳罚款', '执法结案',
      ]);
      expect(timeline.filter((e) => e.action === 'file' || e.action === 'dispatch').map((e) => e.actorRole)).toEqual(['system', 'system']);
      expect((await verifyChain(db, hq.subdistrictId)).ok).toBe(true);

      // Documents check against the stored record; another subdistrict cannot verify them.
      const v = (await get(enforcer1, `/api/enforcement/documents/verify?code=${encodeURIComponent(d.document.verifyCode)}`)).json();
      expect(v).toMatchObject({ valid: true, checks: { content: true, code: true, pdf: true }, document: { number: '长城管(虹桥)罚决字〔2026〕第0001号' } });
      const xx = await signInAs(ctx.app, 'xx-enforcer1');
      expect((await get(xx, `/api/enforcement/documents/verify?code=${d.document.verifyCode}`)).json().valid).toBe(false);
      expect((await get(xx, `/api/enforcement/cases/${ec.id}`)).statusCode).toBe(404);
      expect((await get(xx, `/api/enforcement/documents/${d.document.id}/pdf`)).statusCode).toBe(404);

      // The dashboard's counts moved.
      const after = await enforcementCounts(db, leader, { from: new Date(may.from).toISOString(), to: new Date('2026-06-30T00:00:00+08:00').toISOString() }, ctx.clock.now());
      expect(after).toMatchObject({
        opened: 1, ordersIssued: 1, noticesIssued: 1, priorNoticesIssued: 1, decisionsIssued: 1, reinspectionsDispatched: 2, reinspections: 2,
        closedPaid: 1, closedRectified: 0, finesDecidedRmb: 500, finesPaidRmb: 500, overdueFines: 0, openByStage: {},
      });

      // The subject's history shows the ladder and its documents.
      const hist = (await get(enforcer1, `/api/enforcement/subjects/${salon.responsible_party_id}/history`)).json();
      expect(hist.ladders).toHaveLength(1);
      expect(hist.ladders[0].documents.map((x: { number: string }) => x.number)).toEqual([
        '长城管(虹桥)责改字〔2026〕第0001号', '长城管(虹桥)责改告字〔2026〕第0001号', '长城管(虹桥)罚告字〔2026〕第0001号', '长城管(虹桥)罚决字〔2026〕第0001号',
      ]);
      expect(hist.violationsInWindow).toBe(1);
      expect(hist.cases.map((c: { id: string }) => c.id)).toContain(ec.caseId);
    }, 120_000);
  });
}
