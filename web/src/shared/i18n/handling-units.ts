import i18n from 'i18next';

/** Strings of the console's handling-unit pages (处置单位: list, add, edit). Merged under "units". */
const zh = {
  nav: '处置单位',
  title: '处置单位',
  hint: '案件派遣给的物业公司、环卫公司、居委会和城管执法队。停用的单位不再出现在派遣选项中，已派给它的案件照常办结。',
  add: '新增处置单位',
  titleNew: '新增处置单位',
  titleEdit: '编辑处置单位',
  empty: '还没有处置单位。',
  allKinds: '全部类型',
  allStatuses: '全部状态',
  subdistrict: '街道',
  kind: '单位类型',
  committee: '所属居委会',
  noCommittee: '不属于某个居委会',
  name: '名称',
  nameEn: '英文名称',
  nameEnHint: '可不填：英文页面将显示中文名称。',
  contact: '联系人',
  contactName: '联系人',
  contactPhone: '联系电话',
  status: '状态',
  kindLockedHint: '该单位还有未办结的案件时，不能修改单位类型或所属居委会。',
  statuses: { active: '在用', retired: '已停用' },
  kinds: { property_company: '物业公司', sanitation_company: '环卫公司', committee: '居委会', enforcement_team: '城管执法队' },
  saved: '已保存「{{name}}」',
};

const en: typeof zh = {
  nav: 'Handling units',
  title: 'Handling units',
  hint: 'The property companies, sanitation companies, committees and enforcement squads cases are dispatched to. A retired unit is no longer offered for dispatch; the cases it already has are finished as usual.',
  add: 'Add a handling unit',
  titleNew: 'New handling unit',
  titleEdit: 'Edit handling unit',
  empty: 'No handling units yet.',
  allKinds: 'All kinds',
  allStatuses: 'All statuses',
  subdistrict: 'Subdistrict',
  kind: 'Kind of unit',
  committee: 'Committee',
  noCommittee: 'Not of one committee',
  name: 'Name',
  nameEn: 'English name',
  nameEnHint: 'Optional: English pages show the Chinese name without it.',
  contact: 'Contact',
  contactName: 'Contact person',
  contactPhone: 'Contact phone',
  status: 'Status',
  kindLockedHint: 'While the unit has open cases its kind and committee cannot change.',
  statuses: { active: 'Active', retired: 'Retired' },
  kinds: { property_company: 'Property company', sanitation_company: 'Sanitation company', committee: 'Residents committee', enforcement_team: 'Enforcement squad' },
  saved: 'Saved “{{name}}”',
};

/** Both languages, for the parity test. */
export const HANDLING_UNITS_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { units: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { units: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
