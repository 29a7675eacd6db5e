import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { parseInput } from './case-input.js';
import { transitionCase } from './transition-case.js';

export const BulkDispatchInput = z.strictObject({
  items: z.array(z.strictObject({ caseId: z.string().min(1).max(64), version: z.number().int().positive() })).min(1).max(200),
  unitId: z.string().min(1).max(64).optional(),
  userId: z.string().min(1).max(64).optional(),
  note: z.string().trim().min(1).max(2000).optional(),
});
export type BulkDispatchInput = z.input<typeof BulkDispatchInput>;

/**
 * Dispatches many filed cases to one unit or person. ALL-OR-NOTHING: it runs in the caller's
 * transaction, and the first failing item aborts the whole batch with its index in the error
 * (field `items.N…`), so the desk never ends up with half a batch dispatched.
 */
export async function bulkDispatch(db: Db, clock: Clock, actor: Actor, raw: BulkDispatchInput) {
  const input = parseInput(BulkDispatchInput, raw);
  const seen = new Set<string>();
  const results = [];
  for (const [i, item] of input.items.entries()) {
    if (seen.has(item.caseId)) throw new DomainError('validation_failed', `items.${i}.caseId: listed twice`, { fields: [{ field: `items.${i}.caseId`, reason: 'listed twice' }] });
    seen.add(item.caseId);
    try {
      results.push(await transitionCase(db, clock, actor, item.caseId, { action: 'dispatch', version: item.version, unitId: input.unitId, userId: input.userId, note: input.note }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const d = (e.details ?? {}) as { fields?: { field: string; reason: string }[] };
      throw new DomainError(e.code, `items.${i} (${item.caseId}): ${e.message}`, {
        ...d,
        index: i,
        caseId: item.caseId,
        ...(d.fields && { fields: d.fields.map((x) => ({ ...x, field: x.field === 'unitId' || x.field === 'userId' ? x.field : `items.${i}.${x.field}` })) }),
      });
    }
  }
  return { dispatched: results.length, items: results };
}
