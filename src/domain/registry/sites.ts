import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { SiteKind, SiteStatus } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { phoneFor } from '../auth/personal-data.js';
import { assertSeesCommittee, scopeCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { checkKindRules, createSites } from './create-sites.js';
import { upsertResponsibleParty } from './responsible-parties.js';
import type { SiteInput, SitePatch } from './site-input.js';
import { coverageChanged } from '../coverage/coverage-memo.js';
import { inTransaction } from '../shared/in-transaction.js';
import { bumpVersions } from '../open311/versions.js';

export interface SiteFilter {
  subdistrictId?: string;
  committeeId?: string;
  gridId?: string;
  kind?: SiteKind;
  status?: SiteStatus | 'all';
  q?: string;
  /** minLng,minLat,maxLng,maxLat */
  bbox?: [number, number, number, number];
}

function baseQuery(db: Db, actor: Actor, f: SiteFilter) {
  let q = db
    .selectFrom('sites as s')
    .innerJoin('committees as c', 'c.id', 's.committee_id')
    .leftJoin('grids as g', 'g.id', 's.grid_id')
    .leftJoin('responsible_parties as rp', 'rp.id', 's.responsible_party_id')
    .where(scopeCondition(actor, 's.subdistrict_id', 's.committee_id'));
  if (f.subdistrictId) q = q.where('s.subdistrict_id', '=', f.subdistrictId);
  if (f.committeeId) q = q.where('s.committee_id', '=', f.committeeId);
  if (f.gridId) q = q.where('s.grid_id', '=', f.gridId);
  if (f.kind) q = q.where('s.kind', '=', f.kind);
  if (!f.status) q = q.where('s.status', '=', 'active');
  else if (f.status !== 'all') q = q.where('s.status', '=', f.status);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(s.name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(s.address)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(coalesce(s.qr_code, ''))`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(coalesce(rp.name, ''))`, 'like', sql`${like} escape '\\'`),
      ]),
    );
  }
  if (f.bbox) {
    const [minLng, minLat, maxLng, maxLat] = f.bbox;
    q = q.where('s.lng', '>=', minLng).where('s.lng', '<=', maxLng).where('s.lat', '>=', minLat).where('s.lat', '<=', maxLat);
  }
  return q;
}

const siteColumns = [
  's.id',
  's.subdistrict_id as subdistrictId',
  's.committee_id as committeeId',
  'c.name as committeeName',
  'c.name_en as committeeNameEn',
  's.grid_id as gridId',
  'g.code as gridCode',
  's.kind',
  's.name',
  's.address',
  's.lng',
  's.lat',
  's.disposal_hours as disposalHoursJson',
  's.qr_code as qrCode',
  's.status',
  's.retired_at as retiredAt',
  's.created_at as createdAt',
  's.updated_at as updatedAt',
  's.version',
  'rp.id as partyId',
  'rp.name as partyName',
  'rp.kind as partyKind',
  'rp.contact_name as partyContactName',
  'rp.contact_phone as partyContactPhone',
] as const;

type SiteRow = Awaited<ReturnType<typeof loadRows>>[number];
function loadRows(db: Db, actor: Actor, f: SiteFilter) {
  return baseQuery(db, actor, f).select(siteColumns).execute();
}

function toSite(actor: Actor, r: SiteRow) {
  const { disposalHoursJson, partyId, partyName, partyKind, partyContactName, partyContactPhone, ...rest } = r;
  return {
    ...rest,
    lng: Number(r.lng),
    lat: Number(r.lat),
    disposalHours: disposalHoursJson ? (JSON.parse(disposalHoursJson) as [string, string][]) : null,
    responsibleParty: partyId
      ? { id: partyId, name: partyName, kind: partyKind, contactName: partyContactName, contactPhone: phoneFor(actor, 'party', partyContactPhone) }
      : null,
  };
}
export type Site = ReturnType<typeof toSite>;

/** Keyset-paginated site list in the actor's scope. */
export async function listSites(db: Db, actor: Actor, f: SiteFilter, page: { after?: string; limit: number }) {
  assertCan(actor, 'registry.read');
  let q = baseQuery(db, actor, f).select(siteColumns);
  if (page.after) q = q.where('s.id', '>', page.after);
  const rows = await q.orderBy('s.id').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit).map((r) => toSite(actor, r));
  const total = await baseQuery(db, actor, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    items,
    total: Number(total.n),
    nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

export const MARKERS_CAP = 20_000;

/**
 * Every matching site as a light marker, for the map, up to `cap` of them: `capped` says the
 * filter matched more (a subdistrict has a few thousand; a whole city's registry is narrowed first).
 */
export async function siteMarkers(db: Db, actor: Actor, f: SiteFilter, cap = MARKERS_CAP) {
  assertCan(actor, 'registry.read');
  const rows = await baseQuery(db, actor, f)
    .select(['s.id', 's.kind', 's.name', 's.lng', 's.lat', 's.status', 's.committee_id as committeeId'])
    .orderBy('s.id')
    .limit(cap + 1)
    .execute();
  return { items: rows.slice(0, cap).map((r) => ({ ...r, lng: Number(r.lng), lat: Number(r.lat) })), capped: rows.length > cap };
}

export async function getSite(db: Db, actor: Actor, id: string): Promise<Site> {
  assertCan(actor, 'registry.read');
  const row = await baseQuery(db, actor, { status: 'all' }).select(siteColumns).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Site', id);
  return toSite(actor, row);
}

async function resolvePlacement(db: Db, actor: Actor, committeeId: string, gridCode: string | null | undefined) {
  const committee = await db
    .selectFrom('committees')
    .select(['id', 'subdistrict_id'])
    .where('id', '=', committeeId)
    .executeTakeFirst();
  if (!committee) throw invalidField('committeeId', 'unknown committee');
  assertSeesCommittee(actor, committee.subdistrict_id, committee.id, 'Committee');
  let gridId: string | null = null;
  if (gridCode) {
    const grid = await db
      .selectFrom('grids')
      .select(['id', 'committee_id'])
      .where('code', '=', gridCode)
      .executeTakeFirst();
    if (!grid) throw invalidField('gridCode', 'unknown grid');
    if (grid.committee_id !== committee.id) throw invalidField('gridCode', 'grid belongs to another committee');
    gridId = grid.id;
  }
  return { subdistrictId: committee.subdistrict_id, committeeId: committee.id, gridId };
}

async function assertQrFree(db: Db, qrCode: string | null | undefined, exceptId?: string) {
  if (!qrCode) return;
  let q = db.selectFrom('sites').select('id').where('qr_code', '=', qrCode);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new DomainError('duplicate', 'qrCode: already used by another site', { fields: [{ field: 'qrCode', reason: 'already used' }] });
}

/** Creates a site; the caller owns the transaction. The same rules as a ledger import (createSites). */
export async function createSite(db: Db, clock: Clock, actor: Actor, input: SiteInput, audit?: { ip: string | null }): Promise<string> {
  const [outcome] = await createSites(db, clock, actor, [input], undefined, audit);
  if (!outcome || 'error' in outcome) throw outcome?.error ?? new Error('createSites returned nothing');
  return outcome.id;
}

/**
 * Optimistic update: a stale version gets stale_version with the current record. With `audit`, a
 * change to the shared responsible party's contact is audited on its own (the site row only
 * points at the party, so the site's entry would show no change).
 */
export async function updateSite(db: Db, clock: Clock, actor: Actor, id: string, patch: SitePatch, audit?: { ip: string | null }) {
  assertCan(actor, 'registry.write');
  return inTransaction(db, async (trx) => {
    const current = await getSite(trx, actor, id);
    if (current.version !== patch.version)
      throw new DomainError('stale_version', 'The site was changed by someone else', { current });
    checkKindRules(current.kind, patch);
    const place = await resolvePlacement(
      trx,
      actor,
      patch.committeeId ?? current.committeeId,
      patch.gridCode === undefined ? current.gridCode : patch.gridCode,
    );
    if (patch.qrCode !== undefined) await assertQrFree(trx, patch.qrCode, id);
    const partyId =
      patch.responsibleParty === undefined
        ? current.responsibleParty?.id ?? null
        : patch.responsibleParty
          ? await upsertResponsibleParty(trx, clock, place.subdistrictId, patch.responsibleParty, audit && { actor, ip: audit.ip })
          : null;
    const res = await trx
      .updateTable('sites')
      .set({
        subdistrict_id: place.subdistrictId,
        committee_id: place.committeeId,
        grid_id: place.gridId,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.address !== undefined && { address: patch.address }),
        ...(patch.lng !== undefined && { lng: patch.lng }),
        ...(patch.lat !== undefined && { lat: patch.lat }),
        ...(patch.disposalHours !== undefined && {
          disposal_hours: patch.disposalHours?.length ? JSON.stringify(patch.disposalHours) : null,
        }),
        ...(patch.qrCode !== undefined && { qr_code: patch.qrCode ?? null }),
        responsible_party_id: partyId,
        updated_at: clock.now().toISOString(),
        version: current.version + 1,
      })
      .where('id', '=', id)
      .where('version', '=', patch.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('stale_version', 'The site was changed by someone else');
    coverageChanged(current.subdistrictId);
    coverageChanged(place.subdistrictId);
    // A site's name and address are part of its requests' public address in Open311 answers.
    await bumpVersions(trx, [current.subdistrictId, place.subdistrictId]);
    return getSite(trx, actor, id);
  });
}

/** Cases still open: neither closed, cancelled nor merged into another. */
export const OPEN_CASE_EXCLUDED = ['closed', 'cancelled', 'merged'] as const;
/** How many case numbers a has_open_cases refusal lists (the count says how many there are). */
export const OPEN_CASES_LISTED = 20;

/**
 * Sites are never hard-deleted: evidence and history point at them. Retiring a site with open
 * cases is refused (has_open_cases, listing them) unless the request confirms it knows: the cases
 * stay open on the retired site and are finished as usual.
 */
export async function setSiteStatus(db: Db, clock: Clock, actor: Actor, id: string, status: SiteStatus, opts: { confirmOpenCases?: boolean } = {}) {
  assertCan(actor, 'registry.write');
  return inTransaction(db, async (trx) => {
    const current = await getSite(trx, actor, id);
    if (current.status === status) return current;
    if (status === 'retired' && !opts.confirmOpenCases) {
      const open = await trx
        .selectFrom('cases')
        .select('number')
        .where('subdistrict_id', '=', current.subdistrictId)
        .where('site_id', '=', id)
        .where('status', 'not in', OPEN_CASE_EXCLUDED)
        .orderBy('number')
        .execute();
      if (open.length) {
        throw new DomainError('has_open_cases', `The site has ${open.length} open case(s); finish them first or confirm with confirmOpenCases`, {
          count: open.length,
          cases: open.slice(0, OPEN_CASES_LISTED).map((c) => c.number),
          fields: [{ field: 'confirmOpenCases', reason: 'the site has open cases' }],
        });
      }
    }
    const now = clock.now().toISOString();
    await trx
      .updateTable('sites')
      .set({
        status,
        retired_at: status === 'retired' ? now : null,
        updated_at: now,
        version: current.version + 1,
      })
      .where('id', '=', id)
      .execute();
    coverageChanged(current.subdistrictId);
    // Open311 intake locates reports among the active sites (open311/locate.ts).
    await bumpVersions(trx, [current.subdistrictId]);
    return getSite(trx, actor, id);
  });
}
