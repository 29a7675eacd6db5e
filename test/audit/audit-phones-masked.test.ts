import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { maskIdNumber, maskPhone, withCheckDigit } from '../../src/domain/service-records/masking.js';
import { maskSnapshot } from '../../src/domain/audit/mask-entry.js';

/**
 * The audit log keeps each change's rows as they were, phone numbers whole. A leader reads the
 * log (audit.read) but sees every phone number masked everywhere else and may reveal none
 * (personal-data.ts): the log and its CSV export show them masked too. The administrator, who
 * sees them whole in the staff list and the registry, reads the snapshots as written.
 */
const mobile = fc.tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.integer({ min: 0, max: 999_999_999 })).map(([p, n]) => `${p}${String(n).padStart(9, '0')}`);
const idNumber = fc.stringMatching(/^[1-6]\d{16}$/).map(withCheckDigit);
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));

describe('a snapshot as a leader reads it', () => {
  it('masks phone and ID numbers under their keys and in any text, and leaves ids, hashes and published office numbers as written', () => {
    fc.assert(
      fc.property(mobile, idNumber, fc.uuid(), hex(64), fc.string({ maxLength: 12 }), (phone, id, uuid, sha, words) => {
        const shown = maskSnapshot({
          phone, contact_phone: phone, applicant_id_number: id, consult_phone: '021-62345678',
          note: `${words} 请联系 ${phone}，身份证 ${id}`, photo_ids: JSON.stringify([uuid]), pdf_sha256: sha, nested: [{ contactPhone: phone, id: uuid }],
        }) as Record<string, unknown>;
        const text = JSON.stringify(shown);
        expect(text).not.toContain(phone);
        expect(text).not.toContain(id);
        expect(shown.phone).toBe(maskPhone(phone));
        expect(shown.applicant_id_number).toBe(maskIdNumber(id));
        expect(shown.note).toContain(maskPhone(phone)!);
        expect(shown.consult_phone).toBe('021-62345678');
        expect(shown.photo_ids).toBe(JSON.stringify([uuid]));
        expect(shown.pdf_sha256).toBe(sha);
        expect(shown.nested).toEqual([{ contactPhone: maskPhone(phone), id: uuid }]);
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });
});

for (const kind of DIALECTS) {
  describe(`audit snapshots and phone numbers (${kind})`, () => {
    let ctx: TestContext;
    let admin: string;
    let leader: string;
    let hq: string;

    beforeAll(async () => {
      ctx = await demoContext(kind);
      admin = await signInAs(ctx.app, 'admin');
      leader = await signInAs(ctx.app, 'leader');
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    }, 60_000);
    afterAll(async () => ctx?.close());

    it('shows a leader no phone number whole in the log or its export, whatever the change; the administrator every one', async () => {
      const phones = fc.sample(fc.uniqueArray(mobile, { minLength: 4, maxLength: 4 }), { seed: 20261207, numRuns: 1 })[0]!;
      const [staffPhone, staffPhone2, unitPhone, unitPhone2] = phones as [string, string, string, string];
      const post = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
        const res = await ctx.app.inject({ method, url, headers: { cookie: admin }, payload });
        expect(res.statusCode, res.body).toBeLessThan(300);
        return res.json();
      };
      // A staff member and a handling unit: created, then their numbers changed.
      const staff = await post('POST', '/api/staff', { username: 'audit.phone', displayName: '审计电话', role: 'patrol', phone: staffPhone, password: 'Shen-Ji-Dian-Hua-2026', scopes: [{ subdistrictId: hq }] });
      await post('PATCH', `/api/staff/${staff.id}`, { phone: staffPhone2 });
      const unit = await post('POST', '/api/handling-units', { subdistrictId: hq, kind: 'property_company', name: '审计电话物业', contactName: '王经理', contactPhone: unitPhone });
      await post('PATCH', `/api/handling-units/${unit.id}`, { contactPhone: unitPhone2 });

      const read = async (cookie: string) => {
        const list = await ctx.app.inject({ url: '/api/audit?limit=200', headers: { cookie } });
        expect(list.statusCode, list.body).toBe(200);
        const csv = await ctx.app.inject({ url: '/api/audit/export.csv', headers: { cookie } });
        expect(csv.statusCode, csv.body).toBe(200);
        return `${list.body}\n${csv.body}`;
      };
      const seenByLeader = await read(leader);
      const seenByAdmin = await read(admin);
      for (const p of [staffPhone, staffPhone2, unitPhone, unitPhone2]) {
        expect(seenByAdmin).toContain(p);
        expect(seenByLeader).not.toContain(p);
        // …but the entry is there, with the number as the leader sees it anywhere else.
        expect(seenByLeader).toContain(maskPhone(p));
      }
    });
  });
}
