import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { canonicalJson } from '../cases/hash-chain.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { errorField, errorReason } from '../shared/import-batch.js';
import { importFailed, type LedgerRow, readLedger, type RowError } from '../shared/xlsx.js';
import { assertMayWriteCatalogue, createItem, lockCatalogue, publishVersion } from './catalogue.js';
import {
  CATEGORY_COLUMNS, CHANNEL_LABELS, type CategoryColumnKey, FORM_LABELS, ITEM_COLUMNS, type ItemColumnKey, MATERIAL_COLUMNS, MODE_LABELS,
  type MaterialColumnKey, REQUIRED_CATEGORY_COLUMNS, REQUIRED_ITEM_COLUMNS, REQUIRED_MATERIAL_COLUMNS, fromLabels, parseSteps, parseYesNo,
} from './catalogue-xlsx-columns.js';
import { GuideInput, MaterialSpec } from './item-input.js';
import { latestCatalogue } from './export-catalogue.js';
import { guideOf } from './versions.js';
import { CalendarDay } from '../calendar/day-schema.js';

const CategoryRow = z.strictObject({
  code: z.string().trim().min(1).max(20),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(200).default(''),
  ticketPrefix: z.string().trim().min(1).max(2),
  sortOrder: z.number().int().min(0).max(100_000).default(0),
});
const ItemFields = z.strictObject({
  basicCode: z.string().trim().min(4).max(40).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  implCode: z.string().trim().min(4).max(60).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  sortOrder: z.number().int().min(0).max(100_000).default(0),
});

export type PlanKind = 'new' | 'new_version' | 'changed' | 'unchanged';
export interface CategoryPlan { row: number; code: string; kind: Exclude<PlanKind, 'new_version'> }
export interface ItemPlan {
  row: number;
  implCode: string;
  nameZh: string;
  kind: PlanKind;
  /** The version the import publishes (new: 1; new_version: latest + 1). */
  version: number | null;
  /** Guide fields (or category / sortOrder) that differ from the catalogue's latest version. */
  changes: string[];
}
export interface CataloguePlan {
  effectiveFrom: string;
  categories: CategoryPlan[];
  items: ItemPlan[];
  counts: Record<PlanKind, number> & { categoriesNew: number; categoriesChanged: number; errors: number };
  errors: RowError[];
  /** What the apply must match: the plan and the catalogue state it was computed against. */
  digest: string;
  applied: boolean;
}

export interface CatalogueImportOptions {
  /** Preview: compute the plan (running every write) and roll back. */
  dryRun?: boolean;
  /** The date new items and new versions start (default today, Asia/Shanghai). */
  effectiveFrom?: string;
  /** The digest of the preview being confirmed: the apply refuses if its own plan differs. */
  digest?: string;
  /** Runs in the import's transaction after every write of an apply (e.g. to audit it). */
  beforeCommit?: (trx: Db, plan: CataloguePlan) => Promise<unknown>;
}

class PreviewRollback extends Error {
  constructor(readonly plan: CataloguePlan) {
    super('preview');
  }
}

const GUIDE_COLUMN: Record<string, ItemColumnKey> = { categoryId: 'category', 'guide.effectiveFrom': 'effectiveFrom', effectiveFrom: 'effectiveFrom', basicCode: 'basicCode', implCode: 'implCode' };

type Fail<K extends string> = (key: K, reason: string) => void;

function int<K extends string>(r: LedgerRow<K>, key: K, fail: Fail<K>): number | undefined {
  const t = r.get(key);
  if (t === null) return undefined;
  if (!/^-?\d+$/.test(t)) {
    fail(key, `"${t}" is not a whole number`);
    return undefined;
  }
  return Number(t);
}
function bool<K extends string>(r: LedgerRow<K>, key: K, fail: Fail<K>): boolean | undefined {
  const t = r.get(key);
  if (t === null) return undefined;
  const b = parseYesNo(t);
  if (b === null) fail(key, 'expected 是 or 否');
  return b ?? undefined;
}
function rowFail<K extends string>(errors: RowError[], row: number, headerOf: (k: K) => string) {
  const bad = new Set<K>();
  const fail: Fail<K> = (key, reason) => {
    if (bad.has(key)) return;
    bad.add(key);
    errors.push({ row, column: headerOf(key), reason });
  };
  return { fail, bad };
}

/** The workbook's three sheets, parsed and checked cell by cell (no database yet). */
async function readCatalogueWorkbook(bytes: Uint8Array, effectiveFrom: string) {
  const errors: RowError[] = [];
  const catSheet = await readLedger(bytes, CATEGORY_COLUMNS, REQUIRED_CATEGORY_COLUMNS);
  const itemSheet = await readLedger(bytes, ITEM_COLUMNS, REQUIRED_ITEM_COLUMNS);
  const matSheet = await readLedger(bytes, MATERIAL_COLUMNS, REQUIRED_MATERIAL_COLUMNS, { allowEmpty: true });

  const categories: { row: number; data: z.output<typeof CategoryRow> }[] = [];
  const catRows = new Map<string, number>();
  for (const r of catSheet.rows) {
    const { fail, bad } = rowFail<CategoryColumnKey>(errors, r.row, catSheet.headerOf);
    const parsed = CategoryRow.safeParse({ code: r.get('code') ?? undefined, nameZh: r.get('nameZh') ?? undefined, nameEn: r.get('nameEn') ?? undefined, ticketPrefix: r.get('ticketPrefix') ?? undefined, sortOrder: int(r, 'sortOrder', fail) });
    if (!parsed.success) for (const i of parsed.error.issues) fail(i.path[0] as CategoryColumnKey, r.get(i.path[0] as CategoryColumnKey) === null ? 'required' : i.message);
    if (!parsed.success || bad.size) continue;
    const first = catRows.get(parsed.data.code);
    if (first !== undefined) fail('code', `category ${parsed.data.code} is also on row ${first}`);
    else {
      catRows.set(parsed.data.code, r.row);
      categories.push({ row: r.row, data: parsed.data });
    }
  }

  const materials = new Map<string, { seq: number; row: number; spec: MaterialSpec }[]>();
  const materialRows: { row: number; implCode: string }[] = [];
  for (const r of matSheet.rows) {
    const { fail, bad } = rowFail<MaterialColumnKey>(errors, r.row, matSheet.headerOf);
    const implCode = r.get('implCode');
    if (!implCode) fail('implCode', 'required');
    const formText = r.get('form');
    const form = formText ? fromLabels(FORM_LABELS, formText) : 'original';
    if (formText && !form) fail('form', `unknown form "${formText}"; expected 原件, 复印件 or 原件和复印件`);
    const candidate = {
      name: r.get('name') ?? undefined, form: form ?? undefined, copies: int(r, 'copies', fail), eLicenceExempt: bool(r, 'eLicenceExempt', fail),
      deferrable: bool(r, 'deferrable', fail), note: r.get('note') ?? undefined,
      // Only a material handed in for 代办 says so; the others leave it out.
      proxyOnly: bool(r, 'proxyOnly', fail) ? true : undefined,
    };
    const parsed = MaterialSpec.safeParse(candidate);
    if (!parsed.success) for (const i of parsed.error.issues) fail(i.path[0] as MaterialColumnKey, r.get(i.path[0] as MaterialColumnKey) === null ? 'required' : i.message);
    const seq = int(r, 'seq', fail) ?? Number.MAX_SAFE_INTEGER;
    if (!parsed.success || bad.size || !implCode) continue;
    materials.set(implCode, [...(materials.get(implCode) ?? []), { seq, row: r.row, spec: parsed.data }]);
    materialRows.push({ row: r.row, implCode });
  }

  const items: { row: number; category: string; fields: z.output<typeof ItemFields>; guide: z.output<typeof GuideInput>; feeEmpty: boolean }[] = [];
  const implRows = new Map<string, number>();
  const basicRows = new Map<string, number>();
  for (const r of itemSheet.rows) {
    const { fail, bad } = rowFail<ItemColumnKey>(errors, r.row, itemSheet.headerOf);
    const text = (k: ItemColumnKey) => r.get(k) ?? undefined;
    const fields = ItemFields.safeParse({ basicCode: text('basicCode'), implCode: text('implCode'), sortOrder: int(r, 'sortOrder', fail) });
    if (!fields.success) for (const i of fields.error.issues) fail(i.path[0] as ItemColumnKey, r.get(i.path[0] as ItemColumnKey) === null ? 'required' : i.message);
    const modeText = r.get('mode');
    const mode = modeText ? fromLabels(MODE_LABELS, modeText) : undefined;
    if (modeText && !mode) fail('mode', `unknown mode "${modeText}"; expected 直接受理 or 收受分离`);
    const channelTexts = (r.get('channels') ?? '').split(/[、,，;；\s]+/).filter(Boolean);
    const channels = channelTexts.map((c) => fromLabels(CHANNEL_LABELS, c));
    const unknown = channelTexts.find((_, i) => !channels[i]);
    if (unknown) fail('channels', `unknown channel "${unknown}"; expected 窗口, 移动窗口, 自助终端 or 网办`);
    let steps: unknown = undefined;
    const stepsText = r.get('steps');
    if (stepsText) {
      const s = parseSteps(stepsText);
      if (typeof s === 'string') fail('steps', s);
      else steps = s;
    }
    const implCode = fields.success ? fields.data.implCode : null;
    const mats = implCode ? (materials.get(implCode) ?? []).sort((a, b) => a.seq - b.seq || a.row - b.row).map((m) => m.spec) : [];
    const candidate = {
      nameZh: text('nameZh'), nameEn: text('nameEn'), itemType: text('itemType'), department: text('department'), legalBasis: text('legalBasis'),
      conditions: text('conditions'), materials: mats, steps, legalLimitDays: int(r, 'legalLimitDays', fail), promisedLimitDays: int(r, 'promisedLimitDays', fail),
      fee: text('fee'), placesHours: text('placesHours'), visits: int(r, 'visits', fail), citywide: bool(r, 'citywide', fail), mode,
      channels: [...new Set(channels.filter((c) => c !== null))], assistAllowed: bool(r, 'assistAllowed', fail), proxyAllowed: bool(r, 'proxyAllowed', fail),
      consultPhone: text('consultPhone'), complaintPhone: text('complaintPhone'), faq: text('faq'), effectiveFrom,
    };
    const guide = GuideInput.safeParse(candidate);
    if (!guide.success) {
      for (const i of guide.error.issues) {
        const key = (i.path[0] === 'materials' ? 'implCode' : i.path[0]) as ItemColumnKey;
        fail(key, i.path[0] !== 'materials' && r.get(key) === null ? 'required' : i.message);
      }
    }
    const category = r.get('category');
    if (!category) fail('category', 'required');
    if (!fields.success || !guide.success || bad.size || !category) continue;
    const dupImpl = implRows.get(fields.data.implCode);
    const dupBasic = basicRows.get(fields.data.basicCode);
    if (dupImpl !== undefined) fail('implCode', `implementation code ${fields.data.implCode} is also on row ${dupImpl}`);
    else if (dupBasic !== undefined) fail('basicCode', `basic code ${fields.data.basicCode} is also on row ${dupBasic}`);
    else {
      implRows.set(fields.data.implCode, r.row);
      basicRows.set(fields.data.basicCode, r.row);
      items.push({ row: r.row, category, fields: fields.data, guide: guide.data, feeEmpty: r.get('fee') === null });
    }
  }
  for (const m of materialRows) {
    if (!implRows.has(m.implCode) && !itemSheet.rows.some((r) => r.get('implCode') === m.implCode)) {
      errors.push({ row: m.row, column: matSheet.headerOf('implCode'), reason: 'no item with this implementation code on the items sheet' });
    }
  }
  return { categories, items, errors, itemHeader: itemSheet.headerOf, catHeader: catSheet.headerOf };
}

/** The guide's fields that differ (effectiveFrom aside); the stored one read with the same defaults as the file. */
function guideChanges(a: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const materials = (stored.materials as MaterialSpec[]).map(({ proxyOnly, ...m }) => (proxyOnly ? { ...m, proxyOnly } : m));
  const parsed = GuideInput.safeParse({ ...stored, materials });
  const b: Record<string, unknown> = parsed.success ? parsed.data : stored;
  return Object.keys(a).filter((k) => k !== 'effectiveFrom' && canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

/**
 * Imports the catalogue workbook: categories by code (new or changed), items by 实施编码 — a new
 * item is created with its first guide version, an item whose guide differs gets a new version
 * from `effectiveFrom` (records keep the version they used; nothing is rewritten), an item whose
 * guide is the same is left alone. Items not in the file are untouched.
 *
 * The preview (dryRun) runs every write — createItem and publishVersion, the rules of the API —
 * in a transaction and rolls it back, so the plan it lists (with every bad row) is exactly what an
 * apply does; the apply recomputes the plan and refuses (409) unless its digest equals the
 * preview's, then commits all of it or, on any bad row, nothing.
 */
export async function importCatalogue(db: Db, clock: Clock, actor: Actor, bytes: Uint8Array, opts: CatalogueImportOptions = {}): Promise<CataloguePlan> {
  assertMayWriteCatalogue(actor);
  const today = shanghaiDate(clock.now());
  const effectiveFrom = opts.effectiveFrom ?? today;
  const day = CalendarDay.safeParse(effectiveFrom);
  if (!day.success) throw invalidField('effectiveFrom', day.error.issues[0]?.message ?? 'expected YYYY-MM-DD');
  if (effectiveFrom < today) throw invalidField('effectiveFrom', 'must be today or later: a published version is never backdated');
  const file = await readCatalogueWorkbook(bytes, effectiveFrom);
  const errors = [...file.errors];
  try {
    return await db.transaction().execute(async (trx) => {
      // One catalogue writer at a time: a concurrent import or new item adding the same code would
      // otherwise fail this transaction's insert (and leave it aborted on PostgreSQL).
      await lockCatalogue(trx);
      const current = await latestCatalogue(trx);
      const catByCode = new Map(current.categories.map((c) => [c.code, c]));
      const at = clock.now().toISOString();
      const categories: CategoryPlan[] = [];
      for (const { row, data } of file.categories) {
        const c = catByCode.get(data.code);
        if (!c) {
          const id = newId();
          await trx.insertInto('service_categories').values({ id, code: data.code, name_zh: data.nameZh, name_en: data.nameEn, ticket_prefix: data.ticketPrefix, sort_order: data.sortOrder, created_at: at }).execute();
          catByCode.set(data.code, { id, code: data.code, name_zh: data.nameZh, name_en: data.nameEn, ticket_prefix: data.ticketPrefix, sort_order: data.sortOrder, created_at: at });
          categories.push({ row, code: data.code, kind: 'new' });
        } else if (c.name_zh !== data.nameZh || c.name_en !== data.nameEn || c.ticket_prefix !== data.ticketPrefix || c.sort_order !== data.sortOrder) {
          await trx.updateTable('service_categories').set({ name_zh: data.nameZh, name_en: data.nameEn, ticket_prefix: data.ticketPrefix, sort_order: data.sortOrder }).where('id', '=', c.id).execute();
          categories.push({ row, code: data.code, kind: 'changed' });
        } else categories.push({ row, code: data.code, kind: 'unchanged' });
      }

      const byImpl = new Map(current.items.map((x) => [x.item.impl_code, x]));
      const items: ItemPlan[] = [];
      const digestParts: unknown[] = [];
      for (const it of file.items) {
        const fail = (key: ItemColumnKey, reason: string) => errors.push({ row: it.row, column: file.itemHeader(key), reason });
        const category = catByCode.get(it.category);
        if (!category) {
          fail('category', `unknown category "${it.category}": not on the categories sheet nor in the catalogue`);
          continue;
        }
        const existing = byImpl.get(it.fields.implCode);
        try {
          if (!existing) {
            await createItem(trx, clock, actor, { categoryId: category.id, basicCode: it.fields.basicCode, implCode: it.fields.implCode, sortOrder: it.fields.sortOrder, guide: it.guide });
            items.push({ row: it.row, implCode: it.fields.implCode, nameZh: it.guide.nameZh, kind: 'new', version: 1, changes: [] });
            digestParts.push(['new', it.fields, category.code, it.guide]);
            continue;
          }
          if (existing.item.basic_code !== it.fields.basicCode) {
            fail('basicCode', `the basic code differs from the catalogue's (${existing.item.basic_code}); an import does not change codes`);
            continue;
          }
          // An empty fee cell is the default (不收费) for a new item, and an empty fee ('') for one that has it.
          if (it.feeEmpty && existing.version.fee === '') it.guide = { ...it.guide, fee: '' };
          const changes = guideChanges(it.guide, guideOf(existing.version));
          const moved = existing.item.category_id !== category.id || existing.item.sort_order !== it.fields.sortOrder;
          if (moved) {
            await trx.updateTable('service_items').set({ category_id: category.id, sort_order: it.fields.sortOrder, updated_at: at }).where('id', '=', existing.item.id).execute();
          }
          const itemChanges = [...(existing.item.category_id !== category.id ? ['category'] : []), ...(existing.item.sort_order !== it.fields.sortOrder ? ['sortOrder'] : [])];
          if (changes.length) {
            await publishVersion(trx, clock, actor, existing.item.id, { baseVersion: existing.item.latest_version, guide: it.guide });
            items.push({ row: it.row, implCode: it.fields.implCode, nameZh: it.guide.nameZh, kind: 'new_version', version: existing.item.latest_version + 1, changes: [...itemChanges, ...changes] });
            digestParts.push(['new_version', it.fields, category.code, existing.item.latest_version, it.guide]);
          } else {
            items.push({ row: it.row, implCode: it.fields.implCode, nameZh: it.guide.nameZh, kind: moved ? 'changed' : 'unchanged', version: null, changes: itemChanges });
            digestParts.push([moved ? 'changed' : 'unchanged', it.fields, category.code, existing.item.latest_version]);
          }
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const field = errorField(err);
          fail(field ? (GUIDE_COLUMN[field] ?? (field.replace(/^guide\./, '') as ItemColumnKey)) : 'implCode', errorReason(err));
        }
      }
      const count = (k: PlanKind) => items.filter((i) => i.kind === k).length;
      const digest = createHash('sha256').update(canonicalJson({ effectiveFrom, categories: file.categories, items: digestParts })).digest('hex');
      const plan: CataloguePlan = {
        effectiveFrom, categories, items, errors: [...errors].sort((a, b) => a.row - b.row), digest, applied: false,
        counts: {
          new: count('new'), new_version: count('new_version'), changed: count('changed'), unchanged: count('unchanged'),
          categoriesNew: categories.filter((c) => c.kind === 'new').length, categoriesChanged: categories.filter((c) => c.kind === 'changed').length, errors: errors.length,
        },
      };
      if (opts.dryRun) throw new PreviewRollback(plan);
      if (errors.length) throw importFailed(errors);
      if (opts.digest !== undefined && opts.digest !== digest) {
        throw new DomainError('conflict', 'The catalogue or the file changed since the preview; preview it again', { fields: [{ field: 'digest', reason: 'the preview is out of date' }] });
      }
      plan.applied = true;
      await opts.beforeCommit?.(trx, plan);
      return plan;
    });
  } catch (err) {
    if (err instanceof PreviewRollback) return err.plan;
    throw err;
  }
}
