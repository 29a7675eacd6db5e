import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, subdistrictCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { ChecklistInput } from './checklist-input.js';
import { inTransaction } from '../shared/in-transaction.js';

/**
 * Checklists are versioned and immutable: there is no update. Publishing a change inserts the
 * next version with its own items, so an inspection that names a version id keeps meaning
 * exactly what the inspector saw.
 */
export interface ChecklistItem {
  id: string;
  position: number;
  code: string;
  text: string;
  textEn: string;
  photoRequiredOnFail: boolean;
}

export interface Checklist {
  id: string;
  subdistrictId: string;
  siteKind: SiteKind;
  version: number;
  name: string;
  nameEn: string;
  createdAt: string;
  items: ChecklistItem[];
}

async function itemsOf(db: Db, checklistId: string): Promise<ChecklistItem[]> {
  const rows = await db
    .selectFrom('checklist_items')
    .select(['id', 'position', 'code', 'text', 'text_en', 'photo_required_on_fail'])
    .where('checklist_id', '=', checklistId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id, position: r.position, code: r.code, text: r.text, textEn: r.text_en,
    photoRequiredOnFail: r.photo_required_on_fail === 1,
  }));
}

const columns = ['id', 'subdistrict_id', 'site_kind', 'version', 'name', 'name_en', 'created_at'] as const;
type Row = { id: string; subdistrict_id: string; site_kind: SiteKind; version: number; name: string; name_en: string; created_at: string };
const toChecklist = (r: Row, items: ChecklistItem[]): Checklist => ({
  id: r.id, subdistrictId: r.subdistrict_id, siteKind: r.site_kind, version: r.version,
  name: r.name, nameEn: r.name_en, createdAt: r.created_at, items,
});

/** One exact version, in the actor's subdistricts. Internal callers (no actor) pass null. */
export async function getChecklist(db: Db, actor: Actor | null, id: string): Promise<Checklist> {
  let q = db.selectFrom('checklists').select(columns).where('id', '=', id);
  if (actor) q = q.where(subdistrictCondition(actor, 'subdistrict_id'));
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Checklist', id);
  return toChecklist(row, await itemsOf(db, row.id));
}

/** The newest version for a kind of site in a subdistrict, or null when none is published. */
export async function currentChecklist(db: Db, subdistrictId: string, siteKind: SiteKind): Promise<Checklist | null> {
  const row = await db
    .selectFrom('checklists')
    .select(columns)
    .where('subdistrict_id', '=', subdistrictId)
    .where('site_kind', '=', siteKind)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toChecklist(row, await itemsOf(db, row.id)) : null;
}

/** Every version (newest first), without items; for the console's editor and history. */
export async function listChecklists(db: Db, actor: Actor, f: { siteKind?: SiteKind; subdistrictId?: string }) {
  assertCan(actor, 'patrols.read');
  let q = db.selectFrom('checklists').select(columns).where(subdistrictCondition(actor, 'subdistrict_id'));
  if (f.siteKind) q = q.where('site_kind', '=', f.siteKind);
  if (f.subdistrictId) q = q.where('subdistrict_id', '=', f.subdistrictId);
  const rows = await q.orderBy('subdistrict_id').orderBy('site_kind').orderBy('version', 'desc').execute();
  return rows.map((r) => toChecklist(r, []));
}

/**
 * Inserts the next version; the caller owns the transaction. Two publishers of one subdistrict and
 * kind of site take turns (on PostgreSQL a transaction lock; SQLite runs one writer at a time), so
 * each gets its own next version instead of colliding on it.
 */
export async function insertChecklistVersion(
  db: Db,
  clock: Clock,
  createdBy: string | null,
  input: ChecklistInput,
): Promise<string> {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(hashtext(${`checklist:${input.subdistrictId}:${input.siteKind}`}))`.execute(db);
  const last = await db
    .selectFrom('checklists')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('subdistrict_id', '=', input.subdistrictId)
    .where('site_kind', '=', input.siteKind)
    .executeTakeFirst();
  const id = newId();
  await db
    .insertInto('checklists')
    .values({
      id, subdistrict_id: input.subdistrictId, site_kind: input.siteKind, version: Number(last?.v ?? 0) + 1,
      name: input.name, name_en: input.nameEn, created_by: createdBy, created_at: clock.now().toISOString(),
    })
    .execute();
  await db
    .insertInto('checklist_items')
    .values(input.items.map((it, i) => ({
      id: newId(), checklist_id: id, position: i + 1, code: it.code, text: it.text, text_en: it.textEn,
      photo_required_on_fail: it.photoRequiredOnFail ? 1 : 0,
    })))
    .execute();
  return id;
}

/** Administrators publish a new version; past inspections keep pointing at theirs. */
export async function publishChecklist(db: Db, clock: Clock, actor: Actor, input: ChecklistInput): Promise<Checklist> {
  assertCan(actor, 'checklists.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  return inTransaction(db, async (trx) => {
    const id = await insertChecklistVersion(trx, clock, actor.userId, input);
    return getChecklist(trx, actor, id);
  });
}
