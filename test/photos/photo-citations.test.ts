import { CompiledQuery, sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { migrations } from '../../src/db/migrations/index.js';
import { citationLookups, purgeUnattachedPhotos } from '../../src/domain/photos/purge.js';
import { appendCaseEvent, SYSTEM_ACTOR } from '../../src/domain/cases/events.js';
import { ensurePartitions } from '../../src/domain/ops/partitions.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { jpegWithExif } from '../helpers/images.js';
import { passedInspectionAnswer, photoPurgeContext, reportAtBinRoom } from './helpers.js';

const MIGRATION = '2026-12-10T0610-photo-citations';

/** The plan lines of a query: SQLite's query plan, or PostgreSQL's with sequential scans priced out (an index that exists is then used). */
async function planOf(db: Db, dialect: string, q: { compile(): { sql: string; parameters: readonly unknown[] } }): Promise<string[]> {
  const c = q.compile();
  if (dialect === 'sqlite') {
    return (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]))).rows.map((r) => r.detail);
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const rows = (await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]))).rows;
    return rows.map((r) => r['QUERY PLAN']);
  });
}

for (const dialect of DIALECTS) {
  describe(`the unattached-photo purge finds citations by index, not by scanning lists [${dialect}]`, () => {
    let env: Awaited<ReturnType<typeof photoPurgeContext>>;
    let ctx: TestContext;
    beforeAll(async () => {
      env = await photoPurgeContext(dialect, 'closeloop-cite-');
      ctx = env.ctx;
    });
    afterAll(async () => env?.close());

    const upload = (cookie: string, bytes: Buffer) => env.upload(cookie, bytes);
    const later = (days: number) => env.later(days);
    const citations = async (recordId: string) =>
      (await ctx.handle.db.selectFrom('photo_citations').select(['photo_id', 'list']).where('record_id', '=', recordId).orderBy('list').orderBy('photo_id').execute());
    const exists = (id: string) => env.exists(id);

    it('answers every look-up of a batch from an index: no whole-table read of check-ins or of the photo lists', async () => {
      const q = citationLookups(ctx.handle.db, ['p1', 'p2', 'p3']);
      for (const [name, query] of Object.entries(q)) {
        const plan = await planOf(ctx.handle.db, dialect, query);
        const text = plan.join('\n');
        if (dialect === 'sqlite') {
          expect(plan.filter((l) => /^SCAN /.test(l)), `${name}:\n${text}`).toEqual([]);
          expect(text, name).toMatch(/USING (COVERING )?INDEX (checkins_photo_ix|checkins_last_photo_ix|photo_citations_photo_ix)/);
        } else {
          expect(text, `${name}:\n${text}`).not.toMatch(/Seq Scan/);
          expect(text, name).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
        }
        if (name === 'checkins') expect(text).toMatch(/checkins_photo_ix|checkins_\w*photo_id\w*idx/);
        if (name === 'checkins') expect(text).toMatch(/checkins_last_photo_ix|checkins_\w*last_photo_id\w*idx/);
      }
    });

    it('keeps photo_citations in step with each list as it is written, changed and deleted; a list that is not JSON is judged as before', async () => {
      const db = ctx.handle.db;
      const patrol = await signInAs(ctx.app, 'patrol1');
      const [a, b, c] = [await upload(patrol, await jpegWithExif({ seed: 301 })), await upload(patrol, await jpegWithExif({ seed: 302 })), await upload(patrol, await jpegWithExif({ seed: 303 }))];
      // Insert: a case report's event names its photos.
      const caseId = await reportAtBinRoom(ctx, patrol, [a.id]);
      const event = await db.selectFrom('case_events').select('id').where('case_id', '=', caseId).where('photo_ids', '!=', '[]').executeTakeFirstOrThrow();
      expect(await citations(event.id)).toEqual([{ photo_id: a.id, list: 'case_events.photo_ids' }]);

      // Update: an inspection answer's lists change.
      const answer = await passedInspectionAnswer(ctx, patrol);
      expect(await citations(answer)).toEqual([]);
      await db.updateTable('inspection_answers').set({ photo_ids: JSON.stringify([b.id, b.id, 7]), after_photo_ids: JSON.stringify([c.id]) }).where('id', '=', answer).execute();
      expect(await citations(answer)).toEqual([
        { photo_id: c.id, list: 'inspection_answers.after_photo_ids' },
        { photo_id: b.id, list: 'inspection_answers.photo_ids' },
      ]);
      await db.updateTable('inspection_answers').set({ after_photo_ids: '[]' }).where('id', '=', answer).execute();
      expect(await citations(answer)).toEqual([{ photo_id: b.id, list: 'inspection_answers.photo_ids' }]);

      // An unreadable list cites every photo whose id it contains, as the purge always judged it.
      await db.updateTable('inspection_answers').set({ photo_ids: `["${b.id}", "${c.id}"` }).where('id', '=', answer).execute();
      expect(await citations(answer)).toEqual([{ photo_id: null, list: 'inspection_answers.photo_ids' }]);
      const files = filesFor(ctx.deps.config);
      await purgeUnattachedPhotos(db, later(40), files, { olderThanDays: 30 });
      for (const p of [a, b, c]) expect(await exists(p.id), p.id).toBe(true);

      // Delete: the answer's citations go with it, and the photos it alone cited are then purged.
      await db.deleteFrom('inspection_answers').where('id', '=', answer).execute();
      expect(await citations(answer)).toEqual([]);
      await purgeUnattachedPhotos(db, later(40), files, { olderThanDays: 30 });
      expect(await exists(a.id)).toBe(true);
      expect(await exists(b.id)).toBe(false);
      expect(await exists(c.id)).toBe(false);
    });

    it('cites what any list text names, read by its JSON: ids with quotes, backslashes or any script, repeats, other values, broken text', async () => {
      const db = ctx.handle.db;
      const answer = (await db.selectFrom('inspection_answers').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
      // What a list cites, as the purge reads it: the distinct strings of a JSON array; a text that is
      // not a JSON array, one null row (the purge then reads the text itself); nothing for [].
      const expected = (text: string) => {
        let v: unknown;
        try {
          v = JSON.parse(text);
        } catch {
          return [null];
        }
        if (!Array.isArray(v)) return [null];
        return [...new Set(v.filter((x): x is string => typeof x === 'string'))].sort();
      };
      const id = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '"', '\\', '/', ',', '[', ']', ' ', '照', '片', '\u00e9', '\u{1f4f7}', '\n', '\u0001'), maxLength: 8 });
      const element = fc.oneof({ weight: 5, arbitrary: id }, { weight: 1, arbitrary: fc.constantFrom<unknown>(7, null, true, { id: 'x' }, ['y']) });
      const text = fc.oneof(
        { weight: 6, arbitrary: fc.array(element, { maxLength: 5 }).map((xs) => JSON.stringify(xs)) },
        { weight: 1, arbitrary: fc.array(id, { maxLength: 4 }).map((xs) => JSON.stringify(xs, null, 1)) },
        { weight: 1, arbitrary: fc.array(id, { minLength: 1, maxLength: 3 }).chain((xs) => fc.nat(JSON.stringify(xs).length - 1).map((n) => JSON.stringify(xs).slice(0, n))) },
        { weight: 1, arbitrary: fc.constantFrom('{}', '"x"', '42', 'null', '[', ']', 'not json', '["a\nb"]', '["a\u0001"]', '["tab\there"]') },
      );
      await fc.assert(
        fc.asyncProperty(text, async (t) => {
          await db.updateTable('inspection_answers').set({ photo_ids: t }).where('id', '=', answer).execute();
          const got = (await db.selectFrom('photo_citations').select('photo_id').where('record_id', '=', answer).where('list', '=', 'inspection_answers.photo_ids').execute())
            .map((r) => r.photo_id)
            .sort();
          const want = t === '' ? [null] : expected(t);
          expect(got, t).toEqual(want);
        }),
        { numRuns: 150 },
      );
      await db.updateTable('inspection_answers').set({ photo_ids: '[]' }).where('id', '=', answer).execute();
    });

    if (dialect === 'postgres') {
      it('keeps the citations of case events the partitions job moves out of the DEFAULT partition into a new month', async () => {
        const db = ctx.handle.db;
        const patrol = await signInAs(ctx.app, 'patrol1');
        const kase = await db.selectFrom('cases').select(['id', 'subdistrict_id', 'status']).where('id', '=', await reportAtBinRoom(ctx, patrol)).executeTakeFirstOrThrow();
        // A month no partition covers yet: the event lands in case_events_default.
        const e = await db.transaction().execute((trx) =>
          appendCaseEvent(trx, new ManualClock('2033-05-10T03:00:00Z'), { subdistrictId: kase.subdistrict_id, caseId: kase.id, action: 'note', fromStatus: kase.status as never, toStatus: kase.status as never, actor: SYSTEM_ACTOR, note: 'moved' }),
        );
        await db.updateTable('case_events').set({ photo_ids: JSON.stringify(['moved-1', 'moved-2']) }).where('id', '=', e.id).execute();
        const where = async () => (await sql<{ t: string }>`select tableoid::regclass::text as t from case_events where id = ${e.id}`.execute(db)).rows[0]!.t;
        expect(await where()).toBe('case_events_default');
        const { created, moved } = await ensurePartitions(db, new ManualClock('2033-05-15T00:00:00Z'), 0);
        expect(created).toContain('case_events_y2033m05');
        expect(moved).toBeGreaterThan(0);
        expect(await where()).toBe('case_events_y2033m05');
        expect(await citations(e.id)).toEqual([
          { photo_id: 'moved-1', list: 'case_events.photo_ids' },
          { photo_id: 'moved-2', list: 'case_events.photo_ids' },
        ]);
        // And the moved partition keeps the rule for what is written there later.
        await db.updateTable('case_events').set({ photo_ids: JSON.stringify(['moved-3']) }).where('id', '=', e.id).execute();
        expect(await citations(e.id)).toEqual([{ photo_id: 'moved-3', list: 'case_events.photo_ids' }]);
      });
    }

    it('copies the lists already written when the migration runs', async () => {
      const db = ctx.handle.db;
      const event = await db.selectFrom('case_events').select('id').orderBy('id').executeTakeFirstOrThrow();
      const answer = await db.selectFrom('inspection_answers').select('id').orderBy('id').executeTakeFirstOrThrow();
      await migrations[MIGRATION]!.down!(db);
      await db.updateTable('case_events').set({ photo_ids: JSON.stringify(['before-1', 'before-2']) }).where('id', '=', event.id).execute();
      await db.updateTable('inspection_answers').set({ after_photo_ids: 'not json before-3' }).where('id', '=', answer.id).execute();
      await migrations[MIGRATION]!.up(db);
      expect(await citations(event.id)).toEqual([
        { photo_id: 'before-1', list: 'case_events.photo_ids' },
        { photo_id: 'before-2', list: 'case_events.photo_ids' },
      ]);
      expect((await citations(answer.id)).filter((r) => r.list === 'inspection_answers.after_photo_ids')).toEqual([{ photo_id: null, list: 'inspection_answers.after_photo_ids' }]);
    });
  });
}
