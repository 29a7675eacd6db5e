import type { Guide, ItemChannel, ItemMode, MaterialSpec, StepSpec } from './types';

/** The version form's state: numbers kept as typed text, so a half-typed value is not lost. */
export interface GuideForm {
  nameZh: string;
  nameEn: string;
  itemType: string;
  department: string;
  legalBasis: string;
  conditions: string;
  materials: (Omit<MaterialSpec, 'copies'> & { copies: string })[];
  steps: (Omit<StepSpec, 'days'> & { days: string })[];
  legalLimitDays: string;
  promisedLimitDays: string;
  fee: string;
  placesHours: string;
  visits: '0' | '1';
  citywide: boolean;
  mode: ItemMode;
  channels: ItemChannel[];
  assistAllowed: boolean;
  proxyAllowed: boolean;
  consultPhone: string;
  complaintPhone: string;
  faq: string;
  effectiveFrom: string;
}

export const TEXT_FIELDS = ['nameZh', 'nameEn', 'itemType', 'department', 'fee', 'consultPhone', 'complaintPhone'] as const;
export const LONG_FIELDS = ['legalBasis', 'conditions', 'placesHours', 'faq'] as const;

/** The next version starts from the latest one's content, effective from `from`. */
export function formOf(g: Guide, from: string): GuideForm {
  return {
    nameZh: g.nameZh, nameEn: g.nameEn, itemType: g.itemType, department: g.department, legalBasis: g.legalBasis, conditions: g.conditions,
    materials: g.materials.map((m) => ({ ...m, copies: String(m.copies) })),
    steps: g.steps.map((s) => ({ ...s, days: String(s.days) })),
    legalLimitDays: String(g.legalLimitDays), promisedLimitDays: String(g.promisedLimitDays), fee: g.fee, placesHours: g.placesHours,
    visits: g.visits === 0 ? '0' : '1', citywide: g.citywide, mode: g.mode, channels: [...g.channels], assistAllowed: g.assistAllowed,
    proxyAllowed: g.proxyAllowed, consultPhone: g.consultPhone, complaintPhone: g.complaintPhone, faq: g.faq, effectiveFrom: from,
  };
}

/** A typed number, or the text itself when it is not one (the server names the field and why). */
const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

/** The request body of POST /api/services/items/:id/versions. */
export function bodyOf(f: GuideForm, baseVersion: number) {
  return {
    baseVersion,
    guide: {
      nameZh: f.nameZh, nameEn: f.nameEn, itemType: f.itemType, department: f.department, legalBasis: f.legalBasis, conditions: f.conditions,
      materials: f.materials.map((m) => ({ ...m, copies: num(m.copies) })),
      steps: f.steps.map((s) => ({ ...s, days: num(s.days) })),
      legalLimitDays: num(f.legalLimitDays), promisedLimitDays: num(f.promisedLimitDays), fee: f.fee, placesHours: f.placesHours,
      visits: Number(f.visits), citywide: f.citywide, mode: f.mode, channels: f.channels, assistAllowed: f.assistAllowed, proxyAllowed: f.proxyAllowed,
      consultPhone: f.consultPhone, complaintPhone: f.complaintPhone, faq: f.faq, effectiveFrom: f.effectiveFrom,
    },
  };
}

/** Today in Shanghai, yyyy-MM-dd. */
export { shanghaiToday } from '../../shared/dates';
