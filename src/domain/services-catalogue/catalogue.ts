import { sql } from 'kysely';
import { type Db, isPostgres, isUniqueViolation } from '../../db/index.js';
import type { ServiceItemTable, ServiceItemVersionTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { ItemInput, VersionInput } from './item-input.js';
import { type ItemVersion, versionDto, versionInEffect, versionRow } from './versions.js';

export interface ServiceCategory {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  ticketPrefix: string;
}

export interface ServiceItem {
  id: string;
  categoryId: string;
  basicCode: string;
  implCode: string;
  latestVersion: number;
  active: boolean;
  /** The version in effect on the date asked for (null if none has started yet). */
  current: ItemVersion | null;
}

const itemDto = (i: ServiceItemTable, current: ServiceItemVersionTable | null): ServiceItem => ({
  id: i.id,
  categoryId: i.category_id,
  basicCode: i.basic_code,
  implCode: i.impl_code,
  latestVersion: i.latest_version,
  active: i.active === 1,
  current: current ? versionDto(current) : null,
});

export async function listCategories(db: Db): Promise<ServiceCategory[]> {
  const rows = await db.selectFrom('service_categories').selectAll().orderBy('sort_order').orderBy('code').execute();
  return rows.map((c) => ({ id: c.id, code: c.code, nameZh: c.name_zh, nameEn: c.name_en, ticketPrefix: c.ticket_prefix }));
}

/**
 * The catalogue as it reads on `date` (default today, Asia/Shanghai): categories with their
 * items, each with the guide version in effect that day. The catalogue is municipal: anyone
 * signed in reads all of it (the public point page shows a point's subset).
 */
export async function listCatalogue(db: Db, clock: Clock, opts: { date?: string; categoryId?: string; q?: string } = {}) {
  const date = opts.date ?? shanghaiDate(clock.now());
  const categories = await listCategories(db);
  let q = db.selectFrom('service_items').selectAll().where('active', '=', 1);
  if (opts.categoryId) q = q.where('category_id', '=', opts.categoryId);
  const items = await q.orderBy('sort_order').orderBy('impl_code').execute();
  const versions = items.length
    ? await db
        .selectFrom('service_item_versions')
        .selectAll()
        .where('effective_from', '<=', date)
        .where('item_id', 'in', items.map((i) => i.id))
        .execute()
    : [];
  const inEffect = new Map<string, ServiceItemVersionTable>();
  for (const v of versions) {
    const cur = inEffect.get(v.item_id);
    if (!cur || v.effective_from > cur.effective_from || (v.effective_from === cur.effective_from && v.version > cur.version)) inEffect.set(v.item_id, v);
  }
  const needle = opts.q?.trim();
  const dtos = items
    .map((i) => itemDto(i, inEffect.get(i.id) ?? null))
    .filter((i) => !needle || i.implCode.includes(needle) || i.basicCode.includes(needle) || (i.current?.nameZh.includes(needle) ?? false));
  return {
    date,
    categories: categories.map((c) => ({ ...c, items: dtos.filter((i) => i.categoryId === c.id) })).filter((c) => !opts.categoryId || c.id === opts.categoryId),
    itemCount: dtos.length,
  };
}

/** One item with every version, newest first. */
export async function getItem(db: Db, clock: Clock, id: string) {
  const item = await db.selectFrom('service_items').selectAll().where('id', '=', id).executeTakeFirst();
  if (!item) throw notFound('Service item', id);
  const versions = await db.selectFrom('service_item_versions').selectAll().where('item_id', '=', id).orderBy('version', 'desc').execute();
  const current = await versionInEffect(db, id, shanghaiDate(clock.now()));
  return { ...itemDto(item, current), versions: versions.map(versionDto) };
}

/**
 * The catalogue is municipal, one for the whole district: only a district-level administrator (no
 * home subdistrict) adds items or publishes versions — a subdistrict's administrator would change
 * the guides and promised limits of every other subdistrict. (Global calendar overrides: the same rule.)
 */
export function assertMayWriteCatalogue(actor: Actor) {
  assertCan(actor, 'services.catalogue.write');
  if (actor.subdistrictId !== null) {
    throw new DomainError('forbidden', 'The service catalogue is district-wide: it is changed by a district-level administrator only', {
      permission: 'services.catalogue.write', scope: 'district',
    });
  }
}

/**
 * Serialises the writers of the catalogue (PostgreSQL; SQLite writes one at a time): the code
 * checks and the import's plan then read what the one before committed.
 */
export async function lockCatalogue(db: Db) {
  if (isPostgres(db)) await sql`select pg_advisory_xact_lock(hashtext('service_catalogue'))`.execute(db);
}

const codeTaken = (field: 'basicCode' | 'implCode') =>
  new DomainError('duplicate', `${field}: already used by another item`, { fields: [{ field, reason: 'already used' }] });

async function assertCodesFree(db: Db, basicCode: string, implCode: string) {
  const clash = await db
    .selectFrom('service_items')
    .select(['basic_code', 'impl_code'])
    .where((eb) => eb.or([eb('basic_code', '=', basicCode), eb('impl_code', '=', implCode)]))
    .executeTakeFirst();
  if (clash?.basic_code === basicCode) throw codeTaken('basicCode');
  if (clash) throw codeTaken('implCode');
}

/** Creates an item with its first guide version. The caller owns the transaction. */
export async function createItem(db: Db, clock: Clock, actor: Actor, raw: ItemInput) {
  assertMayWriteCatalogue(actor);
  const input = parseInput(ItemInput, raw);
  const category = await db.selectFrom('service_categories').select('id').where('id', '=', input.categoryId).executeTakeFirst();
  if (!category) throw invalidField('categoryId', 'unknown category');
  await lockCatalogue(db);
  await assertCodesFree(db, input.basicCode, input.implCode);
  const at = clock.now().toISOString();
  const id = newId();
  await db
    .insertInto('service_items')
    .values({ id, category_id: input.categoryId, basic_code: input.basicCode, impl_code: input.implCode, latest_version: 1, active: 1, sort_order: input.sortOrder, created_at: at, updated_at: at })
    .execute()
    .catch((e: unknown) => {
      // A writer that got past the check at the same time (the unique codes let one in).
      if (!isUniqueViolation(e)) throw e;
      throw codeTaken(/basic_code/.test(String((e as { constraint?: string }).constraint ?? (e as Error).message)) ? 'basicCode' : 'implCode');
    });
  await db.insertInto('service_item_versions').values(versionRow(newId(), id, 1, input.guide, actor.userId, at)).execute();
  return getItem(db, clock, id);
}

/**
 * Publishes a new guide version (an edit never rewrites a version: records keep the one they
 * used). It starts today or later, and not before the latest version's start.
 */
export async function publishVersion(db: Db, clock: Clock, actor: Actor, itemId: string, raw: VersionInput) {
  assertMayWriteCatalogue(actor);
  const input = parseInput(VersionInput, raw);
  const item = await db.selectFrom('service_items').selectAll().where('id', '=', itemId).executeTakeFirst();
  if (!item) throw notFound('Service item', itemId);
  if (item.latest_version !== input.baseVersion) {
    throw new DomainError('stale_version', 'The item has a newer version; reload it', { latestVersion: item.latest_version });
  }
  const today = shanghaiDate(clock.now());
  if (input.guide.effectiveFrom < today) throw invalidField('guide.effectiveFrom', 'must be today or later: a published version is never backdated');
  const latest = await db
    .selectFrom('service_item_versions')
    .select('effective_from')
    .where('item_id', '=', itemId)
    .where('version', '=', item.latest_version)
    .executeTakeFirstOrThrow();
  if (input.guide.effectiveFrom < latest.effective_from) throw invalidField('guide.effectiveFrom', `must not be before ${latest.effective_from}, when version ${item.latest_version} starts`);
  const version = item.latest_version + 1;
  const at = clock.now().toISOString();
  // The version check in the WHERE makes two concurrent editors collide on one row, not both win.
  const updated = await db
    .updateTable('service_items')
    .set({ latest_version: version, updated_at: at })
    .where('id', '=', itemId)
    .where('latest_version', '=', item.latest_version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The item has a newer version; reload it');
  await db.insertInto('service_item_versions').values(versionRow(newId(), itemId, version, input.guide, actor.userId, at)).execute();
  return getItem(db, clock, itemId);
}
