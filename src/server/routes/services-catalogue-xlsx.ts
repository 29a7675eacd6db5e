import { z } from 'zod';
import { recordAudit } from '../../domain/audit/record-audit.js';
import { exportCatalogue } from '../../domain/services-catalogue/export-catalogue.js';
import { importCatalogue } from '../../domain/services-catalogue/import-catalogue.js';
import { assertMayWriteCatalogue } from '../../domain/services-catalogue/catalogue.js';
import { def } from '../route.js';
import { readUpload, sendXlsx } from './ledgers.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

const tags = ['services'];

export const exportRoute = def({
  schema: { tags, summary: 'The service-item catalogue as a workbook (.xlsx): categories, every item\'s latest 办事指南, materials on their own sheet' },
  handler: async ({ reply, deps, actor }) => {
    const { bytes, count } = await exportCatalogue(deps.db, actor);
    return sendXlsx(reply, deps, { ascii: 'service-catalogue', zh: '事项目录' }, bytes, count);
  },
});

export const importRoute = def({
  schema: {
    tags,
    summary: 'Import the catalogue workbook (administrators): dryRun=true previews (new items, new versions, unchanged, errors per row); the apply sends the preview\'s digest and writes exactly that plan, all or nothing',
    description:
      'multipart/form-data with the .xlsx in the field `file`. `effectiveFrom` (default today) is the date new items and new versions start. ' +
      'A preview answers 200 with the plan, bad rows in `errors`. An apply with bad rows → 422 `import_failed`; with a `digest` other than its own plan\'s → 409.',
    consumes: ['multipart/form-data'],
    querystring: z.strictObject({
      dryRun: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
      effectiveFrom: CalendarDay.optional(),
      digest: z.string().regex(/^[0-9a-f]{64}$/, 'the digest of a preview').optional(),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    assertMayWriteCatalogue(actor);
    const bytes = await readUpload(req);
    return importCatalogue(deps.db, deps.clock, actor, bytes, {
      dryRun: req.query.dryRun,
      effectiveFrom: req.query.effectiveFrom,
      digest: req.query.digest,
      beforeCommit: (trx, plan) =>
        recordAudit(trx, deps.clock, {
          actor, action: 'import.service_catalogue', entity: 'import', entityId: 'service_catalogue', subdistrictId: null, districtId: null,
          after: { effectiveFrom: plan.effectiveFrom, counts: plan.counts, digest: plan.digest, items: plan.items.filter((i) => i.kind !== 'unchanged'), bytes: bytes.length },
          ip: req.ip,
        }),
    });
  },
});
