import i18n from 'i18next';

/**
 * The refusal to disable, move or re-scope a person, or retire a site, while open cases wait on
 * them (API error has_open_cases, details.cases and details.count). Merged under "openCases".
 */
const zh = {
  staff: '此人还有 {{count}} 件未办结的案件需要其处理或核查，更改后将无人可以办理。请先将这些案件改派给他人：',
  site: '该点位还有 {{count}} 件未办结的案件：',
  more: '等共 {{count}} 件',
  retireAnyway: '仍然停用该点位（案件照常办结）',
};
const en: typeof zh = {
  staff: 'This person still has {{count}} open case(s) to handle or check that nobody could act on after this change. Re-dispatch them first:',
  site: 'The site still has {{count}} open case(s):',
  more: '{{count}} in all',
  retireAnyway: 'Retire the site anyway (the cases are finished as usual)',
};

/** Both languages, for the parity test. */
export const OPEN_CASES_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { openCases: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { openCases: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
