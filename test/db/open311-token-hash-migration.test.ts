import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tokenHash from '../../src/db/migrations/2026-12-10T0700-open311-token-hash.js';
import { fileRequest, type IntakeInput } from '../../src/domain/open311/intake.js';
import { resolveJurisdiction } from '../../src/domain/open311/jurisdictions.js';
import { caseByToken } from '../../src/domain/public-reports/tracking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { inTransaction } from '../../src/domain/shared/in-transaction.js';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { HQ } from '../open311/helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** More rows than two of the migration's batches (500), so the walk crosses batch boundaries. */
const CLONES = 1_000;

// The migration that stores the tracking token's hash in place of the token: every existing request
// gets the hash of its own token, the token column (and its unique index) is gone, an idempotency
// row still in its window keeps the plain token for the retry's answer.
for (const dialect of DIALECTS) {
  describe(`open311_requests.token → token_hash migration [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx?.close());

    const columnsOf = async (table: string) => {
      const t = (await ctx.handle.db.introspection.getTables()).find((x) => x.name === table)!;
      return t.columns.map((c) => c.name);
    };

    it('backfills the hash of every existing token, keeps the plain token only in idempotency rows, drops the token column', async () => {
      const db = ctx.handle.db;
      // One filing with a client token (an idempotency row), made before going back to the old schema.
      const j = await resolveJurisdiction(db, HQ);
      const input: IntakeInput = { service_code: 'A0301', attribute: { site_kind: 'bin_room' }, description: '箱房门口垃圾满溢',
        ...(await db.selectFrom('sites').select(['lat', 'lng']).where('subdistrict_id', '=', j.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow().then((s) => ({ lat: String(s.lat), long: String(s.lng) }))) };
      const filed = await inTransaction(db, (trx) => fileRequest(trx, ctx.clock, { kind: 'web' }, j, input, { clientToken: `migrate-${dialect}-0001` }));

      // Back to the schema before the migration: the filing's token comes back from its idempotency row.
      await tokenHash.down(db as never);
      expect(await columnsOf('open311_requests')).toContain('token');
      expect(await columnsOf('open311_requests')).not.toContain('token_hash');
      expect(await columnsOf('open311_idempotency')).not.toContain('token');
      const back = await db.selectFrom('open311_requests').selectAll().where('case_id', '=', filed.caseId).executeTakeFirstOrThrow();
      expect((back as unknown as { token: string }).token).toBe(filed.token);

      // Requests filed under the old schema, with their plain tokens (each on a case of its own).
      const c = await db.selectFrom('cases').selectAll().where('id', '=', filed.caseId).executeTakeFirstOrThrow();
      const tokens = new Map<string, string>([[filed.caseId, filed.token]]);
      const clones = Array.from({ length: CLONES }, (_, i) => ({ ...c, id: newId(), number: `${c.number}-${i}` }));
      for (let i = 0; i < clones.length; i += 50) {
        const part = clones.slice(i, i + 50);
        await db.insertInto('cases').values(part).execute();
        const rows = part.map((k) => {
          const token = randomBytes(18).toString('base64url');
          tokens.set(k.id, token);
          return { ...back, case_id: k.id, token };
        });
        await db.insertInto('open311_requests').values(rows as never).execute();
      }
      // An idempotency row of an old-schema filing still in its window.
      const retried = clones[CLONES - 1]!.id;
      await db.insertInto('open311_idempotency').values({ scope: 'web', idem_key: `token:migrate-${dialect}-0002`, case_id: retried, request_hash: 'x', created_at: c.reported_at } as never).execute();

      await tokenHash.up(db as never);

      expect(await columnsOf('open311_requests')).not.toContain('token');
      expect(await columnsOf('open311_requests')).toContain('token_hash');
      const rows = await db.selectFrom('open311_requests').selectAll().execute();
      expect(rows).toHaveLength(CLONES + 1);
      for (const r of rows) {
        expect(Object.keys(r)).not.toContain('token');
        expect(r.token_hash, r.case_id).toBe(sha256(tokens.get(r.case_id)!));
      }
      // No stored value of the table is, or contains, a token.
      const values = new Set(rows.flatMap((r) => Object.values(r)).filter((v): v is string => typeof v === 'string'));
      for (const t of tokens.values()) expect(values.has(t)).toBe(false);
      const text = JSON.stringify(rows);
      for (const t of [filed.token, tokens.get(retried)!, tokens.get(clones[0]!.id)!, tokens.get(clones[500]!.id)!]) expect(text).not.toContain(t);

      // The plain tokens left: those of the idempotency rows, for a retry's answer.
      const idem = await db.selectFrom('open311_idempotency').select(['case_id', 'token']).where('case_id', 'in', [filed.caseId, retried]).orderBy('idem_key').execute();
      expect(idem).toEqual([{ case_id: filed.caseId, token: filed.token }, { case_id: retried, token: tokens.get(retried)! }]);

      // The links still open their reports; a hash is unique.
      expect((await caseByToken(db, tokens.get(clones[777]!.id)!)).id).toBe(clones[777]!.id);
      expect((await caseByToken(db, filed.token)).id).toBe(filed.caseId);
      await db.insertInto('cases').values({ ...c, id: 'dup-token-case', number: `${c.number}-dup` }).execute();
      await expect(db.insertInto('open311_requests').values({ ...rows[0]!, case_id: 'dup-token-case' }).execute()).rejects.toThrow(/unique|duplicate/i);
    });
  });
}
