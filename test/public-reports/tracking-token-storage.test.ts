import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRequest, IDEMPOTENCY_WINDOW_MS, type IntakeInput } from '../../src/domain/open311/intake.js';
import { resolveJurisdiction } from '../../src/domain/open311/jurisdictions.js';
import { verifyKey } from '../../src/domain/open311/keys.js';
import { purgeExpired } from '../../src/domain/retention/purge.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { inTransaction } from '../../src/domain/shared/in-transaction.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { asText, HQ, newKey } from '../open311/helpers.js';
import { submitReport } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * A tracking token is a bearer proof (read the report, confirm or contest its fix): the request row
 * holds only its SHA-256; the plain token is kept in the filing's idempotency row, for a retry's
 * answer, until the retention job deletes that row after the replay window.
 */
for (const dialect of DIALECTS) {
  describe(`tracking tokens are stored hashed [${dialect}]`, () => {
    let ctx: TestContext;
    let point: { lat: string; lng: string };
    let code: string;
    let ipSeq = 0;
    const newIp = () => `10.${dialect === 'sqlite' ? 5 : 6}.0.${++ipSeq}`;
    const track = (token: string) => ctx.app.inject({ method: 'GET', url: `/api/public/reports/${token}`, remoteAddress: newIp() });
    /** Every stored value of the table's rows, as one text. */
    const tableText = async (table: 'open311_requests' | 'open311_idempotency') => JSON.stringify(await ctx.handle.db.selectFrom(table).selectAll().execute());

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      point = { lat: String(Number(site.lat)), lng: String(Number(site.lng)) };
      code = (await ctx.app.inject({ method: 'GET', url: `/api/public/reports/categories?lat=${point.lat}&lng=${point.lng}` })).json().categories[0].code;
    });
    afterAll(async () => ctx?.close());

    it('a public report: the request row holds the hash and never the token; a retry in the window gets the same token; after the retention job the plain token is gone and the link still works', async () => {
      const db = ctx.handle.db;
      const fields = { jurisdiction_id: HQ, service_code: code, lat: point.lat, lng: point.lng, site_kind: 'bin_room', description: '箱房门口垃圾满溢', client_token: `stored-${dialect}-0001` };
      const img = await jpegWithExif({ seed: 1 });
      const first = await submitReport(ctx.app, fields, img, { ip: newIp() });
      expect(first.statusCode, first.body).toBe(201);
      const { token, number } = first.json() as { token: string; number: string };
      const caseId = (await db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirstOrThrow()).id;

      const row = await db.selectFrom('open311_requests').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
      expect(Object.keys(row)).not.toContain('token');
      expect(row.token_hash).toBe(sha256(token));
      expect(await tableText('open311_requests')).not.toContain(token);
      // The only copy of the token: the filing's idempotency row.
      const idem = await db.selectFrom('open311_idempotency').selectAll().where('case_id', '=', caseId).execute();
      expect(idem.map((i) => i.token)).toEqual([token]);

      // The link opens the report; its stored hash does not.
      expect((await track(token)).statusCode).toBe(200);
      expect((await track(row.token_hash)).statusCode).toBe(404);

      // The answer was lost: the retry within the window is answered with the same case and token.
      ctx.clock.advance(IDEMPOTENCY_WINDOW_MS - 60_000);
      const retry = await submitReport(ctx.app, fields, img, { ip: newIp() });
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.json()).toMatchObject({ number, token });

      // Past the replay window the retention job deletes the idempotency row, and the token with it.
      const later = new ManualClock(new Date(ctx.clock.now().getTime() + 2 * IDEMPOTENCY_WINDOW_MS));
      const purged = await purgeExpired(db, later, { signInEventsDays: 180 });
      expect(purged.open311Idempotency).toBeGreaterThanOrEqual(1);
      expect(await db.selectFrom('open311_idempotency').select('idem_key').where('case_id', '=', caseId).execute()).toEqual([]);
      expect(await tableText('open311_idempotency')).not.toContain(token);
      expect(await tableText('open311_requests')).not.toContain(token);
      // The reporter's link still works: it is checked against the hash.
      const view = await track(token);
      expect(view.statusCode, view.body).toBe(200);
      expect(view.json().number).toBe(number);
    });

    it('an Open311 filing with a client token: only the hash in the request row, the retry gets the same token, tokens/{token} finds it', async () => {
      const db = ctx.handle.db;
      const caller = { kind: 'key' as const, key: await verifyKey(db, (await newKey(ctx)).key) };
      const j = await resolveJurisdiction(db, HQ);
      const input: IntakeInput = { service_code: 'A0301', lat: point.lat, long: point.lng, attribute: { site_kind: 'bin_room' }, description: '箱房旁湿垃圾桶里混有干垃圾' };
      const opts = { clientToken: `open311-${dialect}-0001` };
      const first = await inTransaction(db, (trx) => fileRequest(trx, ctx.clock, caller, j, input, opts));
      const again = await inTransaction(db, (trx) => fileRequest(trx, ctx.clock, caller, j, input, opts));
      expect(again).toMatchObject({ replayed: true, caseId: first.caseId, serviceRequestId: first.serviceRequestId, token: first.token });
      const row = await db.selectFrom('open311_requests').selectAll().where('case_id', '=', first.caseId).executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(sha256(first.token));
      expect(await tableText('open311_requests')).not.toContain(first.token);
      const res = await ctx.app.inject({ method: 'GET', url: `/open311/v2/tokens/${first.token}.json?jurisdiction_id=${HQ}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(asText(res.json())).toEqual([{ service_request_id: first.serviceRequestId, token: first.token }]);
    });
  });
}
