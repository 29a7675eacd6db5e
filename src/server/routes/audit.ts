import { z } from 'zod';
import { exportAuditCsv, searchAudit } from '../../domain/audit/search-audit.js';
import { def } from '../route.js';

const shanghaiDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
const instant = z.iso.datetime({ offset: true });

const AuditQuery = {
  who: z.string().trim().min(1).max(100).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  entity: z.string().trim().min(1).max(60).optional(),
  entityId: z.string().trim().min(1).max(100).optional(),
  from: instant.optional(),
  to: instant.optional(),
};

export const search = def({
  schema: {
    tags: ['audit'],
    summary: 'Administrative audit log, newest first (who, action or `area.` prefix, entity, period)',
    querystring: z.strictObject({
      ...AuditQuery,
      before: z.coerce.number().int().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { before, limit, ...filter } = req.query;
    return searchAudit(deps.db, actor, filter, { before, limit });
  },
});

export const exportCsv = def({
  schema: {
    tags: ['audit'],
    summary: 'The matching audit entries as CSV (UTF-8 with BOM, opens in Excel)',
    querystring: z.strictObject(AuditQuery),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const { text, count } = await exportAuditCsv(deps.db, actor, req.query);
    const day = shanghaiDate(deps.clock.now());
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${day}.csv"`)
      .header('cache-control', 'no-store')
      .header('x-row-count', String(count));
    return text;
  },
});
