import i18n from 'i18next';

/** Strings of the dashboard's panel of the newspaper's figures (who found what, and how). Merged under "sources". */
const zh = {
  title: '发现来源（按上报角色）',
  patrolSelf: '市容辅助力量 自发自处',
  patrolReported: '市容辅助力量 主动上报',
  ratio: '自发自处 : 主动上报 = {{ratio}} : 1',
  cadreCheckins: '居委干部箱房打卡',
  perDay: '日均 {{n}} 次',
  sweep: '单位/商铺全覆盖巡查 自发自处',
  sweepInstitution: '社区单位 {{n}} 件',
  sweepShop: '沿街商铺 {{n}} 件',
  total: '期间发现案件 {{n}} 件',
};
const en: typeof zh = {
  title: 'Who found it (by reporter role)',
  patrolSelf: 'Patrol officers: self-resolved',
  patrolReported: 'Patrol officers: reported',
  ratio: 'self-resolved : reported = {{ratio}} : 1',
  cadreCheckins: 'Cadre bin-room check-ins',
  perDay: '{{n}} a day on average',
  sweep: 'Unit/shop sweep: self-resolved',
  sweepInstitution: 'community units {{n}}',
  sweepShop: 'street shops {{n}}',
  total: '{{n}} cases found in the period',
};

/** Both languages, for the parity test. */
export const SOURCES_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { sources: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { sources: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
