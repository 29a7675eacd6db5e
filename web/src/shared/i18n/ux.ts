import i18n from 'i18next';

/**
 * Strings of the everyday-use work: the grouped console menu, role homes, field errors, maps.
 * Merged into the one "translation" namespace under "ux".
 */
const zh = {
  menu: {
    label: '主菜单', overview: '总览', cases: '案件', field: '巡查', registry: '台账', services: '一网通办', system: '系统',
  },
};

const en: typeof zh = {
  menu: {
    label: 'Main menu', overview: 'Overview', cases: 'Cases', field: 'Patrols', registry: 'Registry', services: 'Services', system: 'System',
  },
};

/** Both languages, for the parity test. */
export const UX_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { ux: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { ux: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
