import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LegalBasisInput } from '../../src/domain/enforcement/legal-basis.js';
import { verifyAuditChain } from '../../src/domain/audit/verify-audit.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { servicesContext } from '../services/helpers.js';
import { multipart, SITE_HEADER, STAFF_HEADER, workbook } from '../helpers/xlsx.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Call { method: Method; url: string; body?: object; upload?: Buffer }
type Ids = Record<string, string>;

/**
 * Every write route of the API (from the OpenAPI document) is either administrative — and then a
 * successful call here must leave an audit entry with who, when, from where and what — or listed
 * below as not administrative with the reason. A new write route fails this test until it is
 * classified, so no administrative change can ship unaudited.
 */
const NOT_ADMINISTRATIVE: Record<string, string> = {
  'POST /api/auth/sign-in': 'signing in: recorded in sign_in_events',
  'POST /api/auth/sign-out': 'ends the caller\'s own session',
  'POST /api/me/password': 'a person\'s own password (audited all the same: test/api/accounts.test.ts)',
  'POST /api/cases': 'casework: the case\'s hash-chained event log',
  'POST /api/cases/bulk-dispatch': 'casework: case events',
  'POST /api/cases/{id}/transitions': 'casework: case events',
  'POST /api/cases/{id}/spot-check': 'casework: case events',
  'POST /api/checkins': 'field work: the check-in is the record',
  'POST /api/inspections': 'field work: the inspection is the record',
  'POST /api/photos': 'evidence upload, hashed and stored',
  'POST /api/inbox/read-all': 'a person\'s own inbox',
  'POST /api/inbox/{id}/read': 'a person\'s own inbox',
  'POST /api/calendar/years/{year}/preview': 'a preview changes nothing',
  'POST /api/enforcement/cases': 'casework: enforcement case events',
  'POST /api/enforcement/cases/{id}/steps': 'casework: enforcement case events',
  'POST /api/enforcement/documents/{id}/corrections': 'casework: enforcement case events (enforcement_correction)',
  'POST /api/enforcement/documents/{id}/service': 'casework: enforcement case events (enforcement_service)',
  'POST /api/services/records': 'front-office casework: the record\'s own steps',
  'POST /api/services/records/{id}/steps': 'front-office casework: the record\'s own steps',
  'POST /api/services/records/{id}/reveal': 'each reveal is kept in the record\'s reveal log (GET …/reveals)',
  'POST /api/services/ratings/{id}/callback': 'front-office casework: the rating\'s follow-up',
  'POST /api/services/ratings/{id}/resolve': 'front-office casework: the rating\'s follow-up',
  'POST /api/services/ratings/{id}/appeal': 'front-office casework: the rating\'s follow-up',
  'POST /api/public/rate/{token}': 'a citizen\'s rating, no account',
  'POST /api/terminals/heartbeat': 'a device\'s health report: the terminal\'s status and its maintenance case\'s events',
  'POST /api/terminals/fault': 'a device\'s fault report: the terminal\'s status and its maintenance case\'s events',
  'POST /api/terminals/sessions': 'a device\'s report of a session a resident ran on it: operational data, not an administrative change',
  'POST /api/public/appointments': 'a citizen\'s booking, no account',
  'POST /api/public/appointments/{token}/cancel': 'a citizen cancels their own booking',
  'POST /api/services/appointments/{id}/check-in': 'front-office queue: the appointment and its ticket record who and when',
  'POST /api/services/queue/tickets': 'front-office queue: the ticket records who issued it and when',
  'POST /api/services/queue/call-next': 'front-office queue: the ticket records who called it and when',
  'POST /api/services/queue/tickets/{id}/start': 'front-office queue: the ticket\'s own timestamps',
  'POST /api/services/queue/tickets/{id}/finish': 'front-office queue: the ticket\'s own timestamps',
  'POST /api/services/queue/tickets/{id}/skip': 'front-office queue: the ticket\'s own timestamps',
  'POST /api/services/queue/tickets/{id}/recall': 'front-office queue: the ticket\'s own timestamps',
  'POST /api/services/queue/tickets/{id}/switch-item': 'front-office queue: each switch is an event on the ticket (who, when, from, to)',
  'POST /api/public/rate/{token}/feedback': 'a citizen\'s rating, no account',
  'POST /api/public/reports': 'a citizen\'s report, no account: case events',
  'POST /api/public/reports/{token}/confirm': 'a citizen\'s confirmation: case events',
  'POST /api/public/reports/{token}/contest': 'a citizen\'s contest: case events',
  'POST /open311/v2/requests.xml': 'an integration\'s report: case events',
  'POST /open311/v2/requests.json': 'an integration\'s report: case events',
};

/** Administrative routes whose audit entry another test asserts (their set-up lives there). */
const AUDITED_ELSEWHERE: Record<string, { file: string; action: string }> = {
  'POST /api/calendar/years/{year}': { file: 'test/api/calendar.test.ts', action: 'calendar.import_year' },
  'POST /api/jobs/{name}/run': { file: 'test/cases/deadline-instants.test.ts', action: 'job.run' },
  'POST /api/reveal/phone': { file: 'test/api/personal-data.test.ts', action: 'reveal.phone' },
  // Setting up a wall display ends the caller's own session: asserted with its own sign-ins.
  'POST /api/me/wall-session': { file: 'test/api/wall-sessions.test.ts', action: 'session.wall' },
  'POST /api/cases/{id}/abusive': { file: 'test/public-reports/public-reports.test.ts', action: 'public_report.mark_abusive' },
  'POST /api/open311/keys': { file: 'test/open311/keys.test.ts', action: 'open311_key' },
  // A global setting, changed by a district-level administrator, not this suite's subdistrict one.
  'PUT /api/settings/tokens': { file: 'test/api/permissions-matrix.test.ts', action: 'settings.token_lifetime' },
  'POST /api/services/catalogue/import': { file: 'test/services/catalogue-xlsx.test.ts', action: 'import.service_catalogue' },
  // The district-wide catalogue is written by a district-level administrator, not this suite's subdistrict one.
  'POST /api/services/items': { file: 'test/services/catalogue.test.ts', action: 'service_item.create' },
  'POST /api/services/items/{id}/versions': { file: 'test/services/catalogue.test.ts', action: 'service_item.publish_version' },
  'POST /api/services/ratings/{id}/appeal-decision': { file: 'test/services/ratings.test.ts', action: 'service_rating.appeal_decision' },
  'DELETE /api/open311/keys/{id}': { file: 'test/open311/keys.test.ts', action: 'open311_key' },
  'PATCH /api/open311/keys/{id}': { file: 'test/open311/keys-admin.test.ts', action: 'open311_key.update' },
  'POST /api/open311/keys/{id}/webhook-secret': { file: 'test/open311/keys-admin.test.ts', action: 'open311_key.rotate_webhook_secret' },
  'POST /api/open311/keys/{id}/deliveries/{deliveryId}/retry': { file: 'test/open311/keys-admin.test.ts', action: 'open311_delivery.retry' },
};

for (const dialect of DIALECTS) {
  describe(`every administrative route is audited [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    const ids: Ids = {};
    const IP = '10.77.0.9';

    /** Administrative route → a successful call as the administrator and the action it records. */
    // `also`: the entries a call makes besides its own, in order (a staff import audits each account it creates).
    const SCENARIOS: Record<string, { action: string; also?: string[]; call: (ids: Ids) => Call; keep?: (res: any, ids: Ids) => void }> = {
      'POST /api/staff': {
        action: 'user.create',
        call: (i) => ({ method: 'POST', url: '/api/staff', body: { username: 'audited.person', displayName: '审计人员', role: 'patrol', password: 'Shen-Ji-Ren-Yuan-2026', scopes: [{ subdistrictId: i.hq! }] } }),
        keep: (r, i) => (i.user = r.id),
      },
      'PATCH /api/staff/{id}': { action: 'user.update', call: (i) => ({ method: 'PATCH', url: `/api/staff/${i.user}`, body: { role: 'operator' } }) },
      'POST /api/staff/{id}/sign-out-all': { action: 'user.sessions.end_all', call: (i) => ({ method: 'POST', url: `/api/staff/${i.user}/sign-out-all` }) },
      'POST /api/handling-units': {
        action: 'handling_unit.create',
        call: (i) => ({ method: 'POST', url: '/api/handling-units', body: { subdistrictId: i.hq!, kind: 'property_company', name: '审计物业二' } }),
        keep: (r, i) => (i.unit = r.id),
      },
      'PATCH /api/handling-units/{id}': {
        action: 'handling_unit.update',
        call: (i) => ({ method: 'PATCH', url: `/api/handling-units/${i.unit}`, body: { name: '审计物业二（改）', contactPhone: '021-62340000' } }),
      },
      'POST /api/sites': {
        action: 'site.create',
        call: (i) => ({ method: 'POST', url: '/api/sites', body: { kind: 'shop', name: '审计小店二', address: '安顺路2号', committeeId: i.committee!, lng: 121.4216, lat: 31.2002 } }),
        keep: (r, i) => (i.site = r.id),
      },
      'PATCH /api/sites/{id}': { action: 'site.update', call: (i) => ({ method: 'PATCH', url: `/api/sites/${i.site}`, body: { name: '审计小店（改）', version: 1 } }) },
      'POST /api/sites/{id}/retire': { action: 'site.retire', call: (i) => ({ method: 'POST', url: `/api/sites/${i.site}/retire` }) },
      'POST /api/sites/{id}/restore': { action: 'site.restore', call: (i) => ({ method: 'POST', url: `/api/sites/${i.site}/restore` }) },
      'PUT /api/case-settings/{subdistrictId}': { action: 'case_settings.update', call: (i) => ({ method: 'PUT', url: `/api/case-settings/${i.hq}`, body: { spotCheckPercent: 20 } }) },
      'POST /api/import/sites': {
        action: 'import.sites',
        also: ['site.create'],
        call: (i) => ({ method: 'POST', url: '/api/import/sites', upload: Buffer.from(i.sitesFile!, 'base64') }),
      },
      'POST /api/import/staff': {
        action: 'import.staff',
        also: ['user.create'],
        call: (i) => ({ method: 'POST', url: '/api/import/staff', upload: Buffer.from(i.staffFile!, 'base64') }),
      },
      'POST /api/notifications/deliveries/{id}/retry': {
        action: 'webhook_delivery.retry',
        call: (i) => ({ method: 'POST', url: `/api/notifications/deliveries/${i.delivery}/retry` }),
      },
      'POST /api/catalogue': {
        action: 'catalogue.create',
        call: (i) => ({
          method: 'POST', url: '/api/catalogue',
          body: { subdistrictId: i.hq!, parentId: i.catalogueSub!, level: 'standard', code: 'A0198', nameZh: '审计标准', nameEn: 'Audit standard', defaultUnitKind: 'sanitation_company', fileHours: 0.5, dispatchHours: 0.5, handleHours: 2, checkHours: 4, limitMode: 'calendar', severity: 'normal' },
        }),
        keep: (r, i) => (i.standard = r.id),
      },
      'PATCH /api/catalogue/{id}': { action: 'catalogue.update', call: (i) => ({ method: 'PATCH', url: `/api/catalogue/${i.standard}`, body: { nameEn: 'Audit standard (edited)', version: 1 } }) },
      'POST /api/checklists': {
        action: 'checklist.publish',
        call: (i) => ({ method: 'POST', url: '/api/checklists', body: { subdistrictId: i.hq!, siteKind: 'shop', name: '审计检查表二', nameEn: 'Audit checklist 2', items: [{ code: 'SH-AUD2', text: '容器', textEn: 'Containers' }] } }),
      },
      'PUT /api/coverage/intervals': { action: 'inspection_interval.update', call: (i) => ({ method: 'PUT', url: '/api/coverage/intervals', body: { subdistrictId: i.hq!, siteKind: 'shop', grade: 'red', days: 5 } }) },
      'POST /api/campaigns': {
        action: 'campaign.create',
        call: (i) => ({ method: 'POST', url: '/api/campaigns', body: { subdistrictId: i.hq!, name: '审计排查二', siteKinds: ['shop'], startDate: '2026-05-26', endDate: '2026-06-08' } }),
      },
      'PUT /api/calendar/overrides': {
        action: 'calendar.put',
        call: (i) => ({ method: 'PUT', url: '/api/calendar/overrides', body: { date: '2026-10-12', kind: 'holiday', subdistrictId: i.hq! } }),
        keep: (r, i) => (i.override = r.id),
      },
      'DELETE /api/calendar/overrides/{id}': { action: 'calendar.remove', call: (i) => ({ method: 'DELETE', url: `/api/calendar/overrides/${i.override}` }) },
      'PUT /api/notifications/webhooks/{subdistrictId}': {
        action: 'webhook.put',
        call: (i) => ({ method: 'PUT', url: `/api/notifications/webhooks/${i.hq}`, body: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=audit2' } }),
      },
      'DELETE /api/notifications/webhooks/{subdistrictId}': { action: 'webhook.delete', call: (i) => ({ method: 'DELETE', url: `/api/notifications/webhooks/${i.hq}` }) },
      'PATCH /api/enforcement/settings/{subdistrictId}': { action: 'enforcement_settings.update', call: (i) => ({ method: 'PATCH', url: `/api/enforcement/settings/${i.hq}`, body: { paymentDays: 21 } }) },
      'POST /api/me/tokens': { action: 'token.create', call: () => ({ method: 'POST', url: '/api/me/tokens', body: { name: '审计对接', ttlDays: 30 } }), keep: (r, i) => (i.token = r.id) },
      'DELETE /api/me/tokens/{id}': { action: 'token.revoke', call: (i) => ({ method: 'DELETE', url: `/api/me/tokens/${i.token}` }) },
      'POST /api/services/grids': {
        action: 'service_grid.create',
        call: (i) => ({ method: 'POST', url: '/api/services/grids', body: { subdistrictId: i.hq!, code: 'AUD-G1', name: '审计网格', lng: 121.42, lat: 31.2 } }),
      },
      'POST /api/services/points': {
        action: 'service_point.create',
        call: (i) => ({ method: 'POST', url: '/api/services/points', body: { subdistrictId: i.hq!, kind: 'self_service_zone', code: 'AUD-P1', name: '审计专区', address: '安顺路3号', lng: 121.42, lat: 31.2, staffed: false } }),
        keep: (r, i) => (i.point = r.id),
      },
      'POST /api/services/points/{id}/status': { action: 'service_point.status', call: (i) => ({ method: 'POST', url: `/api/services/points/${i.point}/status`, body: { version: 1, status: 'built', on: '2026-05-20' } }) },
      'PUT /api/services/points/{id}/offer': { action: 'service_point.offer', call: (i) => ({ method: 'PUT', url: `/api/services/points/${i.point}/offer`, body: { version: 2, itemIds: [] } }) },
      'POST /api/services/points/{id}/terminal-token': {
        action: 'service_terminal.issue_token',
        call: (i) => ({ method: 'POST', url: `/api/services/points/${i.terminal}/terminal-token` }),
      },
      'PATCH /api/services/settings/{subdistrictId}': { action: 'service_settings.update', call: (i) => ({ method: 'PATCH', url: `/api/services/settings/${i.hq}`, body: { badRatingDays: 4 } }) },
      'POST /api/enforcement/legal-bases/{subdistrictId}': {
        action: 'legal_basis.create',
        call: (i) => ({ method: 'POST', url: `/api/enforcement/legal-bases/${i.hq}`, body: { ...JSON.parse(i.basisFields!), article: '第九十九条', code: 'AUD-99' } }),
        keep: (r, i) => (i.basis = r.id),
      },
      'PATCH /api/enforcement/legal-bases/{id}': {
        action: 'legal_basis.update',
        call: (i) => ({ method: 'PATCH', url: `/api/enforcement/legal-bases/${i.basis}`, body: { ...JSON.parse(i.basisFields!), article: '第九十八条', version: 1 } }),
      },
    };

    beforeAll(async () => {
      ctx = await servicesContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      const db = ctx.handle.db;
      ids.hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      ids.committee = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', ids.hq).orderBy('id').executeTakeFirstOrThrow()).id;
      const tree = (await ctx.app.inject({ method: 'GET', url: '/api/catalogue', headers: { cookie: admin } })).json().items;
      ids.catalogueSub = tree[0].children[0].id;
      ids.terminal = (await db.selectFrom('service_points').select('id').where('code', '=', 'YW008-T1').executeTakeFirstOrThrow()).id;
      const basis = (await ctx.app.inject({ method: 'GET', url: `/api/enforcement/legal-bases?subdistrictId=${ids.hq}`, headers: { cookie: admin } })).json();
      const first = (basis.items ?? basis)[0];
      const keys = Object.keys(LegalBasisInput.shape).filter((k) => k !== 'code');
      ids.basisFields = JSON.stringify(Object.fromEntries(keys.filter((k) => k in first).map((k) => [k, first[k]])));
      ids.sitesFile = (await workbook([SITE_HEADER, ['审计导入商铺', '沿街商铺', '安顺路9号', '安顺居民区', null, 121.4215, 31.2001, null, null, null, null, null, null]])).toString('base64');
      ids.staffFile = (await workbook([STAFF_HEADER, ['imp-audit', '导入审计', null, '领导', '虹桥街道', null, null, 'Dao-Ru-Shen-Ji-2026']])).toString('base64');
      // A delivery the robot refused, for the retry.
      const now = ctx.clock.now().toISOString();
      await db.insertInto('notifications').values({ id: 'audit-n1', subdistrict_id: ids.hq, kind: 'test', title: 't', body: 'b', case_id: null, dedupe_key: null, created_at: now }).execute();
      await db.insertInto('webhook_deliveries').values({
        id: 'audit-d1', notification_id: 'audit-n1', subdistrict_id: ids.hq, url: 'https://qyapi.weixin.qq.com/x', payload: '{}', status: 'failed', attempts: 5,
        next_attempt_at: now, claim_token: null, claimed_until: null, last_error: 'HTTP 500', response_code: 500, sent_at: null, created_at: now, updated_at: now,
      }).execute();
      ids.delivery = 'audit-d1';
    });
    afterAll(async () => ctx?.close());

    it('classifies every write route of the API: administrative (audited) or not, with the reason', async () => {
      const doc = ctx.app.swagger() as { paths: Record<string, Record<string, unknown>> };
      const writes = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`),
      );
      expect(writes.length).toBeGreaterThan(50);
      const unclassified = writes.filter((w) => !(w in SCENARIOS) && !(w in AUDITED_ELSEWHERE) && !(w in NOT_ADMINISTRATIVE));
      expect(unclassified, 'classify these write routes').toEqual([]);
      const stale = [...Object.keys(SCENARIOS), ...Object.keys(AUDITED_ELSEWHERE), ...Object.keys(NOT_ADMINISTRATIVE)].filter((k) => !writes.includes(k));
      expect(stale, 'routes classified here that the API no longer has').toEqual([]);
    });

    it('the tests named for the other administrative routes assert their audit action', () => {
      for (const [route, { file, action }] of Object.entries(AUDITED_ELSEWHERE)) {
        const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
        expect(text.includes(action) && /audit/.test(text), `${route}: ${file} asserts ${action}`).toBe(true);
      }
    });

    it('each administrative call leaves one entry: who, when, from where, what, and the state before/after', async () => {
      const adminId = (await ctx.handle.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;
      for (const [route, s] of Object.entries(SCENARIOS)) {
        const before = Number((await ctx.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
        const c = s.call(ids);
        const form = c.upload ? multipart(c.upload) : null;
        const res = await ctx.app.inject({
          method: c.method, url: c.url, remoteAddress: IP,
          headers: { cookie: admin, ...(form?.headers ?? {}) },
          ...(form ? { payload: form.payload } : c.body ? { payload: c.body } : {}),
        });
        expect(res.statusCode, `${route}: ${res.body}`).toBeLessThan(300);
        if (s.keep) s.keep(res.json(), ids);
        const added = await ctx.handle.db.selectFrom('audit_log').selectAll().where('seq', '>', before).orderBy('seq').execute();
        expect(added.map((e) => e.action), route).toEqual([...(s.also ?? []), s.action]);
        const e = added.at(-1)!;
        expect(e, route).toMatchObject({ actor_user_id: adminId, actor_username: 'admin', actor_role: 'admin', ip: IP });
        expect(Date.parse(e.at), route).toBe(ctx.clock.now().getTime());
        expect(e.before_json !== null || e.after_json !== null, `${route} records a state`).toBe(true);
      }
      expect((await verifyAuditChain(ctx.handle.db)).ok).toBe(true);
    });

    it('searches by an action prefix with an underscore and by instants with an offset', async () => {
      const search = async (q: string) => (await ctx.app.inject({ method: 'GET', url: `/api/audit?${q}`, headers: { cookie: admin } })).json().items.map((e: { action: string }) => e.action);
      expect((await search('action=service_point.')).sort()).toEqual(['service_point.create', 'service_point.offer', 'service_point.status']);
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(ctx.clock.now());
      const from = encodeURIComponent(`${day}T00:00:00+08:00`);
      expect((await search(`action=service_point.&from=${from}`)).length).toBe(3);
      expect(await search(`action=service_point.&to=${from}`)).toEqual([]);
    });
  });
}
