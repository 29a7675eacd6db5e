import type { Db } from '../../db/index.js';
import type { ItemChannel, ServiceItemVersionTable } from '../../db/schema.js';
import type { MaterialSpec } from '../services-catalogue/item-input.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { DEPARTMENTS, ITEM_NAMES_EN, ITEM_TYPES, type ItemLine, LOCAL_ITEMS, SERVICE_CATEGORIES } from './service-catalogue-data.js';

/** Changning's division code and the 2-letter department codes build the 实施编码 (`31010500GA-QR-0001`). */
const DIVISION = '31010500';

function materialsFor(line: ItemLine): MaterialSpec[] {
  const [name, , type, , , , terminal, proxy] = line;
  const m: MaterialSpec[] = [
    { name: '申请人有效身份证件', form: 'original', copies: 1, eLicenceExempt: true, deferrable: false, note: '电子证照库可调取的免交' },
  ];
  if (terminal) return m; // self-service items need no more than the ID card (居住证 in three minutes)
  if (name.includes('租赁合同')) m.push({ name: '房屋租赁合同', form: 'original', copies: 1, eLicenceExempt: false, deferrable: false, note: '网签合同无需纸质件' }, { name: '房屋权属证明', form: 'copy', copies: 1, eLicenceExempt: true, deferrable: true, note: '' });
  m.push({ name: `${name}申请表`, form: 'original', copies: 1, eLicenceExempt: false, deferrable: false, note: '窗口可现场填写' });
  if (type === 'JF') m.push({ name: '家庭收入及财产状况声明', form: 'original', copies: 1, eLicenceExempt: false, deferrable: true, note: '可容缺，10个工作日内补交' }, { name: '户口簿', form: 'original_and_copy', copies: 1, eLicenceExempt: true, deferrable: false, note: '' });
  if (type === 'QR' || type === 'XK') m.push({ name: '相关证明材料', form: 'copy', copies: 1, eLicenceExempt: false, deferrable: true, note: '按具体情形提供' });
  if (proxy) m.push({ name: '授权委托书及代办人身份证件', form: 'original', copies: 1, eLicenceExempt: false, deferrable: false, note: '仅代办时提供', proxyOnly: true });
  return m;
}

const MOBILE_WINDOWS = '各居民区一网通办移动窗口（工作日9:00–11:30、13:30–16:30）';
const BUILDING_WINDOWS = '重点楼宇窗口（工作日午间11:30–13:30）';

/**
 * 办理地点和时间, 申请条件 and the 全市通办 flag of an item. A 全市通办 item is handled at Hongqiao's
 * windows and centre (and at any centre in the city). An item of `LOCAL_ITEMS` is handled where the
 * applicant's household is registered, the property lies or the person stays: Hongqiao's windows
 * take it only when that is in Hongqiao, and the condition says why.
 */
function placesAndConditions(name: string) {
  const conditions = `符合${name}相关政策规定的本市户籍居民或持有效居住证的来沪人员。`;
  const local = LOCAL_ITEMS[name];
  if (!local) return { citywide: 1, places: `${MOBILE_WINDOWS}；${BUILDING_WINDOWS}；虹桥街道社区事务受理服务中心`, conditions };
  const place = local.of === '住宿地' ? '住宿地' : `${local.of}所在地`;
  return {
    citywide: 0,
    places: `${place}街道社区事务受理服务中心${local.also ? `或${local.also}` : ''}；${local.of}在虹桥街道的，也可在${MOBILE_WINDOWS}或${BUILDING_WINDOWS}递交`,
    conditions: `${conditions}本事项非全市通办，在${place}办理：${local.why}`,
  };
}

/** The guide of one catalogue line as it is published from `effectiveFrom`. */
export function guideRow(line: ItemLine, itemId: string, effectiveFrom: string, at: string): ServiceItemVersionTable {
  const [name, dept, type, promised, legal, mode, terminal, proxy] = line;
  const channels: ItemChannel[] = ['counter', 'mobile_window', ...(terminal ? (['terminal'] as const) : []), 'online'];
  const materials = materialsFor(line).filter((m) => proxy || !m.name.startsWith('授权委托书'));
  const steps = mode === 's'
    ? [{ name: '受理', days: 0, countsTowardLimit: true }, { name: '审查（后台）', days: Math.max(0, promised - 1), countsTowardLimit: true }, { name: '决定', days: 1, countsTowardLimit: true }, { name: '送达', days: 0, countsTowardLimit: false }]
    : [{ name: '受理', days: 0, countsTowardLimit: true }, { name: '办结', days: promised, countsTowardLimit: true }];
  const { citywide, places, conditions } = placesAndConditions(name);
  return {
    id: newId(), item_id: itemId, version: 1, effective_from: effectiveFrom, name_zh: name, name_en: ITEM_NAMES_EN[name] ?? '', item_type: ITEM_TYPES[type],
    department: DEPARTMENTS[dept], legal_basis: `《${name.includes('居住证') ? '上海市居住证管理办法' : name.includes('公积金') ? '住房公积金管理条例' : `上海市${ITEM_TYPES[type]}事项实施规定`}》及相关规定`,
    conditions,
    materials: JSON.stringify(materials), steps: JSON.stringify(steps), legal_limit_days: legal, promised_limit_days: promised, fee: '不收费',
    places_hours: places,
    visits: mode === 's' && !terminal ? 1 : 0, citywide, mode: mode === 's' ? 'separated' : 'direct', channels: JSON.stringify(channels),
    assist_allowed: 1, proxy_allowed: proxy ? 1 : 0, consult_phone: '021-12345', complaint_phone: '021-12345',
    faq: terminal ? '问：能否在自助终端办理？答：可以，凭身份证在自助终端约3分钟即可办结。' : '问：材料不齐能否受理？答：标注"可容缺"的材料可先行受理，限期补交。',
    created_by: null, created_at: at,
  };
}

/** Creates the 12 categories / 101 items (idempotent: nothing happens when the catalogue exists). */
export async function seedServiceCatalogue(db: Db, clock: Clock, effectiveFrom = '2026-01-01') {
  const existing = await db.selectFrom('service_categories').select('id').executeTakeFirst();
  if (existing) return { categories: 0, items: 0 };
  const at = clock.now().toISOString();
  let items = 0;
  const seq = new Map<string, number>();
  for (const [ci, cat] of SERVICE_CATEGORIES.entries()) {
    const categoryId = newId();
    await db.insertInto('service_categories').values({ id: categoryId, code: cat.code, name_zh: cat.zh, name_en: cat.en, ticket_prefix: cat.prefix, sort_order: ci, created_at: at }).execute();
    const itemRows = [];
    const versionRows = [];
    for (const [ii, line] of cat.items.entries()) {
      const key = `${line[1]}-${line[2]}`;
      const n = (seq.get(key) ?? 0) + 1;
      seq.set(key, n);
      const id = newId();
      const serial = String(n).padStart(4, '0');
      itemRows.push({ id, category_id: categoryId, basic_code: `${line[2]}${line[1]}${cat.code}${serial}`, impl_code: `${DIVISION}${line[1]}-${line[2]}-${serial}`, latest_version: 1, active: 1, sort_order: ii, created_at: at, updated_at: at });
      versionRows.push(guideRow(line, id, effectiveFrom, at));
      items++;
    }
    await db.insertInto('service_items').values(itemRows).execute();
    await db.insertInto('service_item_versions').values(versionRows).execute();
  }
  return { categories: SERVICE_CATEGORIES.length, items };
}
