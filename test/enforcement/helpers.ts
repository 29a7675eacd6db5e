import type { TestContext } from '../helpers/app.js';
import { jpegWithExif, multipart } from '../helpers/images.js';

export const HQ_GPS = { lng: 121.4215, lat: 31.2001, accuracy: 8 };

export async function hongqiao(ctx: TestContext) {
  const db = ctx.handle.db;
  const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
  const basis = async (code: string) =>
    (await db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', code).executeTakeFirstOrThrow()).id;
  const category = await db
    .selectFrom('case_categories')
    .select('id')
    .where('subdistrict_id', '=', hq.id)
    .where('code', '=', 'B0401')
    .executeTakeFirstOrThrow();
  const userId = async (username: string) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  return { subdistrictId: hq.id, art26: await basis('SH-DWMR-26-1'), art57: await basis('SH-DWMR-57'), categoryId: category.id, userId };
}

/** The n-th shop on a road whose name contains `kind` (the demo seed is deterministic). */
export async function shopOn(ctx: TestContext, subdistrictId: string, road: string, kind = '', skip = 0) {
  const rows = await ctx.handle.db
    .selectFrom('sites')
    .select(['id', 'name', 'address', 'responsible_party_id', 'lat', 'lng'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('kind', '=', 'shop')
    .where('address', 'like', `${road}%`)
    .where('name', 'like', `%${kind}%`)
    .orderBy('id')
    .execute();
  const s = rows[skip];
  if (!s) throw new Error(`no ${kind} shop on ${road}`);
  return s;
}

let seed = 1;
export async function uploadPhoto(ctx: TestContext, cookie: string): Promise<string> {
  const m = multipart(await jpegWithExif({ seed: seed++ }));
  const res = await ctx.app.inject({ method: 'POST', url: '/api/photos', payload: m.payload, headers: { ...m.headers, cookie } });
  if (res.statusCode !== 201) throw new Error(`upload failed ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function tableCounts(ctx: TestContext) {
  const db = ctx.handle.db;
  const n = async (t: 'enforcement_cases' | 'enforcement_steps' | 'enforcement_documents' | 'case_events' | 'cases') =>
    Number((await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const counters = await db.selectFrom('enforcement_document_counters').selectAll().orderBy('kind').orderBy('subdistrict_id').execute();
  return {
    cases: await n('enforcement_cases'), steps: await n('enforcement_steps'), documents: await n('enforcement_documents'),
    events: await n('case_events'), loopCases: await n('cases'),
    counters: counters.map((c) => `${c.subdistrict_id}:${c.kind}:${c.year}:${c.last}`).join(','),
  };
}
