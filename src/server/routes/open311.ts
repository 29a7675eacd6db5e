import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkRequest, type IntakeCaller, type IntakeOptions, fileRequest } from '../../domain/open311/intake.js';
import { type Jurisdiction, listJurisdictions, resolveJurisdiction } from '../../domain/open311/jurisdictions.js';
import { touchKey, type VerifiedKey, verifyKey } from '../../domain/open311/keys.js';
import { type Open311Status, parseW3cDateTime } from '../../domain/open311/public-stage.js';
import { getRequest, publicPhoto, requestNumberByToken } from '../../domain/open311/requests.js';
import { findServiceCategory, serviceAttributes, serviceCategories, toService } from '../../domain/open311/services.js';
import { requestUpdates } from '../../domain/open311/updates.js';
import { placeholderThumb } from '../../domain/photos/images.js';
import { filesFor } from '../../domain/storage/index.js';
import { storePhotoFiles } from '../../domain/photos/upload.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { Deps } from '../deps.js';
import { acceptsGzip, etagMatches } from '../http-cache.js';
import { cachedList, gzipped } from '../open311/cache.js';
import { parseForm, parseMultipart, queryParam } from '../open311/form.js';
import { perMinute, RATE } from '../open311/rate-limit.js';
import { type Format, send, sendRaw, splitFormat } from '../open311/render.js';
import { def } from '../route.js';
import { isUniqueViolation } from '../../db/index.js';

/**
 * Open311 GeoReport v2 at /open311/v2 (http://wiki.open311.org/GeoReport_v2): every resource in
 * XML and JSON by suffix. Reads are public and rate-limited per client; POST requests needs an
 * api_key. Authentication is the key alone — never a session cookie.
 */
export const OPEN311_BASE = '/open311/v2';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

const AnyQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional();
const FileParams = z.object({ file: z.string().min(1).max(200) });

const baseUrl = (req: FastifyRequest) => `${req.protocol}://${req.host}${OPEN311_BASE}`;

/** A key's own budget (GETs and POSTs that carry it), shared by every instance; notes when the key was last used. */
async function limitKey(deps: Deps, key: VerifiedKey): Promise<void> {
  await perMinute(deps, 'open311.key', key.id, key.ratePerMinute, 'this api_key');
  await touchKey(deps.db, deps.clock, key.id);
}

/**
 * The api_key a request sends, verified. A missing, wrong or revoked key is counted against the
 * client address's budget (the one an anonymous read uses) before the 403: each costs a look-up,
 * and adding api_key=junk must not step around the per-address limit — over it, 429 with Retry-After.
 */
async function verifiedKey(deps: Deps, req: FastifyRequest, apiKey: string | undefined): Promise<VerifiedKey> {
  try {
    return await verifyKey(deps.db, apiKey);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'forbidden') await perMinute(deps, 'open311.get', req.ip, RATE.publicGet);
    throw e;
  }
}

/** A GET's client budget: its key's rate when it sends a valid api_key, else the per-address one. */
async function limitRead(deps: Deps, req: FastifyRequest): Promise<VerifiedKey | null> {
  const apiKey = queryParam(req, 'api_key');
  if (apiKey) {
    const key = await verifiedKey(deps, req, apiKey);
    await limitKey(deps, key);
    return key;
  }
  await perMinute(deps, 'open311.get', req.ip, RATE.publicGet);
  return null;
}

function fileParam(req: FastifyRequest): [string, Format] {
  const file = (req.params as { file: string }).file;
  const split = splitFormat(file);
  if (!split) throw new DomainError('not_found', `No such resource: ${file} (append .xml or .json)`);
  return split;
}

const jurisdictionOf = (deps: Deps, req: FastifyRequest) => resolveJurisdiction(deps.db, queryParam(req, 'jurisdiction_id'));

function w3cParam(req: FastifyRequest, name: string): string | undefined {
  let v = queryParam(req, name);
  if (v === undefined) return undefined;
  // The + of an offset (+08:00, Shanghai's) sent without percent-encoding is decoded as a space.
  const unencodedPlus = /^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}:?\d{2})$/.exec(v);
  if (unencodedPlus) v = `${unencodedPlus[1]}+${unencodedPlus[2]}`;
  if (parseW3cDateTime(v) === null) {
    throw new DomainError('validation_failed', `${name} must be a w3c date-time with a time zone, e.g. 2010-01-01T00:00:00Z`, { field: name });
  }
  return v;
}

const listParam = (req: FastifyRequest, name: string) => {
  const v = queryParam(req, name);
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
};

// ---------- discovery ----------

function discovery(format: Format) {
  return def({
    access: 'public',
    schema: { tags: ['open311'], summary: `Open311 service discovery (${format.toUpperCase()})`, querystring: AnyQuery },
    handler: async ({ req, reply, deps }) => {
      await perMinute(deps, 'open311.get', req.ip, RATE.publicGet);
      const changed = await deps.db.selectFrom('case_categories').select((eb) => eb.fn.max('updated_at').as('at')).executeTakeFirst();
      const changeset = (changed?.at ? new Date(changed.at) : new Date(0)).toISOString().slice(0, 19).concat('Z');
      const jurisdictions = await listJurisdictions(deps.db);
      return send(reply, format, 'discovery', {
        changeset,
        contact: `closeloop 城运中心 Open311 接口；辖区 jurisdiction_id：${jurisdictions.map((j) => `${j.jurisdictionId}（${j.name}）`).join('、')}`,
        key_service: '向所在街道城运中心管理员申请 API key（控制台 → 系统 → Open311 接入）',
        endpoints: [{ specification: SPECIFICATION, url: baseUrl(req), changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
      });
    },
  });
}
export const discoveryXml = discovery('xml');
export const discoveryJson = discovery('json');

// ---------- services ----------

function servicesList(format: Format) {
  return def({
    access: 'public',
    schema: { tags: ['open311'], summary: `GET Service List (${format.toUpperCase()})`, querystring: AnyQuery },
    handler: async ({ req, reply, deps }) => {
      await limitRead(deps, req);
      const j = await jurisdictionOf(deps, req);
      const services = (await serviceCategories(deps.db, j.id)).map(toService);
      return send(reply, format, 'services', services as never);
    },
  });
}
export const servicesXml = servicesList('xml');
export const servicesJson = servicesList('json');

export const serviceDefinition = def({
  access: 'public',
  schema: { tags: ['open311'], summary: 'GET Service Definition: services/{service_code}.{xml|json}', params: FileParams, querystring: AnyQuery },
  handler: async ({ req, reply, deps }) => {
    const [code, format] = fileParam(req);
    await limitRead(deps, req);
    const j = await jurisdictionOf(deps, req);
    const service = await findServiceCategory(deps.db, j.id, code);
    const attributes = await serviceAttributes(deps.db, service);
    return send(reply, format, 'service_definition', { service_code: service.category.code, attributes } as never);
  },
});

// ---------- requests ----------

function requestsList(format: Format) {
  return def({
    access: 'public',
    schema: { tags: ['open311'], summary: `GET Service Requests (${format.toUpperCase()}): service_request_id, service_code, start_date, end_date, status`, querystring: AnyQuery },
    handler: async ({ req, reply, deps }) => {
      await limitRead(deps, req);
      const j = await jurisdictionOf(deps, req);
      const statuses = listParam(req, 'status');
      for (const s of statuses ?? []) {
        if (s !== 'open' && s !== 'closed') throw new DomainError('validation_failed', `status must be open or closed, not ${s}`, { field: 'status' });
      }
      const filter = {
        ids: listParam(req, 'service_request_id'),
        serviceCodes: listParam(req, 'service_code'),
        start: w3cParam(req, 'start_date'),
        end: w3cParam(req, 'end_date'),
        statuses: statuses as Open311Status[] | undefined,
      };
      const answer = await cachedList(deps.db, j, { format, mediaBase: baseUrl(req), filter, now: deps.clock.now() });
      reply.header('etag', answer.etag).header('vary', 'accept-encoding');
      if (etagMatches(req.headers['if-none-match'], answer.etag)) return reply.status(304).send();
      if (!acceptsGzip(req.headers['accept-encoding'])) return sendRaw(reply, format, answer.body);
      const gz = await gzipped(answer);
      return sendRaw(reply.header('content-encoding', 'gzip'), format, gz);
    },
  });
}
export const requestsXml = requestsList('xml');
export const requestsJson = requestsList('json');

export const requestOne = def({
  access: 'public',
  schema: { tags: ['open311'], summary: 'GET Service Request: requests/{service_request_id}.{xml|json}', params: FileParams, querystring: AnyQuery },
  handler: async ({ req, reply, deps }) => {
    const [id, format] = fileParam(req);
    await limitRead(deps, req);
    const j = await jurisdictionOf(deps, req);
    const one = await getRequest(deps.db, j, id, baseUrl(req));
    return send(reply, format, 'service_requests', [one] as never);
  },
});

export const tokenLookup = def({
  access: 'public',
  schema: { tags: ['open311'], summary: 'GET service_request_id from a token: tokens/{token}.{xml|json}', params: FileParams, querystring: AnyQuery },
  handler: async ({ req, reply, deps }) => {
    const [token, format] = fileParam(req);
    await limitRead(deps, req);
    const j = await jurisdictionOf(deps, req);
    const number = await requestNumberByToken(deps.db, j, token);
    return send(reply, format, 'service_requests', [{ service_request_id: number, token }]);
  },
});

function isForm(req: FastifyRequest) {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Decodes the body, checks the key, files the request; shared by the API and the public page. */
export async function postRequest(deps: Deps, req: FastifyRequest, caller: 'key' | 'web') {
  let parsed;
  if (req.isMultipart()) parsed = await parseMultipart(req);
  else if (isForm(req)) parsed = parseForm(typeof req.body === 'string' ? req.body : '');
  else throw new DomainError('validation_failed', 'Send the request as application/x-www-form-urlencoded or multipart/form-data', { field: 'content-type' });
  const apiKey = parsed.apiKey ?? queryParam(req, 'api_key');
  let who: IntakeCaller;
  let j: Jurisdiction;
  const jurisdictionId = parsed.jurisdictionId ?? queryParam(req, 'jurisdiction_id');
  if (caller === 'key') {
    const key = await verifiedKey(deps, req, apiKey);
    await limitKey(deps, key);
    who = { kind: 'key', key };
    // A key serving one subdistrict names its jurisdiction by itself.
    j = await resolveJurisdiction(deps.db, jurisdictionId ?? (key.subdistrictIds.length === 1 ? await codeOf(deps, key.subdistrictIds[0]!) : undefined));
  } else {
    j = await resolveJurisdiction(deps.db, jurisdictionId);
    await perMinute(deps, 'open311.web-post', req.ip, RATE.publicPost);
    await perMinute(deps, 'open311.web-post-jurisdiction', j.id, RATE.publicPostPerJurisdiction, 'this jurisdiction');
    who = { kind: 'web' };
  }
  const header = req.headers['idempotency-key'];
  const clientToken = (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
  if (clientToken && !/^[A-Za-z0-9._:-]{8,128}$/.test(clientToken)) throw new DomainError('validation_failed', 'Idempotency-Key: use 8–128 letters, digits, . _ : -', { field: 'Idempotency-Key' });
  const opts: IntakeOptions = { clientToken, duplicateRadiusM: deps.config.duplicates.radiusM, duplicateWindowHours: deps.config.duplicates.windowHours };
  if (parsed.files.length) {
    // Photos are rendered and stored only for a request that would be filed: a refused one or a
    // replayed retry answers first. The rows are written in the filing's transaction (a rolled-back
    // filing leaves at most unreferenced content-addressed files in the store, which are harmless).
    const replay = await checkRequest(deps.db, deps.clock, who, j, parsed.input, opts);
    if (replay) return replay;
    const store = filesFor(deps.config);
    opts.photos = [];
    for (const bytes of parsed.files) opts.photos.push(await storePhotoFiles(store, bytes));
  }
  const file = () => deps.db.transaction().execute((trx) => fileRequest(trx, deps.clock, who, j, parsed.input, opts));
  try {
    return await file();
  } catch (e) {
    // Concurrent first attempts with one token collide on the idempotency key: the loser waited for
    // the winner's commit, and running again replays the winner's filing.
    if (!isUniqueViolation(e)) throw e;
    return file();
  }
}

async function codeOf(deps: Deps, subdistrictId: string) {
  return (await listJurisdictions(deps.db)).find((x) => x.id === subdistrictId)?.jurisdictionId;
}

function createRequest(format: Format) {
  return def({
    access: 'public',
    schema: { tags: ['open311'], summary: `POST Service Request (${format.toUpperCase()}); form-encoded or multipart; api_key required; Idempotency-Key or device_id make retries safe`, querystring: AnyQuery },
    handler: async ({ req, reply, deps }) => {
      const r = await postRequest(deps, req, 'key');
      if (r.replayed) reply.header('idempotent-replayed', 'true');
      return send(reply, format, 'service_requests', [{ service_request_id: r.serviceRequestId, service_notice: r.serviceNotice, account_id: null }]);
    },
  });
}
export const createXml = createRequest('xml');
export const createJson = createRequest('json');

// ---------- updates (FixMyStreet's extension) ----------

function updatesList(format: Format) {
  return def({
    access: 'public',
    schema: { tags: ['open311'], summary: `servicerequestupdates (${format.toUpperCase()}): public changes between start_date and end_date; api_key required`, querystring: AnyQuery },
    handler: async ({ req, reply, deps }) => {
      const key = await verifiedKey(deps, req, queryParam(req, 'api_key'));
      await limitKey(deps, key);
      const j = await resolveJurisdiction(deps.db, queryParam(req, 'jurisdiction_id') ?? (key.subdistrictIds.length === 1 ? await codeOf(deps, key.subdistrictIds[0]!) : undefined));
      if (!key.subdistrictIds.includes(j.id)) throw new DomainError('forbidden', `This api_key may not read updates of jurisdiction ${j.jurisdictionId}`, { field: 'api_key' });
      const updates = await requestUpdates(deps.db, j, deps.clock.now(), { start: w3cParam(req, 'start_date'), end: w3cParam(req, 'end_date') }, baseUrl(req));
      return send(reply, format, 'service_requests_updates', updates as never);
    },
  });
}
export const updatesXml = updatesList('xml');
export const updatesJson = updatesList('json');

// ---------- media ----------

/** A case's before/after photo as a re-encoded JPEG (the thumbnail: no EXIF, so no GPS or device data). */
export const media = def({
  access: 'public',
  schema: { tags: ['open311'], summary: 'A before/after photo of a public request (JPEG without EXIF)', params: FileParams },
  handler: async ({ req, reply, deps }) => {
    await perMinute(deps, 'open311.get', req.ip, RATE.publicGet);
    const file = (req.params as { file: string }).file;
    const id = file.endsWith('.jpg') ? file.slice(0, -4) : '';
    const p = id ? await publicPhoto(deps.db, id) : undefined;
    if (!p) throw new DomainError('not_found', 'No such photo');
    reply.header('cache-control', 'public, max-age=86400').header('content-type', 'image/jpeg');
    const thumb = p.thumb_key ? await filesFor(deps.config).get(p.thumb_key) : null;
    return reply.send(thumb ?? (await placeholderThumb()));
  },
});
