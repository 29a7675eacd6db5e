import i18n from 'i18next';

/** Strings of the role homes that are pages of their own: the administrator's setup checklist and the cadre's committee today. Merged under "homes". */
const zh = {
  setup: {
    nav: '设置清单',
    title: '系统设置清单',
    hint: '上线前和每年年底逐项检查：点位台账、人员、明年工作日历、消息推送。未完成的项会列出缺少的内容，点击前往处理。',
    progress: '已完成 {{done}} / {{total}} 项',
    done: '已完成',
    todo: '待处理',
    missing: '缺 {{n}} 项',
    fix: '前往处理',
    none: '您没有整街道的管理范围，无需设置。',
    roles: { operator: '城运中心值班员', patrol: '市容辅助力量', handler: '处置单位人员', enforcement: '城管执法队员' },
    item: {
      committees: '街道已建居委会', binRoomPlates: '每个箱房都有二维码铭牌', responsibleParties: '每个点位都有责任主体',
      categories: '已配置立案标准（问题类别）', essentialRoles: '值班员、辅助力量、处置人员、执法队员齐全',
      certifiedOfficers: '至少两名持执法证号的执法队员', unitsStaffed: '每个处置单位都有在岗人员', committeeCadres: '每个居委会都有居委干部账号',
      nextYearCalendar: '已导入 {{year}} 年节假日安排', robotWebhook: '已设置政务微信群机器人',
    },
  },
  today: {
    title: '本居委今日',
    hint: '今天还要打卡的箱房、巡查覆盖情况和本居委的案件。',
    checkins: '今日待打卡箱房',
    checkinsNone: '今天的箱房打卡已全部完成。',
    window: '投放时段 {{window}}',
    coverage: '今日巡查覆盖',
    kind: '点位类型', due: '应覆盖', covered: '已覆盖', missed: '未覆盖', pending: '待覆盖',
    cases: '本居委案件',
    queue: { to_file: '待立案', to_dispatch: '待派遣', overdue: '已超期', to_check: '待核查', mine: '我的待办' },
    overdue: '超期案件',
    overdueNone: '没有超期案件。',
    open: '查看',
  },
};

const en: typeof zh = {
  setup: {
    nav: 'Setup checklist',
    title: 'Setup checklist',
    hint: 'Check before going live and at every year end: site ledger, staff, next year\'s working-day calendar, notifications. An unfinished item lists what is missing and links to where it is fixed.',
    progress: '{{done}} of {{total}} done',
    done: 'Done',
    todo: 'To do',
    missing: '{{n}} missing',
    fix: 'Fix it',
    none: 'You administer no whole subdistrict: nothing to set up.',
    roles: { operator: 'Operations-centre operator', patrol: 'Patrol officer', handler: 'Handling-unit staff', enforcement: 'Enforcement officer' },
    item: {
      committees: 'The subdistrict has its committees', binRoomPlates: 'Every bin room has a QR plate', responsibleParties: 'Every site has a responsible party',
      categories: 'Case standards (categories) are set', essentialRoles: 'Operators, patrol officers, handling staff and enforcement officers exist',
      certifiedOfficers: 'At least two enforcement officers with certificate numbers', unitsStaffed: 'Every handling unit has active staff', committeeCadres: 'Every committee has a cadre account',
      nextYearCalendar: '{{year}} holiday schedule imported', robotWebhook: 'WeCom group robot set',
    },
  },
  today: {
    title: 'My committee today',
    hint: 'Bin rooms still to check in today, patrol coverage and the committee\'s cases.',
    checkins: 'Bin rooms still to check in today',
    checkinsNone: 'Every bin-room check-in of today is done.',
    window: 'Window {{window}}',
    coverage: 'Coverage today',
    kind: 'Site kind', due: 'Due', covered: 'Covered', missed: 'Missed', pending: 'Pending',
    cases: 'Committee cases',
    queue: { to_file: 'To file', to_dispatch: 'To dispatch', overdue: 'Overdue', to_check: 'To check', mine: 'My tasks' },
    overdue: 'Overdue cases',
    overdueNone: 'No overdue cases.',
    open: 'Open',
  },
};

/** Both languages, for the parity test. */
export const HOMES_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { homes: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { homes: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
