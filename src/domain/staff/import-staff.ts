import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition, subdistrictCondition, touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import type { DomainError } from '../shared/errors.js';
import { errorField, errorReason, type ImportOptions, type ImportResult, oneByOne, runImportBatch } from '../shared/import-batch.js';
import { type LedgerRow, readLedger, type RowError } from '../shared/xlsx.js';
import { committeeKey } from '../registry/import-sites.js';
import { fromLabel } from '../registry/site-ledger-columns.js';
import { createStaff, getStaff } from './staff.js';
import { recordAudit } from '../audit/record-audit.js';
import { StaffInput } from './staff-input.js';
import { REQUIRED_STAFF_COLUMNS, ROLE_LABELS, STAFF_COLUMNS, type StaffColumnKey, splitList } from './staff-ledger-columns.js';

const FIELD_COLUMN: Record<string, StaffColumnKey> = {
  username: 'username',
  displayName: 'displayName',
  phone: 'phone',
  certNumber: 'certNumber',
  role: 'role',
  password: 'password',
  handlingUnitId: 'handlingUnit',
  scopes: 'subdistrict',
};

function columnOfField(field: string): StaffColumnKey {
  if (field.startsWith('scopes.') && field.endsWith('committeeId')) return 'committee';
  return FIELD_COLUMN[field.split('.')[0] ?? ''] ?? 'username';
}

/** 虹桥街道 and 虹桥 name the same subdistrict. */
const subdistrictKey = (name: string) => name.trim().replace(/(街道|镇)$/, '');

/** The places and handling units the actor may assign people to, by name. */
async function loadPlaces(db: Db, actor: Actor) {
  const subs = await db.selectFrom('subdistricts').select(['id', 'name']).where(subdistrictCondition(actor, 'id')).execute();
  const committees = await db
    .selectFrom('committees')
    .select(['id', 'name', 'subdistrict_id'])
    .where(scopeCondition(actor, 'subdistrict_id', 'id'))
    .execute();
  const units = await db
    .selectFrom('handling_units')
    .select(['id', 'name', 'subdistrict_id'])
    .where(subdistrictCondition(actor, 'subdistrict_id'))
    .where('status', '=', 'active')
    .execute();
  return { subs, committees, units };
}
type Places = Awaited<ReturnType<typeof loadPlaces>>;

type CellError = (key: StaffColumnKey, reason: string) => void;

function resolveSubdistricts(r: LedgerRow<StaffColumnKey>, actor: Actor, places: Places, fail: CellError): string[] {
  const names = splitList(r.get('subdistrict'));
  if (!names.length) {
    const mine = touchedSubdistricts(actor);
    if (mine.length === 1) return mine;
    fail('subdistrict', 'required: you administer several subdistricts');
    return [];
  }
  const ids: string[] = [];
  for (const n of names) {
    const s = places.subs.find((x) => subdistrictKey(x.name) === subdistrictKey(n));
    if (s) ids.push(s.id);
    else fail('subdistrict', `no subdistrict named "${n}" in your scope`);
  }
  return ids;
}

function toCandidate(r: LedgerRow<StaffColumnKey>, actor: Actor, places: Places, fail: CellError) {
  const roleText = r.get('role');
  const role = roleText ? fromLabel(ROLE_LABELS, roleText) : null;
  if (roleText && !role) fail('role', `unknown role "${roleText}"; expected one of ${Object.values(ROLE_LABELS).join('/')}`);

  const subIds = resolveSubdistricts(r, actor, places, fail);
  const scopes: { subdistrictId: string; committeeId: string | null }[] = [];
  const committeeNames = splitList(r.get('committee'));
  for (const n of committeeNames) {
    const hits = places.committees.filter((c) => subIds.includes(c.subdistrict_id) && committeeKey(c.name) === committeeKey(n));
    if (hits.length === 1) scopes.push({ subdistrictId: hits[0]!.subdistrict_id, committeeId: hits[0]!.id });
    else if (!hits.length) fail('committee', `no committee named "${n}" in your scope`);
    else fail('committee', `"${n}" is ambiguous: name the subdistrict`);
  }
  if (!committeeNames.length) for (const id of subIds) scopes.push({ subdistrictId: id, committeeId: null });

  let handlingUnitId: string | null = null;
  const unitText = r.get('handlingUnit');
  if (unitText) {
    const hits = places.units.filter((u) => subIds.includes(u.subdistrict_id) && u.name === unitText);
    if (hits.length === 1) handlingUnitId = hits[0]!.id;
    else fail('handlingUnit', hits.length ? `"${unitText}" is ambiguous` : `no handling unit named "${unitText}" in your scope`);
  }

  return {
    username: r.get('username') ?? undefined,
    displayName: r.get('displayName') ?? undefined,
    phone: r.get('phone'),
    certNumber: r.get('certNumber'),
    role: role ?? undefined,
    password: r.get('password') ?? undefined,
    handlingUnitId,
    scopes,
  };
}

/**
 * Imports a staff ledger (.xlsx) as `actor`: rows validated with the API's StaffInput and created
 * with createStaff in one transaction; any bad row → import_failed and nothing is written.
 */
export interface ImportStaffOptions extends ImportOptions {
  /**
   * Each account the import creates gets its own `user.create` audit entry (who, role, scopes), in
   * the import's transaction, as one made on the staff page would: `ip` is the request's address,
   * null from the command line.
   */
  audit?: { ip: string | null };
}

export async function importStaff(db: Db, clock: Clock, actor: Actor, bytes: Uint8Array, opts: ImportStaffOptions = {}): Promise<ImportResult> {
  assertCan(actor, 'registry.import');
  assertCan(actor, 'staff.write');
  const ledger = await readLedger(bytes, STAFF_COLUMNS, REQUIRED_STAFF_COLUMNS);
  const places = await loadPlaces(db, actor);
  const errors: RowError[] = [];
  const items: { row: number; input: StaffInput }[] = [];
  const usernameRows = new Map<string, number>();

  for (const r of ledger.rows) {
    const bad = new Set<StaffColumnKey>();
    const fail: CellError = (key, reason) => {
      if (bad.has(key)) return;
      bad.add(key);
      errors.push({ row: r.row, column: ledger.headerOf(key), reason });
    };
    const candidate = toCandidate(r, actor, places, fail);
    const parsed = StaffInput.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        let key = columnOfField(issue.path.map(String).join('.'));
        // No scope left because the named committees did not resolve: already reported there.
        if (key === 'subdistrict' && r.get('committee')) key = 'committee';
        fail(key, issue.code === 'invalid_type' && r.get(key) === null ? 'required' : issue.message);
      }
    }
    const username = r.get('username');
    if (username) {
      const first = usernameRows.get(username.toLowerCase());
      if (first !== undefined) fail('username', `username ${username} is also on row ${first}`);
      else usernameRows.set(username.toLowerCase(), r.row);
    }
    if (parsed.success && !bad.size) items.push({ row: r.row, input: parsed.data });
  }

  const toRowError = (row: number, err: DomainError): RowError => {
    if (err.code === 'not_found') return { row, column: ledger.headerOf('committee'), reason: 'committee outside your scope' };
    const field = errorField(err);
    return { row, column: ledger.headerOf(field ? columnOfField(field) : 'username'), reason: errorReason(err) };
  };
  const create = async (trx: Db, input: StaffInput) => {
    const id = await createStaff(trx, clock, actor, input);
    if (opts.audit) {
      const after = await getStaff(trx, actor, id);
      await recordAudit(trx, clock, { actor, action: 'user.create', entity: 'user', entityId: id, subdistrictId: after.subdistrictId, after, ip: opts.audit.ip });
    }
    return id;
  };
  return runImportBatch(db, items, errors, oneByOne(create), toRowError, opts);
}
