import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitSqliteDialect } from '../../src/db/sqlite-group-commit.js';

interface T {
  items: { id: number; v: string };
  kids: { id: number; parent: number };
}

describe('SQLite group commit driver', () => {
  let dir: string;
  let file: string;
  let db: Kysely<T>;
  let commits: number;
  /** A second connection: sees only what is committed to the file. */
  let other: SQLite.Database;
  const onDisk = () => (other.prepare('select id from items order by id').all() as { id: number }[]).map((r) => r.id);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-gc-'));
    file = path.join(dir, 'x.db');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    commits = 0;
    const prepare = sqlite.prepare.bind(sqlite);
    // Count physical COMMITs as they reach SQLite.
    (sqlite as { prepare: (s: string) => SQLite.Statement }).prepare = (s: string) => {
      const st = prepare(s);
      if (s === 'commit') {
        const run = st.run.bind(st);
        (st as { run: (...a: unknown[]) => unknown }).run = (...a: unknown[]) => {
          const r = run(...(a as []));
          commits++;
          return r;
        };
      }
      return st;
    };
    db = new Kysely<T>({ dialect: new GroupCommitSqliteDialect(sqlite) });
    await sql`create table items (id integer primary key, v text not null unique)`.execute(db);
    await sql`create table kids (id integer primary key, parent integer not null references items(id) deferrable initially deferred)`.execute(db);
    other = new SQLite(file, { readonly: true });
  });
  afterEach(async () => {
    other.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number, v = `v${id}`) => db.transaction().execute((trx) => trx.insertInto('items').values({ id, v }).execute());

  it('commits concurrent transactions in one COMMIT, and each resolves only once it is on disk', async () => {
    const seen: number[][] = [];
    await Promise.all([1, 2, 3, 4, 5].map((id) => insert(id).then(() => seen.push(onDisk()))));
    expect(commits).toBe(1);
    for (const s of seen) expect(s).toEqual([1, 2, 3, 4, 5]);
  });

  it('a lone transaction commits by itself', async () => {
    await insert(1);
    expect(onDisk()).toEqual([1]);
    await insert(2);
    expect(onDisk()).toEqual([1, 2]);
    expect(commits).toBe(2);
  });

  it('a failing transaction rolls back alone; the rest of its group commits', async () => {
    const results = await Promise.allSettled([
      insert(1, 'a'),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, v: 'b' }).execute();
        await trx.insertInto('items').values({ id: 3, v: 'a' }).execute(); // unique violation
      }),
      insert(4, 'd'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(onDisk()).toEqual([1, 4]);
    expect(commits).toBe(1);
  });

  it('when the COMMIT fails, every transaction of the group rejects and none is on disk', async () => {
    const results = await Promise.allSettled([
      insert(1),
      // a deferred foreign key is only checked at COMMIT: it poisons the whole group
      db.transaction().execute((trx) => trx.insertInto('kids').values({ id: 1, parent: 99 }).execute()),
      insert(2),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(onDisk()).toEqual([]);
    // and the database works again afterwards
    await insert(3);
    expect(onDisk()).toEqual([3]);
  });

  it('a write outside a transaction waits for the group commit; reads do not block', async () => {
    const order: string[] = [];
    await Promise.all([
      insert(1).then(() => order.push('tx')),
      db.insertInto('items').values({ id: 2, v: 'x' }).execute().then(() => order.push(`plain write, on disk: ${onDisk().join(',')}`)),
      db.selectFrom('items').select('id').execute().then((r) => order.push(`read ${r.length}`)),
    ]);
    expect(order).toContain('plain write, on disk: 1,2');
    expect(onDisk()).toEqual([1, 2]);
  });

  it('a transaction that rolls back alone does not keep the write lock: another connection can write soon after', async () => {
    await insert(1);
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 2, v: 'b' }).execute();
      throw new Error('validation failed');
    })).rejects.toThrow(/validation failed/);
    await new Promise((r) => setTimeout(r, 50));
    const writer = new SQLite(file, { timeout: 0 });
    try {
      expect(() => writer.exec('begin immediate')).not.toThrow();
      writer.exec('rollback');
    } finally {
      writer.close();
    }
    expect(onDisk()).toEqual([1]);
  });

  it('with the WAL synced off the event loop, writes after a lone rolled-back transaction still resolve', async () => {
    const walFile = path.join(dir, 'w.db');
    const sqlite = new SQLite(walFile);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = OFF');
    const wdb = new Kysely<T>({ dialect: new GroupCommitSqliteDialect(sqlite, { syncWalFile: `${walFile}-wal` }) });
    try {
      await sql`create table items (id integer primary key, v text not null unique)`.execute(wdb);
      await expect(wdb.transaction().execute(async () => {
        throw new Error('validation failed');
      })).rejects.toThrow(/validation failed/);
      await new Promise((r) => setTimeout(r, 50));
      const write = wdb.transaction().execute((trx) => trx.insertInto('items').values({ id: 1, v: 'a' }).execute());
      const outcome = await Promise.race([write.then(() => 'written'), new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000))]);
      expect(outcome).toBe('written');
      await wdb.insertInto('items').values({ id: 2, v: 'b' }).execute();
    } finally {
      await wdb.destroy();
    }
  });

  it('caps a group at maxGroup transactions', async () => {
    await Promise.all(Array.from({ length: 150 }, (_, i) => insert(i + 1)));
    expect(onDisk()).toHaveLength(150);
    expect(commits).toBeGreaterThanOrEqual(3); // 64 + 64 + 22
  });
});
