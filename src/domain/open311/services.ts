import type { Db } from '../../db/index.js';
import type { CaseCategoryTable, SiteKind } from '../../db/schema.js';
import { SITE_KINDS } from '../../db/schema.js';
import { isSystemOnlyCategory } from '../catalogue/system-only.js';
import { parseW3cDateTime } from './public-stage.js';
import { refused } from './refusal.js';

/**
 * GeoReport services are the working standards (the leaves) of a subdistrict's case catalogue;
 * group is the class above them. Every service has the same attribute set, which exercises all
 * six datatypes of the spec, so a client built once fills any service.
 */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export type AttributeDatatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

export interface ServiceCategory {
  category: CaseCategoryTable;
  group: string;
  /** The class's English name (the public report page shows it in English). */
  groupEn: string;
  subclass: string;
}

export const SITE_KIND_NAMES: Record<SiteKind | 'other', string> = { bin_room: '垃圾箱房', institution: '社区单位', shop: '沿街商铺', other: '其他公共区域' };
export const WASTE_TYPES = [
  { key: 'recyclable', name: '可回收物' },
  { key: 'hazardous', name: '有害垃圾' },
  { key: 'wet', name: '湿垃圾' },
  { key: 'dry', name: '干垃圾' },
];

/**
 * The active working standards of a subdistrict a report may be filed under, with the class and
 * sub-class names above each (the system-only ones left out).
 */
export async function serviceCategories(db: Db, subdistrictId: string): Promise<ServiceCategory[]> {
  const rows = await db
    .selectFrom('case_categories')
    .selectAll()
    .where('subdistrict_id', '=', subdistrictId)
    .where('active', '=', 1)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows
    .filter((r) => r.level === 'standard' && !isSystemOnlyCategory(r))
    .map((category) => {
      const sub = category.parent_id ? byId.get(category.parent_id) : undefined;
      const cls = sub?.parent_id ? byId.get(sub.parent_id) : undefined;
      const top = cls ?? sub;
      return { category, subclass: sub?.name_zh ?? '', group: top?.name_zh ?? '', groupEn: top?.name_en || top?.name_zh || '' };
    })
    .filter((s) => s.group !== '');
}

export function toService(s: ServiceCategory): Open311Service {
  const c = s.category;
  const kinds = JSON.parse(c.site_kinds) as SiteKind[];
  const where = kinds.length ? kinds.map((k) => SITE_KIND_NAMES[k]).join('、') : '各类点位';
  return {
    service_code: c.code,
    service_name: c.name_zh,
    description: `${s.subclass ? `${s.subclass}：` : ''}${c.name_zh}（适用：${where}）`,
    metadata: true,
    type: 'realtime',
    keywords: [c.name_zh, c.name_en, s.subclass, s.group].filter(Boolean).join(', '),
    group: s.group,
  };
}

/**
 * One active working standard by code, with its class and sub-class names (as serviceCategories
 * gives them: a parent counts only while active; without a class above it, it is no service).
 * Point look-ups by the unique (subdistrict, code) and parent ids — intake runs this on every POST.
 */
export async function findServiceCategory(db: Db, subdistrictId: string, serviceCode: string | undefined): Promise<ServiceCategory> {
  const code = serviceCode?.trim();
  if (!code) throw refused('service_code', 'required', 'service_code was not provided');
  const missing = () => refused('service_code', 'not a service of this jurisdiction', `service_code ${code} was not found in this jurisdiction`, 'not_found');
  const category = await db.selectFrom('case_categories').selectAll().where('subdistrict_id', '=', subdistrictId).where('code', '=', code).executeTakeFirst();
  if (!category || Number(category.active) !== 1 || category.level !== 'standard') throw missing();
  if (isSystemOnlyCategory(category)) throw refused('service_code', 'for cases the system opens, not for reports', `service_code ${code} is for cases the system opens, not for reports`);
  const activeById = async (id: string | null) =>
    id ? db.selectFrom('case_categories').select(['name_zh', 'name_en', 'parent_id']).where('id', '=', id).where('subdistrict_id', '=', subdistrictId).where('active', '=', 1).executeTakeFirst() : undefined;
  const sub = await activeById(category.parent_id);
  const cls = sub ? await activeById(sub.parent_id) : undefined;
  const top = cls ?? sub;
  const group = top?.name_zh ?? '';
  if (group === '') throw missing();
  return { category, subclass: sub?.name_zh ?? '', group, groupEn: top?.name_en || group };
}

/** The attributes of a service, ordered 1…n; bin rooms of the subdistrict are offered by name. */
export async function serviceAttributes(db: Db, s: ServiceCategory, opts: { roomValues?: boolean } = {}): Promise<Open311Attribute[]> {
  const kinds = JSON.parse(s.category.site_kinds) as SiteKind[];
  const siteKinds = (kinds.length ? kinds : [...SITE_KINDS]) as (SiteKind | 'other')[];
  if (!kinds.length) siteKinds.push('other');
  const attrs: Open311Attribute[] = [
    {
      variable: true, code: 'site_kind', datatype: 'singlevaluelist', required: true, datatype_description: null, order: 1,
      description: '问题发生在哪类地点？', values: siteKinds.map((k) => ({ key: k, name: SITE_KIND_NAMES[k] })),
    },
  ];
  if (!kinds.length || kinds.includes('bin_room')) {
    // Intake without a bin_room value needs the definition, not the list of rooms.
    const rooms = opts.roomValues === false ? [] : await db
      .selectFrom('sites')
      .select(['id', 'name'])
      .where('subdistrict_id', '=', s.category.subdistrict_id)
      .where('kind', '=', 'bin_room')
      .where('status', '=', 'active')
      .orderBy('name')
      .execute();
    attrs.push({
      variable: true, code: 'bin_room', datatype: 'singlevaluelist', required: false, datatype_description: '如在垃圾箱房，请选择箱房', order: 2,
      description: '哪个垃圾箱房？', values: rooms.map((r) => ({ key: r.id, name: r.name })),
    });
  }
  const rest: Omit<Open311Attribute, 'order'>[] = [
    { variable: true, code: 'waste_types', datatype: 'multivaluelist', required: false, datatype_description: '可多选', description: '涉及哪些垃圾类别？', values: WASTE_TYPES },
    { variable: true, code: 'observed_at', datatype: 'datetime', required: false, datatype_description: 'ISO 8601，例如 2026-05-26T08:30:00+08:00', description: '何时发现？' },
    { variable: true, code: 'quantity', datatype: 'number', required: false, datatype_description: '数字，例如满溢的桶数', description: '数量' },
    { variable: true, code: 'landmark', datatype: 'string', required: false, datatype_description: '单行文字', description: '附近地标（门牌、店名）' },
    { variable: true, code: 'details', datatype: 'text', required: false, datatype_description: '可多行', description: '补充说明' },
  ];
  for (const a of rest) attrs.push({ ...a, order: attrs.length + 1 });
  return attrs;
}

export type AttributeValues = Record<string, string | string[]>;

/** Checks submitted attribute[code] values against the definition; returns them normalised. */
export function validateAttributes(defs: Open311Attribute[], raw: AttributeValues): AttributeValues {
  const out: AttributeValues = {};
  for (const code of Object.keys(raw)) {
    if (!defs.some((d) => d.code === code)) throw refused(`attribute[${code}]`, 'not an attribute of this service', `attribute[${code}] is not an attribute of this service`);
  }
  for (const d of defs) {
    const field = `attribute[${d.code}]`;
    const given = raw[d.code];
    const values = (Array.isArray(given) ? given : given === undefined ? [] : [given]).map((v) => v.trim()).filter((v) => v !== '');
    if (!values.length) {
      if (d.required) throw refused(field, 'required for this service', `${field} is required for this service`);
      continue;
    }
    if (d.datatype !== 'multivaluelist' && values.length > 1) throw refused(field, 'takes one value', `${field} takes one value`);
    const v = values[0]!;
    switch (d.datatype) {
      case 'singlevaluelist':
        if (!d.values!.some((x) => x.key === v)) throw refused(field, 'not one of its values', `${field}: ${v} is not one of its values`);
        out[d.code] = v;
        break;
      case 'multivaluelist':
        for (const x of values) if (!d.values!.some((y) => y.key === x)) throw refused(field, 'not one of its values', `${field}: ${x} is not one of its values`);
        out[d.code] = [...new Set(values)];
        break;
      case 'number':
        if (!/^-?\d+(\.\d+)?$/.test(v)) throw refused(field, 'must be a number', `${field} must be a number`);
        out[d.code] = v;
        break;
      case 'datetime':
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || parseW3cDateTime(v) === null) {
          throw refused(field, 'must be an ISO 8601 date-time with a time zone', `${field} must be an ISO 8601 date-time with a time zone`);
        }
        out[d.code] = v;
        break;
      case 'string':
        if (/[\r\n]/.test(v) || v.length > 200) throw refused(field, 'must be one line of at most 200 characters', `${field} must be one line of at most 200 characters`);
        out[d.code] = v;
        break;
      case 'text':
        if (v.length > 4000) throw refused(field, 'at most 4000 characters', `${field} is limited to 4,000 characters`);
        out[d.code] = v;
        break;
    }
  }
  return out;
}
