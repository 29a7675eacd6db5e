import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { errorField, errorReason, type ImportOptions, type ImportResult, runImportBatch } from '../shared/import-batch.js';
import { type LedgerRow, readLedger, type RowError } from '../shared/xlsx.js';
import {
  DEFAULT_PARTY_KIND,
  PARTY_KIND_LABELS,
  REQUIRED_SITE_COLUMNS,
  SITE_COLUMNS,
  SITE_KIND_LABELS,
  type SiteColumnKey,
  fromLabel,
  parseDisposalHours,
} from './site-ledger-columns.js';
import { createSites } from './create-sites.js';
import { SiteInput } from './site-input.js';
import { recordAudit } from '../audit/record-audit.js';
import { snapshotRow } from '../audit/snapshot.js';

/**
 * One place is one site: an active site of the same committee with the same kind, name and
 * address is the same site (a ledger imported twice must not double the registry).
 */
const placeKey = (i: Pick<SiteInput, 'committeeId' | 'kind' | 'name' | 'address'>) => `${i.committeeId}\u0000${i.kind}\u0000${i.name}\u0000${i.address}`;
const alreadyRegistered = () =>
  new DomainError('duplicate', 'name: an active site of this committee has the same kind, name and address', {
    fields: [{ field: 'name', reason: 'already registered: an active site of this committee has the same kind, name and address' }],
  });

/** The inputs that name an active site already in the registry (same committee, kind, name, address). */
async function registeredPlaces(db: Db, inputs: SiteInput[]): Promise<Set<string>> {
  const found = new Set<string>();
  const names = [...new Set(inputs.map((i) => i.name))];
  for (let i = 0; i < names.length; i += 500) {
    const rows = await db
      .selectFrom('sites')
      .select(['committee_id as committeeId', 'kind', 'name', 'address'])
      .where('status', '=', 'active')
      .where('committee_id', 'in', [...new Set(inputs.map((x) => x.committeeId))])
      .where('name', 'in', names.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(placeKey(r));
  }
  return found;
}

/** Where each SiteInput field lives in the ledger, to put zod and domain errors on the right column. */
const FIELD_COLUMN: Record<string, SiteColumnKey> = {
  kind: 'kind',
  name: 'name',
  address: 'address',
  committeeId: 'committee',
  gridCode: 'gridCode',
  lng: 'lng',
  lat: 'lat',
  disposalHours: 'disposalHours',
  qrCode: 'qrCode',
  responsibleParty: 'partyName',
  'responsibleParty.name': 'partyName',
  'responsibleParty.kind': 'partyKind',
  'responsibleParty.contactName': 'contactName',
  'responsibleParty.contactPhone': 'contactPhone',
};

const columnOfPath = (path: PropertyKey[]): SiteColumnKey => {
  const [a, b] = path.map(String);
  return FIELD_COLUMN[b && a === 'responsibleParty' ? `${a}.${b}` : (a ?? 'name')] ?? 'name';
};

/** 安顺, 安顺居民区 and 安顺居委会 all name the same committee. */
export const committeeKey = (name: string) => name.trim().replace(/(居民区|居委会|居委)$/, '');

/** Committees the actor may see, by name. Names outside the scope simply do not resolve. */
export async function committeesInScope(db: Db, actor: Actor) {
  const rows = await db
    .selectFrom('committees')
    .select(['id', 'name', 'subdistrict_id'])
    .where(scopeCondition(actor, 'subdistrict_id', 'id'))
    .execute();
  const byName = new Map<string, string[]>();
  for (const c of rows) {
    const k = committeeKey(c.name);
    byName.set(k, [...(byName.get(k) ?? []), c.id]);
  }
  return byName;
}

type CellError = (key: SiteColumnKey, reason: string) => void;

/** Turns one ledger row into the API's input shape; conversion problems go to `fail`. */
function toCandidate(r: LedgerRow<SiteColumnKey>, committees: Map<string, string[]>, fail: CellError) {
  const text = (k: SiteColumnKey) => r.get(k);
  const kindText = text('kind');
  const kind = kindText ? fromLabel(SITE_KIND_LABELS, kindText) : null;
  if (kindText && !kind) fail('kind', `unknown kind "${kindText}"; expected 箱房, 社区单位 or 沿街商铺`);

  let committeeId: string | undefined;
  const committeeText = text('committee');
  if (committeeText) {
    const ids = committees.get(committeeKey(committeeText)) ?? [];
    if (ids.length === 1) committeeId = ids[0];
    else if (!ids.length) fail('committee', `no committee named "${committeeText}" in your scope`);
    else fail('committee', `"${committeeText}" is ambiguous: several committees in your scope have this name`);
  }

  const number = (k: 'lng' | 'lat') => {
    const t = text(k);
    if (t === null) return undefined;
    const n = Number(t);
    if (!Number.isFinite(n)) fail(k, `"${t}" is not a number`);
    return Number.isFinite(n) ? n : undefined;
  };

  let disposalHours: [string, string][] | null = null;
  const hoursText = text('disposalHours');
  if (hoursText) {
    const parsed = parseDisposalHours(hoursText);
    if (typeof parsed === 'string') fail('disposalHours', parsed);
    else disposalHours = parsed;
  }

  const partyName = text('partyName');
  const partyKindText = text('partyKind');
  let responsibleParty: Record<string, unknown> | null = null;
  if (partyName) {
    const partyKind = partyKindText ? fromLabel(PARTY_KIND_LABELS, partyKindText) : kind ? DEFAULT_PARTY_KIND[kind] : null;
    if (partyKindText && !partyKind) fail('partyKind', `unknown kind "${partyKindText}"; expected 物业公司, 商铺经营者 or 单位`);
    responsibleParty = { name: partyName, kind: partyKind ?? undefined, contactName: text('contactName'), contactPhone: text('contactPhone') };
  } else if (partyKindText || text('contactName') || text('contactPhone')) {
    fail('partyName', 'required when a responsible-party kind or contact is given');
  }

  return {
    kind: kind ?? undefined,
    name: text('name') ?? undefined,
    address: text('address') ?? undefined,
    committeeId,
    gridCode: text('gridCode'),
    lng: number('lng'),
    lat: number('lat'),
    disposalHours,
    qrCode: text('qrCode'),
    responsibleParty,
  };
}

/**
 * Imports a site ledger (.xlsx) as `actor`: every row validated with the API's SiteInput and
 * created by createSites (the rules behind POST /api/sites), all in one transaction. Any bad row → import_failed listing every
 * bad row, and nothing is written.
 */
export interface ImportSitesOptions extends ImportOptions {
  /**
   * Each site the import creates gets its own `site.create` audit entry, and each change of a
   * shared responsible party's contact a `responsible_party.update`, in the import's transaction,
   * as on the site page: `ip` is the request's address, null from the command line.
   */
  audit?: { ip: string | null };
}

export async function importSites(db: Db, clock: Clock, actor: Actor, bytes: Uint8Array, opts: ImportSitesOptions = {}): Promise<ImportResult> {
  assertCan(actor, 'registry.import');
  const ledger = await readLedger(bytes, SITE_COLUMNS, REQUIRED_SITE_COLUMNS);
  const committees = await committeesInScope(db, actor);
  const errors: RowError[] = [];
  const items: { row: number; input: SiteInput }[] = [];
  const qrRows = new Map<string, number>();
  const placeRows = new Map<string, number>();

  for (const r of ledger.rows) {
    const bad = new Set<SiteColumnKey>();
    const fail: CellError = (key, reason) => {
      if (bad.has(key)) return;
      bad.add(key);
      errors.push({ row: r.row, column: ledger.headerOf(key), reason });
    };
    const candidate = toCandidate(r, committees, fail);
    const parsed = SiteInput.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = columnOfPath(issue.path);
        fail(key, issue.code === 'invalid_type' && r.get(key) === null ? 'required' : issue.message);
      }
    }
    const qr = parsed.success ? parsed.data.qrCode : null;
    if (qr) {
      const first = qrRows.get(qr);
      if (first !== undefined) fail('qrCode', `QR code ${qr} is also on row ${first}`);
      else qrRows.set(qr, r.row);
    }
    if (parsed.success && !bad.size) {
      const k = placeKey(parsed.data);
      const first = placeRows.get(k);
      if (first !== undefined) fail('name', `the same site (committee, kind, name and address) is also on row ${first}`);
      else placeRows.set(k, r.row);
    }
    if (parsed.success && !bad.size) items.push({ row: r.row, input: parsed.data });
  }

  const toRowError = (row: number, err: DomainError): RowError => {
    const field = errorField(err);
    if (err.code === 'not_found') return { row, column: ledger.headerOf('committee'), reason: 'committee outside your scope' };
    const key = field ? (FIELD_COLUMN[field] ?? 'name') : 'name';
    return { row, column: ledger.headerOf(key), reason: errorReason(err) };
  };
  const create = async (trx: Db, inputs: SiteInput[], onProgress?: (done: number, total: number) => void) => {
    const registered = await registeredPlaces(trx, inputs);
    const fresh = inputs.filter((i) => !registered.has(placeKey(i)));
    const outcomes = await createSites(trx, clock, actor, fresh, onProgress, opts.audit);
    const byInput = new Map(fresh.map((input, i) => [input, outcomes[i]!]));
    const out: (DomainError | null)[] = [];
    for (const input of inputs) {
      const o = byInput.get(input);
      if (!o) out.push(alreadyRegistered());
      else if ('error' in o) out.push(o.error);
      else {
        if (opts.audit) {
          const after = await snapshotRow(trx, 'sites', 'id', o.id);
          await recordAudit(trx, clock, { actor, action: 'site.create', entity: 'site', entityId: o.id, subdistrictId: (after as { subdistrict_id?: string } | undefined)?.subdistrict_id, after, ip: opts.audit.ip });
        }
        out.push(null);
      }
    }
    return out;
  };
  return runImportBatch(db, items, errors, create, toRowError, opts);
}
