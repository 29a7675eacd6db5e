import type { Db } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { canSeeCommittee } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { SiteInput } from './site-input.js';
import { coverageChanged } from '../coverage/coverage-memo.js';
import { bumpVersions } from '../open311/versions.js';
import { auditPartyChange, type PartyAudit } from './responsible-parties.js';

/**
 * Creating sites, one or thousands: the rules behind POST /api/sites and the ledger import.
 * Every lookup is done once for the whole batch (a few queries, not a few per site), so a
 * 5,000-row ledger takes seconds on PostgreSQL too. The caller owns the transaction.
 */

export type CreateOutcome = { id: string } | { error: DomainError };

/** Keeps IN lists and multi-row inserts well below both engines' bind-parameter limits. */
const CHUNK = 500;
const chunks = <T>(xs: T[], n = CHUNK) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export function checkKindRules(kind: SiteKind, input: Pick<SiteInput, 'disposalHours'>) {
  if (kind !== 'bin_room' && input.disposalHours && input.disposalHours.length)
    throw invalidField('disposalHours', 'only bin rooms have disposal hours');
}

async function lookup<R>(db: Db, keys: string[], query: (db: Db, part: string[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks([...new Set(keys)])) out.push(...(await query(db, part)));
  return out;
}

type Placed = { input: SiteInput; subdistrictId: string; committeeId: string; gridId: string | null };

/** Committee in scope, grid of that committee, QR plate unused (here and earlier in the batch). */
async function place(db: Db, actor: Actor, inputs: SiteInput[]): Promise<(Placed | DomainError)[]> {
  const committees = new Map(
    (await lookup(db, inputs.map((i) => i.committeeId), (d, ids) => d.selectFrom('committees').select(['id', 'subdistrict_id']).where('id', 'in', ids).execute())).map((c) => [c.id, c]),
  );
  const gridCodes = inputs.flatMap((i) => (i.gridCode ? [i.gridCode] : []));
  const grids = new Map(
    (await lookup(db, gridCodes, (d, codes) => d.selectFrom('grids').select(['id', 'code', 'committee_id']).where('code', 'in', codes).execute())).map((g) => [g.code, g]),
  );
  const qrCodes = inputs.flatMap((i) => (i.qrCode ? [i.qrCode] : []));
  const usedQr = new Set(
    (await lookup(db, qrCodes, (d, codes) => d.selectFrom('sites').select('qr_code').where('qr_code', 'in', codes).execute())).map((s) => s.qr_code),
  );
  return inputs.map((input) => {
    try {
      checkKindRules(input.kind, input);
      const committee = committees.get(input.committeeId);
      if (!committee) throw invalidField('committeeId', 'unknown committee');
      if (!canSeeCommittee(actor, committee.subdistrict_id, committee.id)) throw notFound('Committee');
      let gridId: string | null = null;
      if (input.gridCode) {
        const grid = grids.get(input.gridCode);
        if (!grid) throw invalidField('gridCode', 'unknown grid');
        if (grid.committee_id !== committee.id) throw invalidField('gridCode', 'grid belongs to another committee');
        gridId = grid.id;
      }
      if (input.qrCode) {
        if (usedQr.has(input.qrCode)) throw qrTaken();
        usedQr.add(input.qrCode);
      }
      return { input, subdistrictId: committee.subdistrict_id, committeeId: committee.id, gridId };
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  });
}

/**
 * Responsible parties (管理责任人) are shared between sites: matched by name and kind within the
 * subdistrict; a contact given later in the batch refreshes the stored one (as one-by-one would),
 * and each refresh of a party that existed is audited (when `audit` is given). A party another
 * request created since the lookup (the unique index on subdistrict, kind and name turns our
 * insert into nothing) is looked up again and used, never duplicated.
 */
async function upsertParties(db: Db, clock: Clock, placed: Placed[], audit?: PartyAudit, retried = false): Promise<Map<Placed, string>> {
  const key = (sub: string, name: string, kind: string) => `${sub}\u0000${kind}\u0000${name}`;
  const withParty = placed.filter((p) => p.input.responsibleParty);
  const existing = await lookup(db, withParty.map((p) => p.input.responsibleParty!.name), (d, names) =>
    d
      .selectFrom('responsible_parties')
      .select(['id', 'subdistrict_id', 'name', 'kind', 'contact_name', 'contact_phone'])
      .where('subdistrict_id', 'in', [...new Set(withParty.map((p) => p.subdistrictId))])
      .where('name', 'in', names)
      .execute(),
  );
  const parties = new Map(existing.map((p) => [key(p.subdistrict_id, p.name, p.kind), { ...p, isNew: false, changed: false, before: { ...p } }]));
  const now = clock.now().toISOString();
  const ids = new Map<Placed, string>();
  for (const p of withParty) {
    const rp = p.input.responsibleParty!;
    const k = key(p.subdistrictId, rp.name, rp.kind);
    let party = parties.get(k);
    if (!party) {
      const row = { id: newId(), subdistrict_id: p.subdistrictId, name: rp.name, kind: rp.kind, contact_name: null, contact_phone: null };
      party = { ...row, isNew: true, changed: false, before: row };
      parties.set(k, party);
    }
    const contactName = rp.contactName ?? party.contact_name;
    const contactPhone = rp.contactPhone ?? party.contact_phone;
    if (contactName !== party.contact_name || contactPhone !== party.contact_phone) {
      party.contact_name = contactName;
      party.contact_phone = contactPhone;
      party.changed = true;
    }
    ids.set(p, party.id);
  }
  const fresh = [...parties.values()].filter((p) => p.isNew);
  let inserted = 0;
  for (const part of chunks(fresh)) {
    const res = await db
      .insertInto('responsible_parties')
      .values(part.map(({ isNew: _n, changed: _c, before: _b, ...p }) => ({ ...p, created_at: now })))
      .onConflict((oc) => oc.columns(['subdistrict_id', 'kind', 'name']).doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  if (inserted < fresh.length) {
    // A concurrent request created some of them (and committed: PostgreSQL waits for it). Ours that
    // did go in are found as existing the second time round, unchanged.
    if (retried) throw new Error('responsible parties conflict but cannot be read');
    return upsertParties(db, clock, placed, audit, true);
  }
  for (const p of [...parties.values()].filter((x) => !x.isNew && x.changed)) {
    await db.updateTable('responsible_parties').set({ contact_name: p.contact_name, contact_phone: p.contact_phone }).where('id', '=', p.id).execute();
    await auditPartyChange(db, clock, audit, p.before, p);
  }
  return ids;
}

const qrTaken = () => new DomainError('duplicate', 'qrCode: already used by another site', { fields: [{ field: 'qrCode', reason: 'already used' }] });

/**
 * Creates every valid site of the batch and returns one outcome per input, in order: its new id,
 * or the DomainError that kept it out. Nothing is thrown for a bad input, so an import can report
 * them all; the caller decides whether to commit.
 */
export async function createSites(
  db: Db,
  clock: Clock,
  actor: Actor,
  inputs: SiteInput[],
  onProgress?: (done: number, total: number) => void,
  audit?: { ip: string | null },
): Promise<CreateOutcome[]> {
  assertCan(actor, 'registry.write');
  const placed = await place(db, actor, inputs);
  const ok = placed.filter((p): p is Placed => !(p instanceof DomainError));
  const partyIds = await upsertParties(db, clock, ok, audit && { actor, ip: audit.ip });
  const now = clock.now().toISOString();
  const ids = new Map<Placed, string>();
  const rows = ok.map((p) => {
    const id = newId();
    ids.set(p, id);
    const i = p.input;
    return {
      id,
      subdistrict_id: p.subdistrictId,
      committee_id: p.committeeId,
      grid_id: p.gridId,
      kind: i.kind,
      name: i.name,
      address: i.address,
      lng: i.lng,
      lat: i.lat,
      responsible_party_id: partyIds.get(p) ?? null,
      disposal_hours: i.disposalHours?.length ? JSON.stringify(i.disposalHours) : null,
      qr_code: i.qrCode ?? null,
      status: 'active' as const,
      retired_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
  });
  let done = 0;
  const lost = new Set<string>();
  for (const part of chunks(rows)) {
    // A plate another request took since the lookup: that row goes in as nothing (a statement
    // error would abort a PostgreSQL transaction) and is reported like any used plate.
    const res = await db.insertInto('sites').values(part).onConflict((oc) => oc.column('qr_code').doNothing()).executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? part.length) < part.length) {
      const stored = new Set((await db.selectFrom('sites').select('id').where('id', 'in', part.map((r) => r.id)).execute()).map((r) => r.id));
      for (const r of part) if (!stored.has(r.id)) lost.add(r.id);
    }
    for (const r of part) coverageChanged(r.subdistrict_id);
    done += part.length;
    onProgress?.(done, rows.length);
  }
  // Open311 intake locates reports among the active sites (open311/locate.ts).
  await bumpVersions(db, rows.map((r) => r.subdistrict_id));
  return placed.map((p) => {
    if (p instanceof DomainError) return { error: p };
    const id = ids.get(p)!;
    return lost.has(id) ? { error: qrTaken() } : { id };
  });
}
