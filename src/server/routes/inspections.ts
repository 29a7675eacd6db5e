import { z } from 'zod';
import { SITE_KINDS } from '../../db/schema.js';
import { ChecklistInput } from '../../domain/inspections/checklist-input.js';
import { getChecklist, listChecklists, publishChecklist } from '../../domain/inspections/checklists.js';
import { def } from '../route.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const checklists = def({
  schema: {
    tags: ['inspections'],
    summary: 'Checklist versions in my subdistricts (newest first, without items)',
    querystring: z.strictObject({ siteKind: z.enum(SITE_KINDS).optional(), subdistrictId: z.string().optional() }),
  },
  handler: async ({ req, deps, actor }) => ({ items: await listChecklists(deps.db, actor, req.query) }),
});

export const checklist = def({
  schema: { tags: ['inspections'], summary: 'One checklist version with its items', params: IdParams },
  handler: async ({ req, deps, actor }) => getChecklist(deps.db, actor, req.params.id),
});

export const publish = def({
  schema: {
    tags: ['inspections'],
    summary: 'Publish a new checklist version (administrators); past inspections keep theirs',
    body: ChecklistInput,
  },
  handler: async ({ req, reply, deps, actor }) => {
    const c = await publishChecklist(deps.db, deps.clock, actor, req.body);
    reply.status(201);
    return c;
  },
});
