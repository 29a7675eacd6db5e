import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, SITE_KINDS, SITE_STATUSES } from '../../db/schema.js';
import { assertCan } from '../../domain/auth/permissions.js';
import { exportSites } from '../../domain/registry/export-sites.js';
import { importSites } from '../../domain/registry/import-sites.js';
import { DomainError, invalidField } from '../../domain/shared/errors.js';
import { looksLikeXlsx } from '../../domain/shared/xlsx.js';
import { exportStaff } from '../../domain/staff/export-staff.js';
import { importStaff } from '../../domain/staff/import-staff.js';
import type { Deps } from '../deps.js';
import { recordAudit } from '../../domain/audit/record-audit.js';
import { def } from '../route.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ImportQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

const ImportResult = z.object({ imported: z.number().int(), dryRun: z.boolean() });

/**
 * The upload, checked before anything parses it: multipart, a `file` part, within
 * UPLOAD_MAX_BYTES (a truncated file is refused, never half-read), and zip bytes.
 */
export async function readUpload(req: FastifyRequest): Promise<Buffer> {
  if (!req.isMultipart()) throw new DomainError('unsupported_media_type', 'Send the .xlsx as multipart/form-data in the field "file"');
  const tooLarge = () => new DomainError('payload_too_large', 'The file is larger than allowed');
  let bytes: Buffer;
  try {
    const part = await req.file();
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw invalidField('file', 'required: attach the .xlsx in the field "file"');
    }
    bytes = await part.toBuffer();
    if (part.file.truncated) throw tooLarge();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) throw tooLarge();
    if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new DomainError('unsupported_media_type', e.message ?? 'Not multipart');
    throw invalidField('file', `unreadable upload: ${e.message ?? 'malformed multipart body'}`);
  }
  if (!bytes.length) throw invalidField('file', 'the file is empty');
  if (!looksLikeXlsx(bytes)) throw new DomainError('unsupported_media_type', 'Expected an .xlsx workbook (Excel 2007 or later)');
  return bytes;
}

/** `attachment` with an ASCII fallback and the Chinese name per RFC 5987 / RFC 6266. */
export function attachment(asciiName: string, utf8Name: string): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(utf8Name)}`;
}

/** Today in Asia/Shanghai, for file names: 2026-05-26. */
const shanghaiDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

export function sendXlsx(reply: FastifyReply, deps: Deps, base: { ascii: string; zh: string }, bytes: Buffer, count: number) {
  const day = shanghaiDate(deps.clock.now());
  reply
    .header('content-type', XLSX_TYPE)
    .header('content-disposition', attachment(`${base.ascii}-${day}.xlsx`, `${base.zh}-${day}.xlsx`))
    .header('cache-control', 'no-store')
    .header('x-row-count', String(count));
  return bytes;
}

const uploadDescription =
  'multipart/form-data with the .xlsx in the field `file`. Every row is validated; any bad row → 422 `import_failed` ' +
  'with details.rows = [{ row, column, reason }] and nothing is written. `dryRun=true` validates without writing.';

export const importSitesRoute = def({
  schema: {
    tags: ['ledgers'],
    summary: 'Import a site ledger (.xlsx); all rows or none',
    description: uploadDescription,
    consumes: ['multipart/form-data'],
    querystring: ImportQuery,
    response: { 200: ImportResult },
  },
  handler: async ({ req, deps, actor }) => {
    assertCan(actor, 'registry.import');
    const bytes = await readUpload(req);
    return importSites(deps.db, deps.clock, actor, bytes, {
      dryRun: req.query.dryRun,
      audit: { ip: req.ip },
      beforeCommit: (trx, imported) =>
        recordAudit(trx, deps.clock, { actor, action: 'import.sites', entity: 'import', entityId: 'sites', after: { imported, bytes: bytes.length }, ip: req.ip }),
    });
  },
});

export const importStaffRoute = def({
  schema: {
    tags: ['ledgers'],
    summary: 'Import a staff ledger (.xlsx); all rows or none',
    description: uploadDescription,
    consumes: ['multipart/form-data'],
    querystring: ImportQuery,
    response: { 200: ImportResult },
  },
  handler: async ({ req, deps, actor }) => {
    assertCan(actor, 'registry.import');
    assertCan(actor, 'staff.write');
    const bytes = await readUpload(req);
    return importStaff(deps.db, deps.clock, actor, bytes, {
      dryRun: req.query.dryRun,
      audit: { ip: req.ip },
      beforeCommit: (trx, imported) =>
        recordAudit(trx, deps.clock, { actor, action: 'import.staff', entity: 'import', entityId: 'staff', after: { imported, bytes: bytes.length }, ip: req.ip }),
    });
  },
});

export const exportSitesRoute = def({
  schema: {
    tags: ['ledgers'],
    summary: 'The site ledger (.xlsx) of what I may see; same filters as the list',
    querystring: z.strictObject({
      subdistrictId: z.string().optional(),
      committeeId: z.string().optional(),
      gridId: z.string().optional(),
      kind: z.enum(SITE_KINDS).optional(),
      status: z.enum([...SITE_STATUSES, 'all']).optional(),
      q: z.string().trim().max(100).optional(),
    }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const { bytes, count } = await exportSites(deps.db, actor, req.query);
    return sendXlsx(reply, deps, { ascii: 'sites', zh: '点位台账' }, bytes, count);
  },
});

export const exportStaffRoute = def({
  schema: {
    tags: ['ledgers'],
    summary: 'The staff ledger (.xlsx) of the people I may see (no passwords)',
    querystring: z.strictObject({
      role: z.enum(ROLES).optional(),
      q: z.string().trim().max(50).optional(),
      committeeId: z.string().optional(),
    }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const { bytes, count } = await exportStaff(deps.db, actor, req.query);
    return sendXlsx(reply, deps, { ascii: 'staff', zh: '人员台账' }, bytes, count);
  },
});
