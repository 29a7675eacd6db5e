import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import { caseFixture, type CaseFixture } from './fixtures.js';

/**
 * A 'handle' proves the fix with photos (read in one statement with the case's before photos,
 * src/domain/cases/handle-photos.ts): each must be the handler's own, none listed twice, none a
 * before photo of the case, nor a before photo's content uploaded again. The rule over every mix
 * of such photos: refused exactly when one of them breaks it, naming the first that does; nothing
 * written when refused.
 */
type Kind = 'fresh' | 'before' | 'beforeCopy' | 'others' | 'missing';

for (const dialect of DIALECTS) {
  describe(`handle photos [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f?.ctx.close());

    const copyOf = async (photoId: string, owner: CaseFixture['actors']['handler1']) => {
      const id = await f.photo(owner);
      const { sha256 } = await f.ctx.handle.db.selectFrom('photos').select('sha256').where('id', '=', photoId).executeTakeFirstOrThrow();
      await f.ctx.handle.db.updateTable('photos').set({ sha256 }).where('id', '=', id).execute();
      return id;
    };

    it('property: refused exactly when a photo is not usable, repeated, a before photo or its copy; the first such is named', async () => {
      const a = f.actors;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom<Kind>('fresh', 'before', 'beforeCopy', 'others', 'missing'), { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          async (kinds, repeat) => {
            const before = await f.photo(a.patrol1);
            let c = await f.report(a.patrol1, { photoIds: [before] });
            c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
            c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
            const ids: string[] = [];
            // One copy of the before photo at most: a person cannot upload the same content twice.
            kinds = kinds.map((k, i) => (k === 'beforeCopy' && kinds.indexOf('beforeCopy') !== i ? 'fresh' : k));
            for (const k of kinds) {
              if (k === 'fresh') ids.push(await f.photo(a.handler1));
              else if (k === 'before') ids.push(before);
              else if (k === 'beforeCopy') ids.push(await copyOf(before, a.handler1));
              else if (k === 'others') ids.push(await f.photo(a.handler2));
              else ids.push('00000000-0000-4000-8000-000000000000');
            }
            if (repeat) ids.push(ids[0]!);
            // The expected refusal: repeats first, then the first photo not usable, then before photos, then copies.
            const firstRepeat = ids.findIndex((id, i) => ids.indexOf(id) !== i);
            // The reporter's before photo is not the handler's: it is refused as not usable before it is compared.
            const notOwn = ids.findIndex((_, i) => kinds[i] === 'others' || kinds[i] === 'missing' || kinds[i] === 'before');
            const copy = ids.findIndex((_, i) => kinds[i] === 'beforeCopy');
            const expected =
              firstRepeat >= 0 ? { field: `photoIds.${firstRepeat}`, reason: 'photo listed twice' }
              : notOwn >= 0 ? { field: `photoIds.${notOwn}`, reason: 'no such photo, or not uploaded by you' }
              : copy >= 0 ? { field: `photoIds.${copy}`, reason: 'the same picture as a before photo' }
              : null;
            const events = async () => (await f.ctx.handle.db.selectFrom('case_events').select('id').where('case_id', '=', c.id).execute()).length;
            const eventsBefore = await events();
            const got = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已处置', photoIds: ids }).then(
              (r) => ({ ok: r.status }),
              (e: unknown) => {
                if (!(e instanceof DomainError)) throw e;
                return { code: e.code, fields: (e.details as { fields?: { field: string; reason: string }[] } | undefined)?.fields };
              },
            );
            if (expected) {
              expect(got).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining(expected)] });
              expect(await events()).toBe(eventsBefore);
            } else {
              expect(got).toEqual({ ok: 'handled' });
              const after = await f.ctx.handle.db.selectFrom('case_photos').select('photo_id').where('case_id', '=', c.id).where('purpose', '=', 'after').execute();
              expect(after.map((p) => p.photo_id).sort()).toEqual([...ids].sort());
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });
}
