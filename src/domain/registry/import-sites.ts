import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import type { DomainError } from '../shared/errors.js';
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
export async function importSites(db: Db, clock: Clock, actor: Actor, bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportResult> {
  assertCan(actor, 'registry.import');
  const ledger = await readLedger(bytes, SITE_COLUMNS, REQUIRED_SITE_COLUMNS);
  const committees = await committeesInScope(db, actor);
  const errors: RowError[] = [];
  const items: { row: number; input: SiteInput }[] = [];
  const qrRows = new Map<string, number>();

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
    if (parsed.success && !bad.size) items.push({ row: r.row, input: parsed.data });
  }

  const toRowError = (row: number, err: DomainError): RowError => {
    const field = errorField(err);
    if (err.code === 'not_found') return { row, column: ledger.headerOf('committee'), reason: 'committee outside your scope' };
    const key = field ? (FIELD_COLUMN[field] ?? 'name') : 'name';
    return { row, column: ledger.headerOf(key), reason: errorReason(err) };
  };
  const create = async (trx: Db, inputs: SiteInput[], onProgress?: (done: number, total: number) => void) =>
    (await createSites(trx, clock, actor, inputs, onProgress)).map((o) => ('error' in o ? o.error : null));
  return runImportBatch(db, items, errors, create, toRowError, opts);
}
