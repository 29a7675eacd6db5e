import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/index.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/**
 * Transactions on the engines as the product opens them. On PostgreSQL a transaction's BEGIN is
 * pipelined with its first statement when that is a read (src/db/pg-pipelined-begin.ts): the
 * transaction must still hold everything it did, or nothing.
 */
describe.each(DIALECTS)('transactions [%s]', (kind) => {
  let h: DatabaseHandle;
  /** What each PostgreSQL connection wrote (the protocol message's type letter) and when answers arrived. */
  const wire: string[] = [];
  beforeAll(async () => {
    h = await testDatabase(kind);
    h.pool?.on('connect', (client: pg.Client) => {
      const c = client as unknown as { connection: { stream: { write: (b: Buffer, ...a: unknown[]) => boolean; prependListener: (e: string, f: () => void) => void } } };
      const write = c.connection.stream.write.bind(c.connection.stream);
      c.connection.stream.write = (b: Buffer, ...a: unknown[]) => {
        wire.push(`${String.fromCharCode(b[0]!)}${b[0] === 0x51 ? `:${b.subarray(5, b.length - 1).toString('utf8')}` : ''}`);
        return write(b, ...a);
      };
      // Before the driver parses (and answers) what arrived.
      c.connection.stream.prependListener('data', () => wire.push('received'));
    });
    await sql`create table pipelined_probe (k text primary key, n integer not null)`.execute(h.db);
  });
  afterAll(() => h.destroy());

  const count = async (k: string) => (await h.db.selectFrom('pipelined_probe' as never).select(sql<number>`count(*)`.as('n')).where(sql.ref('k'), '=', k).executeTakeFirst())?.n;

  it('keeps what a transaction that starts with a read wrote, and undoes it when the transaction fails', async () => {
    await h.db.transaction().execute(async (trx) => {
      await sql`select 1 as one`.execute(trx);
      await sql`insert into pipelined_probe (k, n) values ('kept', 1)`.execute(trx);
    });
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`select 1 as one`.execute(trx);
        await sql`insert into pipelined_probe (k, n) values ('undone', 1)`.execute(trx);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(Number(await count('kept'))).toBe(1);
    expect(Number(await count('undone'))).toBe(0);
  });

  it('undoes a transaction whose first statement is a write', async () => {
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`insert into pipelined_probe (k, n) values ('first-write', 1)`.execute(trx);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(Number(await count('first-write'))).toBe(0);
  });

  it('holds a row lock taken by its first read until it commits (no lost update)', async () => {
    await sql`insert into pipelined_probe (k, n) values ('counter', 0)`.execute(h.db);
    const lock = kind === 'postgres' ? sql` for update` : sql``;
    // Read, then write what was read plus one: without a transaction around both, concurrent
    // increments overwrite each other.
    await Promise.all(
      Array.from({ length: 24 }, () =>
        h.db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ n: number }>`select n from pipelined_probe where k = 'counter'${lock}`.execute(trx);
          await sql`update pipelined_probe set n = ${Number(rows[0]!.n) + 1} where k = 'counter'`.execute(trx);
        }),
      ),
    );
    const { rows } = await sql<{ n: number }>`select n from pipelined_probe where k = 'counter'`.execute(h.db);
    expect(Number(rows[0]!.n)).toBe(24);
  });

  it.runIf(kind === 'postgres')('sends BEGIN and the first read together, and waits for BEGIN before a first write', async () => {
    const shapeOf = async (first: 'read' | 'write') => {
      wire.length = 0;
      await h.db.transaction().execute(async (trx) => {
        // With a parameter, as the product's statements: parse, bind, execute (B is the bind).
        if (first === 'read') await sql`select ${1}::integer as one`.execute(trx);
        else await sql`update pipelined_probe set n = n where k = ${'counter'}`.execute(trx);
      });
      const begin = wire.indexOf('Q:begin');
      expect(begin).toBeGreaterThanOrEqual(0);
      // What went out after BEGIN before its answer came back.
      return wire.slice(begin + 1, wire.indexOf('received', begin));
    };
    expect(await shapeOf('read')).toContain('B');
    expect(await shapeOf('write')).toEqual([]);
  });
});
