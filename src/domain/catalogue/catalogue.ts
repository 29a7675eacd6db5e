import { type Db, isUniqueViolation } from '../../db/index.js';
import type { CaseCategoryTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, subdistrictCondition } from '../auth/scope.js';
import { bumpVersions } from '../open311/versions.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { CategoryInput, CategoryPatch } from './catalogue-input.js';
import { isSystemOnlyCategory } from './system-only.js';

const PARENT_LEVEL = { class: null, subclass: 'class', standard: 'subclass' } as const;

export function toCategory(r: CaseCategoryTable) {
  return {
    id: r.id,
    subdistrictId: r.subdistrict_id,
    parentId: r.parent_id,
    level: r.level,
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    defaultUnitKind: r.default_unit_kind,
    fileHours: Number(r.file_hours),
    dispatchHours: Number(r.dispatch_hours),
    handleHours: Number(r.handle_hours),
    checkHours: Number(r.check_hours),
    limitMode: r.limit_mode,
    severity: r.severity,
    siteKinds: JSON.parse(r.site_kinds) as string[],
    checkBy: r.check_by ?? 'reporter',
    sortOrder: r.sort_order,
    active: r.active === 1,
    version: r.version,
  };
}
export type Category = ReturnType<typeof toCategory>;
export type CategoryNode = Category & { children: CategoryNode[] };

/**
 * The catalogue of the actor's subdistricts as a tree (classes → sub-classes → standards).
 * `filing` is the tree a report picker offers: the system-only standards left out, with the
 * classes and sub-classes that held nothing else.
 */
export async function catalogueTree(db: Db, actor: Actor, opts: { subdistrictId?: string; includeInactive?: boolean; filing?: boolean } = {}) {
  assertCan(actor, 'catalogue.read');
  let q = db.selectFrom('case_categories').selectAll().where(subdistrictCondition(actor, 'subdistrict_id'));
  if (opts.subdistrictId) q = q.where('subdistrict_id', '=', opts.subdistrictId);
  if (!opts.includeInactive) q = q.where('active', '=', 1);
  const all = (await q.orderBy('sort_order').orderBy('code').execute()).map(toCategory);
  const rows = opts.filing ? all.filter((r) => !isSystemOnlyCategory(r)) : all;
  const byId = new Map<string, CategoryNode>(rows.map((r) => [r.id, { ...r, children: [] }]));
  const roots: CategoryNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else if (!node.parentId) roots.push(node);
  }
  if (!opts.filing) return roots;
  // A class or sub-class whose only standards are system-only goes too (one that never had any stays).
  const hadChildren = new Set(all.map((r) => r.parentId));
  const prune = (nodes: CategoryNode[]): CategoryNode[] =>
    nodes.filter((n) => {
      n.children = prune(n.children);
      return n.children.length > 0 || !hadChildren.has(n.id);
    });
  return prune(roots);
}

/** A category the actor may see, or not_found. */
export async function getCategory(db: Db, actor: Actor, id: string): Promise<Category> {
  const row = await db
    .selectFrom('case_categories')
    .selectAll()
    .where('id', '=', id)
    .where(subdistrictCondition(actor, 'subdistrict_id'))
    .executeTakeFirst();
  if (!row) throw notFound('Category', id);
  return toCategory(row);
}

const codeTaken = () => new DomainError('duplicate', 'code: already used in this catalogue', { fields: [{ field: 'code', reason: 'already used' }] });

async function assertCodeFree(db: Db, subdistrictId: string, code: string, exceptId?: string) {
  let q = db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subdistrictId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw codeTaken();
}

/** Two writers past assertCodeFree at once: the unique (subdistrict, code) lets one in, the other is told the code is taken. */
const codeCollision = (e: unknown): never => {
  throw isUniqueViolation(e) ? codeTaken() : e;
};

export async function createCategory(db: Db, clock: Clock, actor: Actor, input: CategoryInput): Promise<Category> {
  assertCan(actor, 'catalogue.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  const wantParent = PARENT_LEVEL[input.level];
  if (wantParent === null && input.parentId) throw invalidField('parentId', 'a class has no parent');
  if (wantParent !== null) {
    if (!input.parentId) throw invalidField('parentId', `a ${input.level} needs a ${wantParent} as parent`);
    const parent = await db.selectFrom('case_categories').select(['level', 'subdistrict_id']).where('id', '=', input.parentId).executeTakeFirst();
    if (!parent || parent.subdistrict_id !== input.subdistrictId) throw invalidField('parentId', 'unknown category');
    if (parent.level !== wantParent) throw invalidField('parentId', `must be a ${wantParent}`);
  }
  await assertCodeFree(db, input.subdistrictId, input.code);
  const now = clock.now().toISOString();
  const id = newId();
  await db
    .insertInto('case_categories')
    .values({
      id, subdistrict_id: input.subdistrictId, parent_id: input.parentId, level: input.level, code: input.code,
      name_zh: input.nameZh, name_en: input.nameEn, default_unit_kind: input.defaultUnitKind,
      file_hours: input.fileHours, dispatch_hours: input.dispatchHours, handle_hours: input.handleHours, check_hours: input.checkHours,
      limit_mode: input.limitMode, severity: input.severity, site_kinds: JSON.stringify(input.siteKinds),
      check_by: input.checkBy, sort_order: input.sortOrder, active: 1, version: 1, created_at: now, updated_at: now,
    })
    .execute()
    .catch(codeCollision);
  return getCategory(db, actor, id);
}

/** Optimistic edit; open cases keep the due times already computed from the old limits. */
export async function updateCategory(db: Db, clock: Clock, actor: Actor, id: string, patch: CategoryPatch): Promise<Category> {
  assertCan(actor, 'catalogue.write');
  const current = await getCategory(db, actor, id);
  assertOwnsSubdistrict(actor, current.subdistrictId, 'Category');
  if (current.version !== patch.version) throw new DomainError('stale_version', 'The category was changed by someone else', { current });
  if (patch.code !== undefined) await assertCodeFree(db, current.subdistrictId, patch.code, id);
  const res = await db
    .updateTable('case_categories')
    .set({
      ...(patch.code !== undefined && { code: patch.code }),
      ...(patch.nameZh !== undefined && { name_zh: patch.nameZh }),
      ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
      ...(patch.defaultUnitKind !== undefined && { default_unit_kind: patch.defaultUnitKind }),
      ...(patch.fileHours !== undefined && { file_hours: patch.fileHours }),
      ...(patch.dispatchHours !== undefined && { dispatch_hours: patch.dispatchHours }),
      ...(patch.handleHours !== undefined && { handle_hours: patch.handleHours }),
      ...(patch.checkHours !== undefined && { check_hours: patch.checkHours }),
      ...(patch.limitMode !== undefined && { limit_mode: patch.limitMode }),
      ...(patch.severity !== undefined && { severity: patch.severity }),
      ...(patch.siteKinds !== undefined && { site_kinds: JSON.stringify(patch.siteKinds) }),
      ...(patch.sortOrder !== undefined && { sort_order: patch.sortOrder }),
      ...(patch.checkBy !== undefined && { check_by: patch.checkBy }),
      ...(patch.active !== undefined && { active: patch.active ? 1 : 0 }),
      updated_at: clock.now().toISOString(),
      version: current.version + 1,
    })
    .where('id', '=', id)
    .where('version', '=', patch.version)
    .executeTakeFirst()
    .catch(codeCollision);
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The category was changed by someone else');
  // Its code, name and limits are public in Open311 answers.
  await bumpVersions(db, [current.subdistrictId]);
  return getCategory(db, actor, id);
}
