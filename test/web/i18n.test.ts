import { describe, expect, it } from 'vitest';
import { CASE_STRINGS } from '../../web/src/shared/i18n/cases.js';
import { CONSOLE_STRINGS } from '../../web/src/shared/i18n/console.js';
import { DASHBOARD_STRINGS } from '../../web/src/shared/i18n/dashboard.js';
import { DATES_STRINGS } from '../../web/src/shared/i18n/dates.js';
import en from '../../web/src/shared/i18n/en.js';
import { ENFORCEMENT_STRINGS } from '../../web/src/shared/i18n/enforcement.js';
import { FIELD_APP_STRINGS } from '../../web/src/shared/i18n/field-app.js';
import { FIELD_MAP_STRINGS } from '../../web/src/shared/i18n/field-map.js';
import { OUTBOX_STRINGS } from '../../web/src/shared/i18n/outbox.js';
import { PATROL_STRINGS } from '../../web/src/shared/i18n/patrol.js';
import { OPEN311_ADMIN_STRINGS } from '../../web/src/shared/i18n/open311-admin.js';
import { PUBLIC_REPORT_STRINGS } from '../../web/src/shared/i18n/public-report.js';
import { PUBLIC_POINT_STRINGS } from '../../web/src/shared/i18n/public-point.js';
import { SERVICES_WINDOW_STRINGS } from '../../web/src/shared/i18n/services-window.js';
import { UX_STRINGS } from '../../web/src/shared/i18n/ux.js';
import { HOMES_STRINGS } from '../../web/src/shared/i18n/homes.js';
import { SOURCES_STRINGS } from '../../web/src/shared/i18n/sources.js';
import { SERVICES_CONSOLE_STRINGS } from '../../web/src/shared/i18n/services-console.js';
import { TIMELINE_STRINGS } from '../../web/src/shared/i18n/timeline.js';
import zh from '../../web/src/shared/i18n/zh.js';

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Every dictionary of the web apps, with a sample of keys whose Chinese must differ from the English. */
const DICTIONARIES: [string, { zh: object; en: object }, string[]][] = [
  ['common', { zh, en }, ['signIn.submit', 'nav.sites', 'kinds.bin_room', 'errors.invalid_credentials', 'excel.failed']],
  ['cases', CASE_STRINGS, ['nav', 'queues.to_file', 'field.report', 'action.conflict']],
  ['console pages', CONSOLE_STRINGS, ['nav.catalogue', 'catalogue.title', 'inbox.title', 'webhook.title', 'newCase.title', 'history.title', 'coverage.intervals', 'tokens.title']],
  ['field app', FIELD_APP_STRINGS, []],
  ['field map', FIELD_MAP_STRINGS, ['tile', 'nav.title', 'route.grade.yellow', 'checkin.willCount']],
  ['patrols', PATROL_STRINGS, ['flags.synced_late', 'flags.device_time_far']],
  ['outbox', OUTBOX_STRINGS, []],
  ['enforcement', ENFORCEMENT_STRINGS, []],
  ['dashboard', DASHBOARD_STRINGS, ['title', 'wall']],
  ['everyday use', UX_STRINGS, ['menu.cases', 'menu.registry']],
  ['date and time inputs', DATES_STRINGS, ['placeholder.date', 'invalid.datetime', 'open.date', 'weekdays.mon', 'clear']],
  ['newspaper figures', SOURCES_STRINGS, ['title', 'patrolSelf', 'cadreCheckins']],
  ['一网通办 console pages', SERVICES_CONSOLE_STRINGS, ['nav.catalogue', 'catalogue.title', 'network.title', 'records.title', 'ratings.kpi', 'record.reveal', 'terminals.title', 'terminals.states.down']],
  ['role homes', HOMES_STRINGS, ['setup.title', 'today.title']],
  ['public report page', PUBLIC_REPORT_STRINGS, ['title', 'submit', 'track.confirm', 'stage.fixed']],
  ['一网通办 public pages', PUBLIC_POINT_STRINGS, ['brand', 'book', 'rate.submit', 'level.1', 'kind.committee_window']],
  ['Open311 integrations', OPEN311_ADMIN_STRINGS, ['title', 'issue', 'log.retry', 'kinds.hotline']],
  ['case timeline', TIMELINE_STRINGS, ['status', 'place.site', 'place.inside', 'photos.before', 'photos.after']],
  ['window-staff screen', SERVICES_WINDOW_STRINGS, ['nav', 'queue.callNext', 'record.submit', 'serving.rateTitle']],
];

describe.each(DICTIONARIES)('%s translations', (_name, strings, chineseKeys) => {
  const zhKeys = flatten(strings.zh as Tree);
  const enKeys = flatten(strings.en as Tree);

  it('zh and en have exactly the same keys, none empty', () => {
    expect([...enKeys.keys()].sort()).toEqual([...zhKeys.keys()].sort());
    expect(zhKeys.size).toBeGreaterThan(0);
    for (const [lang, keys] of [['zh', zhKeys], ['en', enKeys]] as const) {
      expect([...keys].filter(([, v]) => !v.trim()).map(([k]) => `${lang}:${k}`)).toEqual([]);
    }
  });

  it('interpolations use the same variables in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zhKeys) expect(vars(enKeys.get(k) ?? ''), k).toEqual(vars(v));
  });

  it('the Chinese texts are Chinese and the English ones are not', () => {
    const sample = chineseKeys.length ? chineseKeys : [...zhKeys.keys()].slice(0, 5);
    for (const k of sample) {
      expect(zhKeys.get(k), `zh:${k}`).toMatch(/[\u4e00-\u9fff]/);
      expect(enKeys.get(k), `en:${k}`).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
