import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { resolveJurisdiction } from '../../domain/open311/jurisdictions.js';
import { clientHash, markAbusive, publicSide } from '../../domain/public-reports/abuse.js';
import { categoriesNear } from '../../domain/public-reports/categories-near.js';
import { confirmFix, contestFix } from '../../domain/public-reports/feedback.js';
import { issueChallenge, verifyChallenge } from '../../domain/public-reports/proof-of-work.js';
import { checkPublicReport, type PublicReportInput, submitPublicReport } from '../../domain/public-reports/submit.js';
import { publicReport } from '../../domain/public-reports/tracking.js';
import { storePhotoFiles } from '../../domain/photos/upload.js';
import { DomainError, invalidField } from '../../domain/shared/errors.js';
import { inTransaction } from '../../domain/shared/in-transaction.js';
import { filesFor } from '../../domain/storage/index.js';
import { rejectNul } from '../open311/form.js';
import { perMinute } from '../open311/rate-limit.js';
import { isUniqueViolation } from '../../db/index.js';
import { audited } from '../audited.js';
import { def } from '../route.js';
import { parseCaptureExif } from './capture-fields.js';

/**
 * The citizens' report-and-track page (/report): no account. A report needs a solved
 * proof-of-work challenge and stays within per-client budgets; the tracking token is the only
 * key to a report's page and to confirming or contesting its fix. Operators mark abuse.
 */
/** Budgets per client address per minute, shared by every instance (the submit budget per jurisdiction too). */
export const PUBLIC_REPORT_RATE = { submit: 5, submitPerJurisdiction: 600, challenge: 30, read: 240, respond: 10 } as const;

const MEDIA_BASE = '/open311/v2';
const TokenParams = z.strictObject({ token: z.string().min(1).max(100) });
const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
};

export const challenge = def({
  access: 'public',
  schema: { tags: ['public-reports'], summary: 'A signed proof-of-work challenge for one public report (solve: SHA-256 of "challenge:nonce" with `bits` leading zero bits)' },
  handler: async ({ req, deps }) => {
    await perMinute(deps, 'public-report.challenge', req.ip, PUBLIC_REPORT_RATE.challenge);
    return issueChallenge(deps.db, deps.clock);
  },
});

export const categories = def({
  access: 'public',
  schema: {
    tags: ['public-reports'],
    summary: 'The subdistrict, nearest site type and the report categories that apply where the citizen is',
    querystring: z.strictObject({ lat: z.coerce.number().min(-90).max(90), lng: z.coerce.number().min(-180).max(180) }),
  },
  handler: async ({ req, deps }) => {
    await perMinute(deps, 'public-report.read', req.ip, PUBLIC_REPORT_RATE.read);
    return categoriesNear(deps.db, req.query.lng, req.query.lat);
  },
});

const FIELDS = new Set(['jurisdiction_id', 'service_code', 'lat', 'lng', 'site_kind', 'description', 'phone', 'exif_taken_at', 'exif_lat', 'exif_lng', 'client_token']);
const MAX_FIELD = 4000;
const EXIF_FIELDS = { takenAt: 'exif_taken_at', lat: 'exif_lat', lng: 'exif_lng' };

/** The page's multipart body: known text fields, then one photo (field `photo`). */
async function readReport(req: FastifyRequest, now: Date) {
  if (!req.isMultipart()) throw invalidField('body', 'send the report as multipart/form-data');
  const f: Record<string, string> = {};
  let photo: Buffer | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (!FIELDS.has(part.fieldname)) throw invalidField(part.fieldname, 'unknown field');
        const v = String(part.value);
        rejectNul(part.fieldname, v);
        if (v.length > MAX_FIELD) throw invalidField(part.fieldname, `at most ${MAX_FIELD} characters`);
        f[part.fieldname] = v;
        continue;
      }
      if (part.fieldname !== 'photo' || photo) {
        await part.toBuffer();
        throw invalidField(part.fieldname, 'send one photo as field photo');
      }
      photo = await part.toBuffer();
      if (part.file.truncated) throw new DomainError('payload_too_large', 'The photo is larger than allowed', { field: 'photo' });
      if (!photo.length) throw invalidField('photo', 'empty file');
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const e = err as { code?: string; statusCode?: number; message?: string };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) throw new DomainError('payload_too_large', 'The photo is larger than allowed', { field: 'photo' });
    throw invalidField('body', `malformed or incomplete multipart body (${String(e.message ?? err).slice(0, 100)})`);
  }
  const exif = parseCaptureExif(now, EXIF_FIELDS, { exif_taken_at: f.exif_taken_at, exif_lat: f.exif_lat, exif_lng: f.exif_lng });
  const clientToken = f.client_token?.trim() || undefined;
  if (clientToken && !/^[A-Za-z0-9._:-]{8,128}$/.test(clientToken)) throw invalidField('client_token', 'use 8–128 letters, digits, . _ : -');
  return { f, photo, exif, clientToken };
}

/** The intake's names of the fields the page sends under its own names. */
const PAGE_FIELD: Record<string, string> = { long: 'lng', 'attribute[site_kind]': 'site_kind' };

/** A refusal of the intake as the page knows its fields (lng, site_kind), so the page can say which one to correct. */
function asPageFields(e: unknown): unknown {
  if (!(e instanceof DomainError)) return e;
  const d = e.details as { field?: unknown; fields?: { field: string; reason: string }[] } | undefined;
  if (!d || !Array.isArray(d.fields) || !d.fields.some((f) => PAGE_FIELD[f.field])) return e;
  const rename = (f: string) => PAGE_FIELD[f] ?? f;
  return new DomainError(e.code, e.message, { ...d, ...(typeof d.field === 'string' ? { field: rename(d.field) } : {}), fields: d.fields.map((f) => ({ ...f, field: rename(f.field) })) });
}

export const submit = def({
  access: 'public',
  schema: {
    tags: ['public-reports'],
    summary: 'File a report from the public page (multipart: jurisdiction_id, service_code, lat, lng, site_kind, description, phone?, exif_taken_at?, exif_lat?, exif_lng?, client_token?, photo; headers X-Pow-Challenge and X-Pow-Nonce); a retry with the client_token of a filed report answers with that filing',
  },
  handler: async ({ req, reply, deps }) => {
    try {
      await perMinute(deps, 'public-report.submit', req.ip, PUBLIC_REPORT_RATE.submit);
      // The work is checked before the body is read: an unsolved challenge costs the server nothing.
      const pow = await verifyChallenge(deps.db, deps.clock, header(req, 'x-pow-challenge'), header(req, 'x-pow-nonce'));
      const { f, photo, exif, clientToken } = await readReport(req, deps.clock.now());
      const j = await resolveJurisdiction(deps.db, f.jurisdiction_id);
      await perMinute(deps, 'public-report.submit-jurisdiction', j.id, PUBLIC_REPORT_RATE.submitPerJurisdiction, 'this jurisdiction');
      if (!photo) throw invalidField('photo', 'required: a photo of the problem');
      const hash = await clientHash(deps.db, deps.clock, req.ip);
      const input: PublicReportInput = { serviceCode: f.service_code, lat: f.lat, lng: f.lng, siteKind: f.site_kind, description: f.description, phone: f.phone };
      const opts = { challenge: pow, clientHash: hash, clientToken, duplicateRadiusM: deps.config.duplicates.radiusM, duplicateWindowHours: deps.config.duplicates.windowHours };
      // Everything that can refuse the report is checked before the photo is rendered and stored;
      // the filing's transaction checks again and records the photo only if it files the report.
      const first = await checkPublicReport(deps.db, deps.clock, j, input, opts);
      if (first) {
        reply.status(201);
        return { number: first.serviceRequestId, token: first.token, trackPath: first.trackPath, notice: first.serviceNotice };
      }
      // Checked like a staff upload (type sniffed, decoded, EXIF read; the original's EXIF kept when
      // re-encoding on the phone dropped it). Should the filing then fail, the content-addressed
      // files stay in the store unreferenced (harmless; the same bytes again reuse them).
      const stored = await storePhotoFiles(filesFor(deps.config), photo, exif);
      const file = () => inTransaction(deps.db, (trx) => submitPublicReport(trx, deps.clock, j, input, [stored], opts));
      // Two first attempts with one client token collide on it: the loser, run again, answers with
      // the winner's filing.
      const r = await file().catch((e: unknown) => {
        if (clientToken && isUniqueViolation(e)) return file();
        throw e;
      });
      reply.status(201);
      return { number: r.serviceRequestId, token: r.token, trackPath: r.trackPath, notice: r.serviceNotice };
    } catch (e) {
      // The page names its fields lng and site_kind where the intake says long and attribute[site_kind].
      throw asPageFields(e);
    }
  },
});

export const track = def({
  access: 'public',
  schema: { tags: ['public-reports'], summary: 'A report as its tracking link shows it: public stages and photos, never personal data', params: TokenParams },
  handler: async ({ req, reply, deps }) => {
    await perMinute(deps, 'public-report.read', req.ip, PUBLIC_REPORT_RATE.read);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return publicReport(deps.db, req.params.token, MEDIA_BASE);
  },
});

export const confirm = def({
  access: 'public',
  schema: { tags: ['public-reports'], summary: 'The reporter confirms the fix (closed cases, once per closing)', params: TokenParams, body: z.strictObject({ note: z.string().max(500).optional() }).optional() },
  handler: async ({ req, deps }) => {
    await perMinute(deps, 'public-report.respond', req.ip, PUBLIC_REPORT_RATE.respond);
    return inTransaction(deps.db, (trx) => confirmFix(trx, deps.clock, req.params.token, req.body?.note));
  },
});

export const contest = def({
  access: 'public',
  schema: { tags: ['public-reports'], summary: 'The reporter contests the fix: the case reopens for the operations centre to decide', params: TokenParams, body: z.strictObject({ reason: z.string().max(500) }) },
  handler: async ({ req, deps }) => {
    await perMinute(deps, 'public-report.respond', req.ip, PUBLIC_REPORT_RATE.respond);
    return inTransaction(deps.db, (trx) => contestFix(trx, deps.clock, req.params.token, req.body.reason));
  },
});

export const side = def({
  schema: { tags: ['public-reports'], summary: 'The public side of a case (channel, abuse mark, the reporter\'s answer to the fix); null for staff cases', params: IdParams },
  handler: async ({ req, deps, actor }) => ({ item: await publicSide(deps.db, actor, req.params.id) }),
});

export const abusive = def({
  schema: { tags: ['public-reports'], summary: 'Mark a public or Open311 report abusive (operators; audited)', params: IdParams, body: z.strictObject({ reason: z.string().max(500) }) },
  handler: async (c) => {
    const id = c.req.params.id;
    return audited(
      c,
      {
        action: 'public_report.mark_abusive', entity: 'public_report', entityId: id,
        before: (trx) => publicSide(trx, c.actor, id),
        after: (_trx, res) => res,
      },
      (trx) => markAbusive(trx, c.deps.clock, c.actor, id, c.req.body.reason),
    );
  },
});
