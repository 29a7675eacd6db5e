import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db, type DatabaseHandle, migrateToLatest } from '../../src/db/index.js';
import { loadActor } from '../../src/domain/auth/actor.js';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { recordAudit } from '../../src/domain/audit/record-audit.js';
import { ManualClock } from '../../src/domain/shared/clock.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/closeloop.js');

/**
 * `closeloop audit verify` as an operator runs it: the real command in its own process, over a
 * SQLite file, after someone edits the case_events table behind the application's back.
 */
describe('closeloop audit verify', () => {
  let dir: string;
  let handle: DatabaseHandle;
  let db: Db;
  let hq: string;
  const clock = new ManualClock('2026-05-26T02:30:00Z');

  function verify(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, NO_COLOR: '1', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.FORCE_COLOR;
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, 'audit', 'verify', ...args], { env, timeout: 90_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, out: stdout, err: stderr });
      });
    });
  }
  const events = () => db.selectFrom('case_events').selectAll().where('subdistrict_id', '=', hq).orderBy('seq').execute();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-audit-'));
    handle = createDatabase({ kind: 'sqlite', file: path.join(dir, 'closeloop.db') });
    db = handle.db;
    await migrateToLatest(db);
    await seedDemo(db, clock);
    hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    const op = await db.selectFrom('users').select('id').where('username', '=', 'operator').executeTakeFirstOrThrow();
    const actor = (await loadActor(db, op.id))!;
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0402').executeTakeFirstOrThrow();
    // two cases, four events in Hongqiao's chain: report, file, report, cancel
    for (const [i, second] of (['file', 'cancel'] as const).entries()) {
      const c = await db.transaction().execute((trx) =>
        reportCase(trx, clock, actor, { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `市民反映 ${i}` }),
      );
      clock.advance(60_000);
      await db.transaction().execute((trx) =>
        transitionCase(trx, clock, actor, c.id, { action: second, version: c.version, ...(second === 'cancel' ? { reason: '重复来电' } : {}) }),
      );
      clock.advance(60_000);
    }
    expect((await events()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
  afterAll(async () => {
    await handle?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports every subdistrict intact and exits 0 on an untouched database', async () => {
    const r = await verify();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/✓ 008 \S+: 4 events, chain intact/);
    expect(r.out).not.toContain('✗');
  });

  it('names the altered event (seq and id) and exits 3; once the edit is undone it verifies again', async () => {
    const second = (await events())[1]!;
    await db.updateTable('case_events').set({ note: '已立案（事后改写）' }).where('id', '=', second.id).execute();
    const r = await verify();
    expect(r.code).toBe(3);
    expect(r.out).toContain(`✗ 008`);
    expect(r.out).toContain(`first broken link at seq 2 (event ${second.id}) — altered`);
    // only the tampered subdistrict is broken; a run limited to another one passes
    const other = await db.selectFrom('subdistricts').select('code').where('id', '!=', hq).orderBy('code').executeTakeFirstOrThrow();
    const scoped = await verify('--subdistrict', other.code);
    expect(scoped.code).toBe(0);
    expect(scoped.out).toContain(`✓ ${other.code}`);

    await db.updateTable('case_events').set({ note: second.note }).where('id', '=', second.id).execute();
    expect((await verify('--subdistrict', '008')).code).toBe(0);
  });

  it('names a removed event as missing, and swapped events as reordered', async () => {
    const all = await events();
    const third = all[2]!;
    await db.deleteFrom('case_events').where('id', '=', third.id).execute();
    const missing = await verify('--subdistrict', '008');
    expect(missing.code).toBe(3);
    expect(missing.out).toContain('first broken link at seq 3');
    expect(missing.out).toContain('missing');
    await db.insertInto('case_events').values(third).execute();
    expect((await verify('--subdistrict', '008')).code).toBe(0);

    // swap the sequence numbers of events 3 and 4 (through a free number, as the pair is unique)
    const fourth = all[3]!;
    await db.updateTable('case_events').set({ seq: 99 }).where('id', '=', third.id).execute();
    await db.updateTable('case_events').set({ seq: 3 }).where('id', '=', fourth.id).execute();
    await db.updateTable('case_events').set({ seq: 4 }).where('id', '=', third.id).execute();
    const swapped = await verify('--subdistrict', '008');
    expect(swapped.code).toBe(3);
    expect(swapped.out).toContain(`first broken link at seq 3 (event ${fourth.id}) — reordered`);
  });

  it('verifies the administrative audit chain too: names an altered entry and exits 3', async () => {
    for (const days of [20, 25]) {
      await db.transaction().execute((trx) =>
        recordAudit(trx, clock, { actor: { userId: null, username: 'cli', role: 'system' }, action: 'enforcement_settings.update', entity: 'enforcement_settings', entityId: hq, subdistrictId: hq, before: { paymentDays: 15 }, after: { paymentDays: days } }),
      );
    }
    const ok = await verify();
    expect(ok.out).toContain('✓ audit log: 2 entries, chain intact');
    const first = await db.selectFrom('audit_log').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow();
    await db.updateTable('audit_log').set({ after_json: '{"paymentDays":99}' }).where('id', '=', first.id).execute();
    const r = await verify();
    expect(r.code).toBe(3);
    expect(r.out).toContain(`✗ audit log: first broken link at seq 1 (entry ${first.id}) — altered`);
    await db.updateTable('audit_log').set({ after_json: first.after_json }).where('id', '=', first.id).execute();
    expect((await verify()).out).toContain('✓ audit log: 2 entries');
  });
});
