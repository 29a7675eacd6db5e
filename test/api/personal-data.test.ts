import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/db/schema.js';
import { PHONE_FULL, PHONE_KINDS, PHONE_REVEAL, type PhoneKind } from '../../src/domain/auth/personal-data.js';
import { maskPhone } from '../../src/domain/service-records/masking.js';
import { DIALECTS } from '../helpers/db.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { sheetRows } from '../helpers/xlsx.js';

const PERSON: Record<Role, string> = {
  admin: 'admin', operator: 'operator', patrol: 'patrol1', cadre: 'cadre01', enforcement: 'enforcer1', handler: 'handler1', leader: 'leader',
};

for (const kind of DIALECTS) {
  describe(`phone numbers masked for roles that do not need them, revealed on demand and logged (${kind})`, () => {
    let ctx: TestContext;
    const cookies = {} as Record<Role, string>;
    /** One number of each kind every role can see (a site of cadre01's committee, its subdistrict's unit, the operator). */
    const sample = {} as Record<PhoneKind, { id: string; phone: string }>;
    let foreignParty: string;

    beforeAll(async () => {
      ctx = await demoContext(kind);
      for (const role of ROLES) cookies[role] = await signInAs(ctx.app, PERSON[role]);
      const db = ctx.handle.db;
      const cadre = await db.selectFrom('users as u').innerJoin('user_scopes as us', 'us.user_id', 'u.id').select(['us.committee_id', 'u.subdistrict_id']).where('u.username', '=', 'cadre01').executeTakeFirstOrThrow();
      const party = await db
        .selectFrom('sites as s').innerJoin('responsible_parties as rp', 'rp.id', 's.responsible_party_id')
        .select(['rp.id', 'rp.contact_phone']).where('s.committee_id', '=', cadre.committee_id!).where('rp.contact_phone', 'is not', null).where('s.status', '=', 'active')
        .orderBy('s.id').executeTakeFirstOrThrow();
      sample.party = { id: party.id, phone: party.contact_phone! };
      const handler = await db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
      const unit = await db.selectFrom('handling_units').select(['id', 'contact_phone']).where('id', '=', handler.handling_unit_id!).executeTakeFirstOrThrow();
      if (!unit.contact_phone) await db.updateTable('handling_units').set({ contact_phone: '021-62345678' }).where('id', '=', unit.id).execute();
      sample.unit = { id: unit.id, phone: unit.contact_phone ?? '021-62345678' };
      const op = await db.selectFrom('users').select(['id', 'phone']).where('username', '=', 'operator').executeTakeFirstOrThrow();
      sample.staff = { id: op.id, phone: op.phone! };
      foreignParty = (await db.selectFrom('responsible_parties').select('id').where('subdistrict_id', '!=', cadre.subdistrict_id!).orderBy('id').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx?.close());

    const get = (role: Role, url: string) => ctx.app.inject({ url, headers: { cookie: cookies[role] } });
    const reveal = (role: Role, body: object, headers: Record<string, string> = { cookie: cookies[role] }) =>
      ctx.app.inject({ method: 'POST', url: '/api/reveal/phone', headers, payload: body });
    const expected = (role: Role, k: PhoneKind) => (PHONE_FULL[k].includes(role) ? sample[k].phone : maskPhone(sample[k].phone));

    it('masks a responsible party’s phone in the site list, page and Excel export for roles that do not call parties', async () => {
      for (const role of ROLES) {
        const list = (await get(role, `/api/sites?limit=200&q=`)).json();
        const site = list.items.find((s: { responsibleParty: { id: string } | null }) => s.responsibleParty?.id === sample.party.id);
        expect(site, role).toBeTruthy();
        expect(site.responsibleParty.contactPhone, role).toBe(expected(role, 'party'));
        expect((await get(role, `/api/sites/${site.id}`)).json().responsibleParty.contactPhone, role).toBe(expected(role, 'party'));
      }
      for (const role of ['admin', 'operator', 'leader', 'cadre'] as const) {
        const res = await get(role, '/api/export/sites.xlsx');
        expect(res.statusCode).toBe(200);
        const text = JSON.stringify(await sheetRows(res.rawPayload));
        expect(text.includes(sample.party.phone), role).toBe(PHONE_FULL.party.includes(role));
        if (!PHONE_FULL.party.includes(role)) expect(text).toContain(maskPhone(sample.party.phone)!);
      }
    });

    it('masks staff phones in the staff list, page and Excel export for everyone but the administrator', async () => {
      for (const role of ['admin', 'operator', 'leader'] as const) {
        const items = (await get(role, '/api/staff?limit=200')).json().items as { id: string; phone: string | null }[];
        expect(items.find((u) => u.id === sample.staff.id)?.phone, role).toBe(expected(role, 'staff'));
        expect((await get(role, `/api/staff/${sample.staff.id}`)).json().phone).toBe(expected(role, 'staff'));
        const text = JSON.stringify(await sheetRows((await get(role, '/api/export/staff.xlsx')).rawPayload));
        expect(text.includes(sample.staff.phone), role).toBe(role === 'admin');
      }
    });

    it('masks a handling unit’s phone in the unit list for roles that do not call units', async () => {
      for (const role of ROLES) {
        const items = (await get(role, '/api/handling-units')).json().items ?? (await get(role, '/api/handling-units')).json();
        const unit = (items as { id: string; contactPhone: string | null }[]).find((u) => u.id === sample.unit.id);
        expect(unit?.contactPhone, role).toBe(expected(role, 'unit'));
      }
    });

    it('reveals one number to the roles the policy names, records it in the audit log without the number, refuses the rest', async () => {
      for (const role of ROLES) {
        for (const k of PHONE_KINDS) {
          const res = await reveal(role, { kind: k, id: sample[k].id });
          const may = role !== 'leader' && (PHONE_FULL[k].includes(role) || PHONE_REVEAL[k].includes(role));
          if (!may) {
            expect(res.statusCode, `${role} ${k}`).toBeOneOf([403, 404]);
            continue;
          }
          expect(res.statusCode, `${role} ${k}: ${res.body}`).toBe(200);
          expect(res.json()).toEqual({ kind: k, id: sample[k].id, phone: sample[k].phone });
        }
      }
      const entries = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'reveal.phone').orderBy('seq').execute();
      const patrol = entries.find((e) => e.actor_username === 'patrol1' && e.entity_id === sample.party.id);
      expect(patrol).toMatchObject({ entity: 'reveal', actor_role: 'patrol' });
      expect(JSON.parse(patrol!.after_json!)).toEqual({ field: 'party.phone', masked: maskPhone(sample.party.phone) });
      for (const e of entries) expect(JSON.stringify(e)).not.toContain(sample.party.phone);
      // The leader reveals nothing (refused before any number is read), and leaves no entry.
      expect((await reveal('leader', { kind: 'party', id: sample.party.id })).json().error).toMatchObject({ code: 'forbidden' });
      expect(entries.some((e) => e.actor_username === 'leader')).toBe(false);
    });

    it('answers 404 for a party outside the caller’s scope and refuses bearer tokens (a person reveals, in a session)', async () => {
      const outside = await reveal('patrol', { kind: 'party', id: foreignParty });
      expect(outside.statusCode).toBe(404);
      const tok = (await ctx.app.inject({ method: 'POST', url: '/api/me/tokens', headers: { cookie: cookies.admin }, payload: { name: 'x', scopes: ['read', 'field', 'integration', 'admin'] } })).json();
      const byToken = await reveal('admin', { kind: 'party', id: sample.party.id }, { authorization: `Bearer ${tok.token}` });
      expect(byToken.statusCode).toBe(403);
      expect(byToken.json().error.details).toMatchObject({ permission: 'contacts.reveal' });
    });
  });
}
