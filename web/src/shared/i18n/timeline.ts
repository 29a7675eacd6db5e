import i18n from 'i18next';

/** Strings of a case's timeline and its before/after photos (console case detail, field task view). Merged under "timeline". */
const zh = {
  actor: '{{name}}（{{of}}）',
  target: '{{unit}} {{person}}',
  status: '状态：{{status}}',
  deviceAt: '设备时间 {{time}}（与服务器相差 {{amount}}）',
  hours: '{{h}} 小时 {{m}} 分钟',
  minutes: '{{m}} 分钟',
  place: { site: '距点位 {{distance}}', case: '距上报位置 {{distance}}', inside: '在电子围栏内', outside: '在电子围栏外' },
  photos: { title: '整改前后对比', before: '整改前', after: '整改后', none: '暂无照片', open: '查看原图' },
};
const en: typeof zh = {
  actor: '{{name}} ({{of}})',
  target: '{{unit}}, {{person}}',
  status: 'Status: {{status}}',
  deviceAt: 'Device time {{time}} ({{amount}} off the server)',
  hours: '{{h}} h {{m}} min',
  minutes: '{{m}} min',
  place: { site: '{{distance}} from the site', case: '{{distance}} from the reported position', inside: 'inside the geofence', outside: 'outside the geofence' },
  photos: { title: 'Before and after', before: 'Before', after: 'After', none: 'No photo yet', open: 'Open full size' },
};

/** Both languages, for the parity test. */
export const TIMELINE_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { timeline: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { timeline: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
