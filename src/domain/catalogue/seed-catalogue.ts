import type { Db } from '../../db/index.js';
import type { HandlingUnitKind, Severity, SiteKind } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

/**
 * A waste-sorting problem catalogue in the style Huayang Road subdistrict published
 * (classes → sub-classes → working standards). Time limits are hours: [file, dispatch, handle, check].
 * Overflowing bins are urgent around the clock (calendar hours); the rest count office hours.
 */
type Limits = readonly [number, number, number, number];
type Std = readonly [code: string, zh: string, en: string, unit: HandlingUnitKind, limits: Limits, mode: 'working' | 'calendar', severity: Severity];
type Sub = readonly [code: string, zh: string, en: string, standards: readonly Std[]];
type Cls = readonly [code: string, zh: string, en: string, kinds: readonly SiteKind[], subs: readonly Sub[]];

const URGENT: Limits = [0.5, 0.5, 2, 4];
const QUICK: Limits = [1, 1, 4, 4];
const NORMAL: Limits = [2, 2, 8, 8];
const SLOW: Limits = [4, 4, 24, 8];
const LONG: Limits = [4, 4, 40, 16];

export const CATALOGUE: readonly Cls[] = [
  ['A', '箱房问题', 'Bin-room problems', ['bin_room'], [
    ['A01', '满溢', 'Overflowing bins', [
      ['A0101', '湿垃圾桶满溢', 'Wet-waste bins overflowing', 'sanitation_company', URGENT, 'calendar', 'urgent'],
      ['A0102', '干垃圾桶满溢', 'Dry-waste bins overflowing', 'sanitation_company', URGENT, 'calendar', 'urgent'],
      ['A0103', '可回收物箱满溢', 'Recyclables bin overflowing', 'sanitation_company', [1, 1, 4, 4], 'calendar', 'high'],
    ]],
    ['A02', '小包垃圾落地', 'Bags dropped outside', [
      ['A0201', '投放点小包垃圾落地', 'Bagged waste left on the ground at the bin room', 'property_company', [1, 1, 2, 4], 'calendar', 'high'],
      ['A0202', '箱房周边垃圾堆放', 'Waste piled around the bin room', 'property_company', QUICK, 'working', 'high'],
    ]],
    ['A03', '混投', 'Mixed sorting', [
      ['A0301', '湿垃圾中混有干垃圾', 'Dry waste mixed into wet-waste bins', 'property_company', NORMAL, 'working', 'normal'],
      ['A0302', '干垃圾中混有湿垃圾', 'Wet waste mixed into dry-waste bins', 'property_company', NORMAL, 'working', 'normal'],
      ['A0303', '有害垃圾混投', 'Hazardous waste in the wrong bin', 'property_company', QUICK, 'working', 'high'],
    ]],
    ['A04', '设施缺失破损', 'Containers missing or damaged', [
      ['A0401', '分类桶缺失', 'A sorting container is missing', 'property_company', SLOW, 'working', 'normal'],
      ['A0402', '垃圾桶破损', 'A container is damaged', 'property_company', SLOW, 'working', 'normal'],
      ['A0403', '桶盖缺失', 'A container lid is missing', 'property_company', SLOW, 'working', 'low'],
      ['A0404', '洗手装置损坏', 'The hand-wash basin is broken', 'property_company', LONG, 'working', 'low'],
    ]],
    ['A05', '标识缺失', 'Signage missing', [
      ['A0501', '分类标识缺失或不规范', 'Sorting signage missing or non-standard', 'property_company', SLOW, 'working', 'normal'],
      ['A0502', '投放时间公示缺失', 'Disposal-hours notice missing', 'property_company', SLOW, 'working', 'low'],
    ]],
    ['A06', '环境脏乱', 'Dirty surroundings', [
      ['A0601', '箱房及周边脏乱', 'Bin room or surroundings dirty', 'property_company', NORMAL, 'working', 'normal'],
      ['A0602', '异味或污水外溢', 'Odour or leaking waste water', 'property_company', QUICK, 'working', 'high'],
      ['A0603', '蚊蝇滋生', 'Flies breeding', 'property_company', NORMAL, 'working', 'normal'],
    ]],
    ['A07', '值守开放', 'Attendance and opening', [
      ['A0701', '投放时段无人值守', 'Unattended during disposal hours', 'committee', [0.5, 0.5, 1, 4], 'calendar', 'high'],
      ['A0702', '未按时开放箱房', 'Bin room not opened on time', 'property_company', [0.5, 0.5, 1, 4], 'calendar', 'high'],
    ]],
  ]],
  ['B', '沿街商铺问题', 'Street-shop problems', ['shop'], [
    ['B01', '容器配置', 'Containers', [
      ['B0101', '未设置分类容器', 'No sorting containers', 'enforcement_team', LONG, 'working', 'normal'],
      ['B0102', '分类容器配置不全', 'Incomplete set of containers', 'enforcement_team', LONG, 'working', 'low'],
    ]],
    ['B02', '收运合同', 'Collection contract', [
      ['B0201', '未签订垃圾收运合同', 'No waste-collection contract', 'enforcement_team', LONG, 'working', 'normal'],
      ['B0202', '垃圾未交有资质单位收运', 'Waste not handed to a licensed collector', 'enforcement_team', LONG, 'working', 'high'],
    ]],
    ['B03', '投放行为', 'Disposal', [
      ['B0301', '商铺垃圾混投', 'Shop mixes waste', 'enforcement_team', NORMAL, 'working', 'normal'],
      ['B0302', '门前乱倒垃圾', 'Waste dumped in front of the shop', 'sanitation_company', QUICK, 'calendar', 'high'],
    ]],
    ['B04', '标识公示', 'Signage', [
      ['B0401', '无分类标识', 'No sorting signage', 'enforcement_team', LONG, 'working', 'normal'],
    ]],
  ]],
  ['C', '社区单位问题', 'Community-unit problems', ['institution'], [
    ['C01', '分类管理', 'Sorting management', [
      ['C0101', '未设置分类容器', 'No sorting containers', 'enforcement_team', LONG, 'working', 'normal'],
      ['C0102', '未明确分类管理责任人', 'No named person responsible for sorting', 'committee', LONG, 'working', 'low'],
    ]],
    ['C02', '投放收运', 'Disposal and collection', [
      ['C0201', '混投混运', 'Mixed disposal or mixed collection', 'enforcement_team', NORMAL, 'working', 'high'],
      ['C0202', '收运交接台账缺失', 'Hand-over ledger missing', 'committee', LONG, 'working', 'low'],
    ]],
  ]],
];

/** Creates the catalogue for one subdistrict (idempotent: does nothing if one exists). */
export async function seedCatalogue(db: Db, clock: Clock, subdistrictId: string): Promise<number> {
  const existing = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  if (existing) return 0;
  const now = clock.now().toISOString();
  const rows: Parameters<ReturnType<Db['insertInto']>['values']>[0][] = [];
  const row = (parentId: string | null, level: 'class' | 'subclass' | 'standard', code: string, zh: string, en: string, kinds: readonly SiteKind[], order: number, std?: Std) => {
    const id = newId();
    const limits = std?.[4] ?? NORMAL;
    rows.push({
      id, subdistrict_id: subdistrictId, parent_id: parentId, level, code, name_zh: zh, name_en: en,
      default_unit_kind: std?.[3] ?? null,
      file_hours: limits[0], dispatch_hours: limits[1], handle_hours: limits[2], check_hours: limits[3],
      limit_mode: std?.[5] ?? 'working', severity: std?.[6] ?? 'normal',
      site_kinds: JSON.stringify(kinds), sort_order: order, active: 1, version: 1, created_at: now, updated_at: now,
    });
    return id;
  };
  CATALOGUE.forEach(([code, zh, en, kinds, subs], i) => {
    const classId = row(null, 'class', code, zh, en, kinds, i);
    subs.forEach(([scode, szh, sen, stds], j) => {
      const subId = row(classId, 'subclass', scode, szh, sen, kinds, j);
      stds.forEach((std, k) => row(subId, 'standard', std[0], std[1], std[2], kinds, k, std));
    });
  });
  await db.insertInto('case_categories').values(rows as never).execute();
  return rows.length;
}

const PREFIXES: Record<string, string> = { '008': 'HQ', '010': 'XX' };

/** Called by the demo seed: a catalogue and a case-number prefix for every subdistrict. */
export async function seedCaseCatalogues(db: Db, clock: Clock): Promise<void> {
  const subs = await db.selectFrom('subdistricts').select(['id', 'code', 'case_prefix']).execute();
  for (const s of subs) {
    if (!s.case_prefix) {
      await db.updateTable('subdistricts').set({ case_prefix: PREFIXES[s.code] ?? `S${s.code}` }).where('id', '=', s.id).execute();
    }
    await seedCatalogue(db, clock, s.id);
  }
}
