import type { Db } from '../../db/index.js';
import type { ServiceItemVersionTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { writeLedgerSheets } from '../shared/xlsx.js';
import {
  CATEGORY_COLUMNS, CATEGORY_SHEET, CHANNEL_LABELS, FORM_LABELS, ITEM_COLUMNS, ITEM_SHEET, MATERIAL_COLUMNS, MATERIAL_SHEET, MODE_LABELS,
  formatSteps, yesNo,
} from './catalogue-xlsx-columns.js';
import { versionDto } from './versions.js';

/** Each active item with its latest guide version (a version published for a later date included). */
export async function latestCatalogue(db: Db) {
  const categories = await db.selectFrom('service_categories').selectAll().orderBy('sort_order').orderBy('code').execute();
  const items = await db.selectFrom('service_items').selectAll().where('active', '=', 1).orderBy('sort_order').orderBy('impl_code').execute();
  const versions = await db
    .selectFrom('service_item_versions as v')
    .innerJoin('service_items as i', (j) => j.onRef('i.id', '=', 'v.item_id').onRef('i.latest_version', '=', 'v.version'))
    .selectAll('v')
    .where('i.active', '=', 1)
    .execute();
  const latest = new Map<string, ServiceItemVersionTable>(versions.map((v) => [v.item_id, v]));
  return { categories, items: items.map((i) => ({ item: i, version: versionDto(latest.get(i.id)!) })) };
}

/**
 * The catalogue workbook: categories, every item's latest 办事指南 (all its fields) and the
 * materials on their own sheet — the same columns the import reads, so export → import changes
 * nothing. The catalogue is municipal: whoever may read it may export it.
 */
export async function exportCatalogue(db: Db, actor: Actor): Promise<{ bytes: Buffer; count: number }> {
  assertCan(actor, 'services.read');
  const { categories, items } = await latestCatalogue(db);
  const codeOf = new Map(categories.map((c) => [c.id, c.code]));
  const bytes = await writeLedgerSheets([
    {
      name: CATEGORY_SHEET,
      columns: CATEGORY_COLUMNS,
      rows: categories.map((c) => ({ code: c.code, nameZh: c.name_zh, nameEn: c.name_en, ticketPrefix: c.ticket_prefix, sortOrder: c.sort_order })),
    },
    {
      name: ITEM_SHEET,
      columns: ITEM_COLUMNS,
      rows: items.map(({ item: i, version: v }) => ({
        category: codeOf.get(i.category_id) ?? null, basicCode: i.basic_code, implCode: i.impl_code, sortOrder: i.sort_order, version: v.version,
        effectiveFrom: v.effectiveFrom, nameZh: v.nameZh, nameEn: v.nameEn, itemType: v.itemType, department: v.department, legalBasis: v.legalBasis,
        conditions: v.conditions, steps: formatSteps(v.steps), legalLimitDays: v.legalLimitDays, promisedLimitDays: v.promisedLimitDays, fee: v.fee,
        placesHours: v.placesHours, visits: v.visits, citywide: yesNo(v.citywide), mode: MODE_LABELS[v.mode], channels: v.channels.map((c) => CHANNEL_LABELS[c]).join('、'),
        assistAllowed: yesNo(v.assistAllowed), proxyAllowed: yesNo(v.proxyAllowed), consultPhone: v.consultPhone, complaintPhone: v.complaintPhone, faq: v.faq,
      })),
    },
    {
      name: MATERIAL_SHEET,
      columns: MATERIAL_COLUMNS,
      rows: items.flatMap(({ item: i, version: v }) =>
        v.materials.map((m, n) => ({
          implCode: i.impl_code, seq: n + 1, name: m.name, form: FORM_LABELS[m.form], copies: m.copies, eLicenceExempt: yesNo(m.eLicenceExempt),
          deferrable: yesNo(m.deferrable), proxyOnly: yesNo(m.proxyOnly === true), note: m.note,
        })),
      ),
    },
  ]);
  return { bytes, count: items.length };
}
