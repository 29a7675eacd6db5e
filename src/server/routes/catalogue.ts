import type { Db } from '../../db/index.js';
import { z } from 'zod';
import { CategoryInput, CategoryPatch } from '../../domain/catalogue/catalogue-input.js';
import { catalogueTree, createCategory, updateCategory } from '../../domain/catalogue/catalogue.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { def } from '../route.js';

export const tree = def({
  schema: {
    tags: ['catalogue'],
    summary: 'Problem catalogue (class → sub-class → working standard) of my subdistricts',
    querystring: z.strictObject({
      subdistrictId: z.string().optional(),
      includeInactive: z.enum(['true', 'false']).optional(),
      /** true: the tree a report picker offers, without the categories only the system files cases under. */
      filing: z.enum(['true', 'false']).optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => ({
    items: await catalogueTree(deps.db, actor, { subdistrictId: req.query.subdistrictId, includeInactive: req.query.includeInactive === 'true', filing: req.query.filing === 'true' }),
  }),
});

export const create = def({
  schema: { tags: ['catalogue'], summary: 'Add a class, sub-class or working standard (administrators)', body: CategoryInput },
  handler: async ({ req, reply, deps, actor }) => {
    const cat = await audited(
      { req, deps, actor },
      { action: 'catalogue.create', entity: 'catalogue', entityId: (c) => c.id, after: (trx, c) => snapshotRow(trx, 'case_categories', 'id', c.id) },
      (trx: Db) => createCategory(trx, deps.clock, actor, req.body),
    );
    reply.status(201);
    return cat;
  },
});

export const update = def({
  schema: {
    tags: ['catalogue'],
    summary: 'Edit a catalogue entry; send the version you read',
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    body: CategoryPatch,
  },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'catalogue.update',
        entity: 'catalogue',
        entityId: req.params.id,
        before: (trx) => snapshotRow(trx, 'case_categories', 'id', req.params.id),
        after: (trx) => snapshotRow(trx, 'case_categories', 'id', req.params.id),
      },
      (trx: Db) => updateCategory(trx, deps.clock, actor, req.params.id, req.body),
    ),
});
