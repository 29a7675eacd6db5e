import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCaseEvent } from '../../src/domain/cases/events.js';
import { caseUpdate } from '../../src/domain/cases/hot-queries.js';
import { type ChainedEvent, eventHash, eventHashParts, GENESIS_HASH } from '../../src/domain/cases/hash-chain.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

// Text an event may carry: quotes, backslashes, control characters, CJK, astral characters, the
// very keys the hash is split around (PostgreSQL text holds no NUL, so none is generated).
const text = fc
  .string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '\u2028', '处', '置', '😀', '"prev_hash":"', '","seq":0,"subdistrict_id":'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) })
  .map((s) => s.replaceAll('\u0000', ''));
const changes = fc.dictionary(fc.oneof(fc.constantFrom('status', 'prev_hash', 'seq'), text), fc.tuple(fc.oneof(fc.constant(null), text, fc.integer()), fc.oneof(fc.constant(null), text, fc.integer())));
const gps = fc.option(fc.record({ lng: fc.double({ min: 73, max: 135, noNaN: true }), lat: fc.double({ min: 18, max: 53, noNaN: true }), accuracy: fc.option(fc.double({ min: 0, max: 500, noNaN: true })) }));

describe('event hash split around prev_hash and seq', () => {
  it('rebuilds exactly the hash of the whole event for any fields, prev_hash and seq', () => {
    fc.assert(
      fc.property(text, changes, fc.option(text), fc.stringMatching(/^[0-9a-f]{64}$/), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (note, ch, unit, prev, seq) => {
        const e: Omit<ChainedEvent, 'seq' | 'prev_hash'> = {
          id: 'e1', subdistrict_id: note, case_id: 'c1', action: 'note', from_status: null, to_status: 'filed', actor_user_id: null, actor_role: 'system',
          actor_unit_id: unit, at: '2026-12-06T02:00:00.000Z', device_at: null, lng: null, lat: null, accuracy_m: null, note, photo_ids: '[]', changes: JSON.stringify(ch),
        };
        const { head, tail } = eventHashParts(e);
        const split = createHash('sha256').update(`${prev}\n${head}${prev}","seq":${seq}${tail}`).digest('hex');
        expect(split).toBe(eventHash({ ...e, seq, prev_hash: prev }));
      }),
      { numRuns: 300 },
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`appending case events [${dialect}]`, () => {
    let f: CaseFixture;
    let sub: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      // A subdistrict of its own (no head yet): its first event starts from the genesis hash.
      sub = f.actors.xxOperator.subdistrictId as string;
    });
    afterAll(async () => f.ctx.close());
    const db = () => f.ctx.handle.db;

    it('stores events whose hash the audit recomputes, whatever they carry, and keeps the previous hash on the head', async () => {
      const c = await f.report(f.actors.patrol1);
      let last = GENESIS_HASH;
      await fc.assert(
        fc.asyncProperty(text, changes, gps, fc.option(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })), async (note, ch, g, device) => {
          const e = await db().transaction().execute((trx) =>
            appendCaseEvent(trx, f.ctx.clock, {
              subdistrictId: sub, caseId: c.id, action: 'note', fromStatus: 'reported', toStatus: 'reported', actor: { userId: null, role: 'system' },
              note, changes: ch as Record<string, [unknown, unknown]>, gps: g, deviceAt: device?.toISOString() ?? null,
            }),
          );
          const stored = await db().selectFrom('case_events').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
          expect(stored.prev_hash).toBe(last);
          expect(stored.hash).toBe(e.hash);
          const head = await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', sub).executeTakeFirstOrThrow();
          expect(head).toMatchObject({ seq: e.seq, hash: e.hash, prev_hash: last });
          last = e.hash;
        }),
        { numRuns: 40 },
      );
      expect(await verifyChain(db(), sub)).toMatchObject({ ok: true, events: 40, broken: null });
    });

    it('a stale case write undoes the whole transaction: what it wrote before, the event, the head', async () => {
      const c = await f.report(f.actors.patrol1);
      const headBefore = await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow();
      const day = `stale-${c.id}`;
      await expect(
        db().transaction().execute(async (trx) => {
          // A write earlier in the same transaction (as a transition's notification is).
          await trx.insertInto('case_number_counters').values({ subdistrict_id: f.hq, day, last: 1 }).execute();
          // The case is at version 1: a write at version 7 is stale.
          await appendCaseEvent(trx, f.ctx.clock, {
            subdistrictId: f.hq, caseId: c.id, action: 'file', fromStatus: 'reported', toStatus: 'filed', actor: { userId: f.actors.operator.userId, role: 'operator' },
          }, caseUpdate(trx, c.id, 7, { status: 'filed' }));
        }),
      ).rejects.toMatchObject({ code: 'stale_version' });
      expect(await db().selectFrom('case_number_counters').select('last').where('day', '=', day).execute()).toEqual([]);
      expect((await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).execute()).map((e) => e.action)).toEqual(['report']);
      expect(await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow()).toEqual(headBefore);
      expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, broken: null });
    });

    it('a transition at a version already moved on writes nothing: no event, no move of the head, the case as the winner left it', async () => {
      const c = await f.report(f.actors.patrol1);
      const headBefore = await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow();
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => f.act(f.actors.operator, c.id, { action: 'file', version: 1 })));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost) expect(r.reason).toBeInstanceOf(DomainError);
      for (const r of lost) expect((r.reason as DomainError).code).toBe('stale_version');
      const events = await db().selectFrom('case_events').select(['action']).where('case_id', '=', c.id).orderBy('seq').execute();
      expect(events.map((e) => e.action)).toEqual(['report', 'file']);
      const headAfter = await db().selectFrom('chain_heads').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow();
      expect(Number(headAfter.seq)).toBe(Number(headBefore.seq) + 1);
      expect((await db().selectFrom('cases').select(['version', 'status']).where('id', '=', c.id).executeTakeFirstOrThrow())).toEqual({ version: 2, status: 'filed' });
      expect(await verifyChain(db(), f.hq)).toMatchObject({ ok: true, broken: null });
    });
  });
}
