import type { Db } from '../../db/index.js';
import type { ItemChannel, ServiceItemVersionTable } from '../../db/schema.js';
import type { GuideInput, MaterialSpec, StepSpec } from './item-input.js';
import { GuideInput as GuideSchema } from './item-input.js';
import type { z } from 'zod';

export interface ItemVersion {
  id: string;
  itemId: string;
  version: number;
  effectiveFrom: string;
  nameZh: string;
  nameEn: string;
  itemType: string;
  department: string;
  legalBasis: string;
  conditions: string;
  materials: MaterialSpec[];
  steps: StepSpec[];
  legalLimitDays: number;
  promisedLimitDays: number;
  fee: string;
  placesHours: string;
  visits: number;
  citywide: boolean;
  mode: ServiceItemVersionTable['mode'];
  channels: ItemChannel[];
  assistAllowed: boolean;
  proxyAllowed: boolean;
  consultPhone: string;
  complaintPhone: string;
  faq: string;
  createdAt: string;
}

export const versionDto = (v: ServiceItemVersionTable): ItemVersion => ({
  id: v.id,
  itemId: v.item_id,
  version: v.version,
  effectiveFrom: v.effective_from,
  nameZh: v.name_zh,
  nameEn: v.name_en,
  itemType: v.item_type,
  department: v.department,
  legalBasis: v.legal_basis,
  conditions: v.conditions,
  materials: JSON.parse(v.materials),
  steps: JSON.parse(v.steps),
  legalLimitDays: v.legal_limit_days,
  promisedLimitDays: v.promised_limit_days,
  fee: v.fee,
  placesHours: v.places_hours,
  visits: v.visits,
  citywide: v.citywide === 1,
  mode: v.mode,
  channels: JSON.parse(v.channels),
  assistAllowed: v.assist_allowed === 1,
  proxyAllowed: v.proxy_allowed === 1,
  consultPhone: v.consult_phone,
  complaintPhone: v.complaint_phone,
  faq: v.faq,
  createdAt: v.created_at,
});

/** The row of a guide version (the caller has parsed the input with GuideInput). */
export function versionRow(
  id: string,
  itemId: string,
  version: number,
  g: z.output<typeof GuideSchema>,
  createdBy: string | null,
  at: string,
): ServiceItemVersionTable {
  return {
    id, item_id: itemId, version, effective_from: g.effectiveFrom, name_zh: g.nameZh, name_en: g.nameEn, item_type: g.itemType,
    department: g.department, legal_basis: g.legalBasis, conditions: g.conditions, materials: JSON.stringify(g.materials),
    steps: JSON.stringify(g.steps), legal_limit_days: g.legalLimitDays, promised_limit_days: g.promisedLimitDays, fee: g.fee,
    places_hours: g.placesHours, visits: g.visits, citywide: g.citywide ? 1 : 0, mode: g.mode, channels: JSON.stringify([...new Set(g.channels)]),
    assist_allowed: g.assistAllowed ? 1 : 0, proxy_allowed: g.proxyAllowed ? 1 : 0, consult_phone: g.consultPhone,
    complaint_phone: g.complaintPhone, faq: g.faq, created_by: createdBy, created_at: at,
  };
}

/** The guide fields of a version, comparable with a parsed GuideInput (to skip no-op imports). */
export function guideOf(v: ItemVersion): z.output<typeof GuideSchema> {
  return {
    nameZh: v.nameZh, nameEn: v.nameEn, itemType: v.itemType, department: v.department, legalBasis: v.legalBasis, conditions: v.conditions,
    materials: v.materials, steps: v.steps, legalLimitDays: v.legalLimitDays, promisedLimitDays: v.promisedLimitDays, fee: v.fee,
    placesHours: v.placesHours, visits: v.visits as 0 | 1, citywide: v.citywide, mode: v.mode, channels: v.channels,
    assistAllowed: v.assistAllowed, proxyAllowed: v.proxyAllowed, consultPhone: v.consultPhone, complaintPhone: v.complaintPhone,
    faq: v.faq, effectiveFrom: v.effectiveFrom,
  };
}

/**
 * The version of an item in effect on a date: the latest effective_from on or before it, and of
 * several published for the same date the highest number. Null before the first version starts.
 */
export async function versionInEffect(db: Db, itemId: string, date: string): Promise<ServiceItemVersionTable | null> {
  const row = await db
    .selectFrom('service_item_versions')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('effective_from', '<=', date)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export type { GuideInput };
