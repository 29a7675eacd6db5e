import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnforcementCaseTable } from '../../src/db/schema.js';
import { checkDecision, checkHearingRequest, checkStatement } from '../../src/domain/enforcement/procedure.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { actorOf, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn } from './helpers.js';

interface Field { field: string; reason: string }

/** The refusal a call throws, with the fields it names (each reason with a Chinese sentence). */
function refusal(fn: () => unknown): { code: string; fields: Field[] } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { code: err.code, fields: (err.details as { fields?: Field[] } | undefined)?.fields ?? [] };
  }
  throw new Error('not refused');
}

function expectNamed(r: { fields: Field[] }, field: string) {
  expect(r.fields.map((f) => f.field)).toEqual([field]);
  for (const f of r.fields) expect(reasonZh(f.reason), f.reason).toMatch(/[\u4e00-\u9fff]/);
}

const NOW = new Date('2026-07-10T02:00:00Z');
const ladder = (over: Partial<EnforcementCaseTable>) => ({ stage: 'prior_noticed', hearing_eligible: 0, statement_ends_at: null, hearing_request_ends_at: null, proposed_fine: 500, ...over }) as EnforcementCaseTable;
const decision = { kind: 'decision', version: 1, fineAmount: 500, photoIds: [] } as unknown as Parameters<typeof checkDecision>[0];

// Every refusal of the penalty procedure that concerns the step asked for names the field (`kind`),
// with a reason the Chinese screens can say: the form marks it instead of showing a bare code.
describe('penalty procedure refusals name the field', () => {
  it('a decision inside the statement period, or inside the hearing request period', () => {
    const statement = refusal(() => checkDecision(decision, ladder({ statement_ends_at: '2026-07-11T15:59:59.999Z' }), [], NOW));
    expect(statement.code).toBe('procedure_period_open');
    expectNamed(statement, 'kind');
    const hearing = refusal(() => checkDecision(decision, ladder({ statement_ends_at: '2026-07-01T15:59:59.999Z', hearing_eligible: 1, hearing_request_ends_at: '2026-07-12T15:59:59.999Z' }), [], NOW));
    expect(hearing.code).toBe('procedure_period_open');
    expectNamed(hearing, 'kind');
  });

  it('a statement after its period; a hearing request below the threshold or after its period', () => {
    const late = refusal(() => checkStatement(ladder({ statement_ends_at: '2026-07-01T15:59:59.999Z' }), NOW));
    expect(late.code).toBe('transition_not_allowed');
    expectNamed(late, 'kind');
    const below = refusal(() => checkHearingRequest(ladder({ hearing_eligible: 0 }), NOW));
    expect(below.code).toBe('hearing_not_available');
    expectNamed(below, 'kind');
    const over = refusal(() => checkHearingRequest(ladder({ hearing_eligible: 1, hearing_request_ends_at: '2026-07-01T15:59:59.999Z' }), NOW));
    expect(over.code).toBe('hearing_not_available');
    expectNamed(over, 'kind');
  });
});

for (const dialect of DIALECTS) {
  describe(`enforcement refusals over HTTP name the field [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-fields-');
      env.ctx.clock.set('2026-07-01T10:00:00+08:00');
    });
    afterAll(async () => env.close());

    const post = async (username: string, url: string, payload: object) =>
      env.ctx.app.inject({ method: 'POST', url, headers: { cookie: await signInAs(env.ctx.app, username) }, payload });
    const expectRefused = (res: { statusCode: number; body: string; json(): { error: { code: string; details: { fields?: Field[] } } } }, status: number, code: string, field: string) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
      expectNamed({ fields: res.json().error.details.fields ?? [] }, field);
    };

    it('a step out of order names kind', async () => {
      const { ctx, hq } = env;
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 140);
      const opened = await post('enforcer1', '/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const res = await post('enforcer1', `/api/enforcement/cases/${opened.json().id}/steps`, { kind: 'payment', version: 1, note: 'x' });
      expectRefused(res, 409, 'step_out_of_order', 'kind');
    });

    it('a second ladder on a case that has one names caseId; a legal basis code taken names code', async () => {
      const { ctx, hq } = env;
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 141);
      const actor = await actorOf(ctx, 'enforcer1');
      const open = await ctx.handle.db.transaction().execute((trx) =>
        reportCase(trx, ctx.clock, actor, { source: 'enforcement', categoryId: hq.categoryId, siteId: site.id, lng: HQ_GPS.lng, lat: HQ_GPS.lat, description: '未设置分类标识' }),
      );
      const first = await post('enforcer1', '/api/enforcement/cases', { caseId: open.id, legalBasisId: hq.art26, facts: '未分类投放' });
      expect(first.statusCode, first.body).toBe(201);
      const second = await post('enforcer1', '/api/enforcement/cases', { caseId: open.id, legalBasisId: hq.art57, facts: '混合投放' });
      expectRefused(second, 409, 'conflict', 'caseId');

      const admin = await signInAs(ctx.app, 'admin');
      const art26 = (await ctx.app.inject({ method: 'GET', url: '/api/enforcement/legal-bases', headers: { cookie: admin } })).json().items.find((b: { id: string }) => b.id === hq.art26);
      const { id: _i, subdistrictId: _s, active: _a, versionId: _v, version: _n, createdAt: _t, ...fields } = art26;
      const dup = await env.ctx.app.inject({ method: 'POST', url: `/api/enforcement/legal-bases/${hq.subdistrictId}`, headers: { cookie: admin }, payload: fields });
      expectRefused(dup, 409, 'duplicate', 'code');
    });
  });
}
