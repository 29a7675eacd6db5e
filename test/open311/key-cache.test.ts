import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle, type DialectKind, migrateToLatest } from '../../src/db/index.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { loadActor } from '../../src/domain/auth/actor.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { liveWebhookKeys } from '../../src/domain/open311/key-cache.js';
import { issueKey, revokeKey, verifyKey } from '../../src/domain/open311/keys.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/** Two instances = two connections (pools) on one database, each with its own per-process key cache. */
async function twoInstances(kind: DialectKind): Promise<{ a: DatabaseHandle; b: DatabaseHandle; close(): Promise<void> }> {
  if (kind === 'postgres') {
    const a = await testDatabase('postgres');
    const b = createDatabase({ kind: 'postgres', url: a.url!, schema: a.schema });
    return { a, b, close: async () => (await b.destroy(), await a.destroy()) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-keycache-'));
  const file = path.join(dir, 'two.db');
  const a = createDatabase({ kind: 'sqlite', file });
  await migrateToLatest(a.db);
  const b = createDatabase({ kind: 'sqlite', file });
  return { a, b, close: async () => (await b.destroy(), await a.destroy(), fs.rmSync(dir, { recursive: true, force: true })) };
}

for (const dialect of DIALECTS) {
  describe(`Open311 key cache across instances [${dialect}]`, () => {
    let two: Awaited<ReturnType<typeof twoInstances>>;
    let admin: Actor;
    let hq: string;
    const clock = new ManualClock('2026-05-26T02:30:00Z');

    beforeAll(async () => {
      two = await twoInstances(dialect);
      await seedDemo(two.a.db, clock);
      const db = two.a.db;
      admin = (await loadActor(db, (await db.selectFrom('users').select('id').where('username', '=', 'district-admin').executeTakeFirstOrThrow()).id))!;
      hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => two?.close());

    const issue = (db: DatabaseHandle['db']) =>
      db.transaction().execute((trx) => issueKey(trx, clock, admin, { name: `k${Math.random()}`, subdistrictIds: [hq], webhookUrl: 'https://hooks.example.cn/x', webhookScope: 'readable' }));

    it('a key revoked on one instance is refused by the other at once, and leaves its webhook list; a new key works at once everywhere', async () => {
      const k = await issue(two.a.db);
      // Both instances have the key cached (and the webhook list).
      for (const h of [two.a, two.b]) {
        expect((await verifyKey(h.db, k.key)).id).toBe(k.id);
        expect((await liveWebhookKeys(h.db)).map((w) => w.id)).toContain(k.id);
      }
      await two.a.db.transaction().execute((trx) => revokeKey(trx, clock, admin, k.id));
      for (const h of [two.b, two.a]) {
        await expect(verifyKey(h.db, k.key)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('revoked') });
        expect((await liveWebhookKeys(h.db)).map((w) => w.id)).not.toContain(k.id);
      }

      // Issued on B after A cached the list: A knows it at its next use.
      const fresh = await issue(two.b.db);
      expect((await verifyKey(two.a.db, fresh.key)).id).toBe(fresh.id);
      expect((await liveWebhookKeys(two.a.db)).map((w) => w.id)).toContain(fresh.id);
      // A wrong key is refused (and not remembered as anything).
      await expect(verifyKey(two.a.db, `${fresh.key}x`)).rejects.toMatchObject({ code: 'forbidden', message: 'Invalid api_key received' });
    });
  });
}
