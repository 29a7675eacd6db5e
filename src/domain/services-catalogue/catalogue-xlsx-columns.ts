import type { ItemChannel, ItemMode } from '../../db/schema.js';
import type { LedgerColumn } from '../shared/xlsx.js';
import type { MaterialSpec, StepSpec } from './item-input.js';

/**
 * The catalogue workbook (事项目录): three sheets — categories, items with every 办事指南 field
 * (one row per item, its latest guide version), and the required materials on their own sheet
 * (one row per material, tied to its item by 实施编码). Headers are Chinese as offices keep them;
 * the keys are accepted too. Every sheet's header set is distinct, so each sheet is found by its
 * own required columns whatever the sheet order.
 */
const col = <K extends string>(key: K, header: string, width = 14, aliases: string[] = []): LedgerColumn<K> => ({ key, header, aliases, width });

export const CATEGORY_SHEET = '事项类别';
export const CATEGORY_COLUMNS = [
  col('code', '类别编码', 12),
  col('nameZh', '类别名称', 20),
  col('nameEn', '类别英文名称', 28),
  col('ticketPrefix', '取号前缀', 10),
  col('sortOrder', '类别排序', 10),
] as const;
export type CategoryColumnKey = (typeof CATEGORY_COLUMNS)[number]['key'];
export const REQUIRED_CATEGORY_COLUMNS: CategoryColumnKey[] = ['code', 'nameZh', 'ticketPrefix'];

export const ITEM_SHEET = '办事指南';
export const ITEM_COLUMNS = [
  col('category', '所属类别', 10),
  col('basicCode', '基本编码', 22),
  col('implCode', '实施编码', 26),
  col('sortOrder', '事项排序', 10),
  col('version', '当前版本', 10),
  col('effectiveFrom', '生效日期', 12),
  col('nameZh', '事项名称', 28),
  col('nameEn', '事项英文名称', 30),
  col('itemType', '事项类型', 12),
  col('department', '实施主体', 18, ['受理部门']),
  col('legalBasis', '设定依据', 40),
  col('conditions', '申请条件', 40),
  col('steps', '办理流程', 30),
  col('legalLimitDays', '法定办结时限', 12),
  col('promisedLimitDays', '承诺办结时限', 12),
  col('fee', '收费', 16),
  col('placesHours', '办理地点和时间', 30),
  col('visits', '到现场次数', 10),
  col('citywide', '全市通办', 10),
  col('mode', '办理方式', 12),
  col('channels', '办理渠道', 24),
  col('assistAllowed', '可帮办', 8),
  col('proxyAllowed', '可代办', 8),
  col('consultPhone', '咨询电话', 16),
  col('complaintPhone', '监督投诉电话', 16),
  col('faq', '常见问题', 40),
] as const;
export type ItemColumnKey = (typeof ITEM_COLUMNS)[number]['key'];
export const REQUIRED_ITEM_COLUMNS: ItemColumnKey[] = ['category', 'basicCode', 'implCode', 'nameZh', 'itemType', 'department', 'legalLimitDays', 'promisedLimitDays', 'visits', 'channels'];

export const MATERIAL_SHEET = '申请材料';
export const MATERIAL_COLUMNS = [
  col('implCode', '事项实施编码', 26),
  col('seq', '材料序号', 10),
  col('name', '材料名称', 30),
  col('form', '材料形式', 14),
  col('copies', '份数', 8),
  col('eLicenceExempt', '电子证照免交', 12),
  col('deferrable', '可容缺', 8),
  col('proxyOnly', '仅代办时提交', 12),
  col('note', '材料备注', 30),
] as const;
export type MaterialColumnKey = (typeof MATERIAL_COLUMNS)[number]['key'];
export const REQUIRED_MATERIAL_COLUMNS: MaterialColumnKey[] = ['implCode', 'name'];

export const MODE_LABELS: Record<ItemMode, string> = { direct: '直接受理', separated: '收受分离' };
export const CHANNEL_LABELS: Record<ItemChannel, string> = { counter: '窗口', mobile_window: '移动窗口', terminal: '自助终端', online: '网办' };
export const FORM_LABELS: Record<MaterialSpec['form'], string> = { original: '原件', copy: '复印件', original_and_copy: '原件和复印件' };

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '×']);
/** 是 / 否 (or yes/no, true/false, 1/0); null when unreadable. */
export function parseYesNo(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  return YES.has(t) ? true : NO.has(t) ? false : null;
}
export const yesNo = (b: boolean) => (b ? '是' : '否');

/** A label (Chinese) or the value itself (English id) → the value. */
export function fromLabels<V extends string>(labels: Record<V, string>, text: string): V | null {
  const t = text.trim();
  for (const [v, label] of Object.entries(labels) as [V, string][]) if (t === label || t === v) return v;
  return null;
}

/** 办理流程: one step a line, `名称|工作日|计入` (or 不计入: the step's days do not count toward the statutory limit). */
export function formatSteps(steps: StepSpec[]): string {
  return steps.map((s) => `${s.name}|${s.days}|${s.countsTowardLimit ? '计入' : '不计入'}`).join('\n');
}

/** The steps of a cell, or the reason it cannot be read. */
export function parseSteps(text: string): StepSpec[] | string {
  const out: StepSpec[] = [];
  for (const [i, line] of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).entries()) {
    const [name, days, counts, ...rest] = line.split(/[|｜]/).map((p) => p.trim());
    if (!name || days === undefined || !/^\d{1,3}$/.test(days) || rest.length || (counts !== undefined && counts !== '计入' && counts !== '不计入')) {
      return `step ${i + 1}: expected name|working days|计入 or 不计入`;
    }
    out.push({ name, days: Number(days), countsTowardLimit: counts !== '不计入' });
  }
  return out;
}
