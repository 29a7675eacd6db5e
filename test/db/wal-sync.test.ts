import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type DatabaseHandle, NO_DURABILITY_WAIT } from '../../src/db/index.js';

/**
 * synchronous = FULL on a file: the WAL is fdatasynced off the event loop by the group-commit
 * driver, and no transaction is acknowledged before a sync that began after its COMMIT.
 */
describe('SQLite FULL durability with the WAL synced off the event loop', () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;
  /** Calls of fs.fdatasync held until released: [fd, callback, rows on disk when it was called]. */
  let held: { fd: number; cb: (e: NodeJS.ErrnoException | null) => void; committed: number[] }[];
  let hold: boolean;
  let closed: boolean;
  const realSync = fs.fdatasync;
  const committed = () => {
    // A second connection sees exactly what is COMMITted to the file (synced or not).
    const other = new SQLite(file, { readonly: true });
    try {
      return (other.prepare('select id from t order by id').all() as { id: number }[]).map((r) => r.id);
    } finally {
      other.close();
    }
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-walsync-'));
    file = path.join(dir, 'x.db');
    held = [];
    hold = false;
    closed = false;
    vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
      if (!hold) return realSync(fd, cb);
      held.push({ fd, cb, committed: committed() });
    }) as typeof fs.fdatasync);
    handle = createDatabase({ kind: 'sqlite', file, synchronous: 'full' });
    await sql`create table t (id integer primary key)`.execute(handle.db);
  });
  afterEach(async () => {
    hold = false;
    for (const h of held.splice(0)) h.cb(null);
    if (!closed) await handle.destroy().catch(() => {});
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number) => handle.db.transaction().execute((trx) => trx.insertInto('t' as never).values({ id } as never).execute());
  const until = async (ok: () => boolean) => {
    while (!ok()) await new Promise((r) => setImmediate(r));
  };

  it('the connection leaves syncing to the driver, which syncs the WAL file itself', async () => {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
    expect(rows[0]?.synchronous).toBe(0);
    await insert(1);
    const calls = vi.mocked(fs.fdatasync).mock.calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(fs.readlinkSync(`/proc/self/fd/${calls[0]![0]}`)).toBe(`${fs.realpathSync(dir)}/x.db-wal`);
  });

  it('a committed transaction is acknowledged only after the WAL sync that follows its COMMIT', async () => {
    hold = true;
    let done = false;
    const p = insert(1).then(() => (done = true));
    await until(() => held.length === 1);
    expect(held[0]!.committed).toEqual([1]); // COMMITted before the sync began…
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // …and not acknowledged while it runs
    hold = false;
    held.shift()!.cb(null);
    await p;
    expect(done).toBe(true);
  });

  it('syncs coalesce, and every acknowledgement follows a sync begun after that COMMIT (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), async (waves) => {
        hold = false;
        await sql`delete from t`.execute(handle.db);
        hold = true;
        let next = 1;
        // Ids whose COMMIT a released (completed) sync covered: an acknowledgement must find its id here.
        const covered = new Set<number>();
        const early: number[] = [];
        const release = (h: (typeof held)[number]) => {
          for (const id of h.committed) covered.add(id);
          h.cb(null);
        };
        const all: Promise<unknown>[] = [];
        for (const n of waves) {
          for (let i = 0; i < n; i++) {
            const id = next++;
            all.push(insert(id).then(() => covered.has(id) || early.push(id)));
          }
          await until(() => held.length > 0);
          release(held.shift()!);
        }
        let settled = false;
        const done = Promise.all(all).then(() => (settled = true));
        while (!settled) {
          await until(() => held.length > 0 || settled);
          if (held.length) release(held.shift()!);
        }
        await done;
        hold = false;
        expect(early).toEqual([]);
        expect(committed()).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
      }),
      { numRuns: 15 },
    );
  });

  it('a write outside any transaction is acknowledged only after a WAL sync; one marked NO_DURABILITY_WAIT at once', async () => {
    hold = true;
    let done = false;
    const p = handle.db.insertInto('t' as never).values({ id: 7 } as never).execute().then(() => (done = true));
    await until(() => held.length === 1);
    expect(held[0]!.committed).toEqual([7]);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    // A rate-limit count: answered while the sync is still held.
    await handle.db.insertInto('t' as never).values({ id: 8 } as never).modifyEnd(sql.raw(NO_DURABILITY_WAIT)).execute();
    expect(committed()).toEqual([7, 8]);
    expect(done).toBe(false);
    hold = false;
    held.shift()!.cb(null);
    await p;
  });

  it('a failed sync rejects its transactions and every later one', async () => {
    hold = true;
    const first = insert(1);
    await until(() => held.length === 1);
    hold = false;
    held.shift()!.cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(first).rejects.toThrow(/EIO/);
    await expect(insert(2)).rejects.toThrow(/EIO/);
  });

  it('closing turns FULL back on so the last checkpoint syncs the database', async () => {
    await insert(1);
    closed = true;
    await handle.destroy();
    expect(fs.existsSync(`${file}-wal`)).toBe(false); // checkpointed and removed by the last close
    const again = new SQLite(file, { readonly: true });
    expect(again.prepare('select count(*) as n from t').get()).toEqual({ n: 1 });
    again.close();
  });
});
