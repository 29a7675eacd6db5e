import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { itemByName, pointByCode, servicesContext } from './helpers.js';

/** A resident ID number (GB 11643) with its check character changed: one typed wrong at the window. */
function withWrongCheck(first17: string): string {
  const right = withCheckDigit(first17).slice(-1);
  return first17 + (right === '0' ? '1' : '0');
}

describe.each(DIALECTS)('who a record names: ID numbers and the 代办 agent (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const allReceived = (materials: string) => (JSON.parse(materials) as unknown[]).map((_, index) => ({ index, received: true, deferred: false }));
  const count = async (itemId: string) =>
    Number((await ctx.handle.db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n')).where('item_id', '=', itemId).executeTakeFirstOrThrow()).n);

  it('an 18-character resident ID number whose check character does not match (GB 11643) is refused naming the field; other documents pass', async () => {
    const cookie = await signInAs(ctx.app, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const post = (idNumber: string) => ctx.app.inject({
      method: 'POST', url: '/api/services/records', headers: { cookie },
      payload: { pointId: point.id, itemId: item.id, applicant: { name: '孙杰', idNumber, phone: null }, materials: allReceived(item.materials) },
    });
    const before = await count(item.id);
    const typo = await post(withWrongCheck('31010519850312002'));
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error.details.fields[0]).toMatchObject({ field: 'applicant.idNumber', reason: 'not a valid resident ID number: the check character does not match' });
    // A Hong Kong, Macao or Taiwan residence permit (830000…) follows the same standard.
    expect((await post(withWrongCheck('83000019900101002'))).statusCode).toBe(400);
    expect(await count(item.id)).toBe(before);
    // A valid number (a lower-case x check character as typed), a passport or a permit is recorded.
    const x = ['3101051985031200', '3101051990010100', '3101051977070700'].map((p) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `${p}${d}`)).flat().find((s) => withCheckDigit(s).endsWith('X'))!;
    expect((await post(withCheckDigit(x).toLowerCase())).statusCode).toBe(201);
    expect((await post('E12345678')).statusCode).toBe(201);
    expect((await post('H1234567801')).statusCode).toBe(201);
    expect(await count(item.id)).toBe(before + 3);
  });

  it('代办: the agent is another person than the applicant (their own ID number is not an agent\'s), and the agent\'s number is checked too', async () => {
    const cookie = await signInAs(ctx.app, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '最低生活保障申请');
    const applicantId = withCheckDigit('31010519600101004');
    const post = (agentId: string) => ctx.app.inject({
      method: 'POST', url: '/api/services/records', headers: { cookie },
      payload: {
        pointId: point.id, itemId: item.id, applicant: { name: '赵敏', idNumber: applicantId, phone: null }, assistRole: 'proxy',
        agent: { name: '钱勇', idNumber: agentId, phone: null }, authorizationRef: 'WT-2026-009', materials: allReceived(item.materials),
      },
    });
    const before = await count(item.id);
    const self = await post(applicantId.toLowerCase());
    expect(self.statusCode).toBe(400);
    expect(self.json().error.details.fields[0]).toMatchObject({ field: 'agent.idNumber', reason: 'the agent is the applicant: 代办 is filed by another person' });
    const typo = await post(withWrongCheck('31010519700101003'));
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error.details.fields[0].field).toBe('agent.idNumber');
    expect(await count(item.id)).toBe(before);
    const ok = await post(withCheckDigit('31010519700101003'));
    expect(ok.statusCode).toBe(201);
    expect(ok.json().record.agent).toMatchObject({ name: '钱勇', authorizationRef: 'WT-2026-009' });
  });
});
