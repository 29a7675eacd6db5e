import i18n from 'i18next';

/** Strings of the operations-centre dashboard (三实时), under "dash". */
const zh = {
  nav: '运行看板',
  title: '城运中心运行看板',
  wall: '大屏模式',
  wallTitle: '生活垃圾分类 · 三实时 运行监测',
  wallSession: {
    button: '设为大屏（本设备常驻）',
    label: '大屏名称',
    placeholder: '如：指挥中心大屏1',
    note: '本设备将只读显示看板、不再因无操作而退出，到期（默认 7 天）后需重新登录；本设备当前的登录随即结束。',
    confirm: '设为大屏',
    cancel: '取消',
  },
  window: { label: '统计期', today: '今天', '7d': '近 7 天', '30d': '近 30 天' },
  live: '实时',
  offline: '连接中断，正在重连…',
  kpi: {
    found: '发现问题', selfResolved: '自发自处', reported: '主动上报', handled: '处置', closed: '结案', dueForClosure: '应结案',
    closureRate: '结案率', onTimeClosureRate: '按期结案率', onTimeHandlingRate: '按期处置率', reworkRate: '返工率',
    overdueNow: '当前超期', open: '在办', onHold: '挂账', extensions: '延期', median: '结案用时中位数', score: '综合得分', grade: '等级',
    unservedDecisions: '处罚决定逾期未送达',
    closureNote: '应结案 {{due}} 件中已结案 {{closed}} 件',
    minutes: '{{n}} 分钟',
  },
  ranks: { committee: '居委会红黑榜', subdistrict: '街道红黑榜', unit: '处置单位红黑榜', red: '红榜', black: '黑榜', rank: '名次', name: '名称', score: '得分' },
  trend: { daily: '每日趋势', hourly: '今日分时', categories: '问题类别', found: '发现', closed: '结案', overdue: '超期' },
  map: { title: '点位地图（有在办问题的点位）', none: '当前没有在办问题的点位。', open: '在办 {{n}}' },
  feed: { title: '实时案件', empty: '暂无案件。', label: '实时案件列表（可滚动）' },
  export: { xlsx: '导出 Excel', weekly: '周报 PDF', monthly: '月报 PDF' },
  svc: {
    title: '一网通办', acceptedToday: '今日受理', finishedToday: '今日办结', overdue: '超期办件', goodRate: '好评率', badOpen: '在办差评',
    terminalsDown: '终端故障', zones: '自助专区', subdistrict: '街道', point: '服务点', tickets: '取号', waits: '今日等候时间（按服务点）',
    waitMedian: '等候中位数', waitP90: '等候 P90', serviceMedian: '办理中位数', noQueue: '今天还没有取号。',
    goodNote: '近 {{days}} 天 {{total}} 条评价中好评 {{good}} 条', badLate: '逾期未整改 {{n}} 条', zonesNote: '已建专区的网格 / 网格；另 {{planned}} 个网格计划中',
    seconds: '{{n}} 秒', minutesShort: '{{n}} 分钟',
  },
  status: { reported: '待立案', filed: '待派遣', dispatched: '处置中', handled: '待核查', closed: '已结案', cancelled: '已注销', on_hold: '挂账', merged: '已合并' },
};
const en: typeof zh = {
  nav: 'Dashboard',
  title: 'Operations-centre dashboard',
  wall: 'Wall mode',
  wallTitle: 'Waste sorting · live operations',
  wallSession: {
    button: 'Use this screen as a wall display',
    label: 'Display name',
    placeholder: 'e.g. Command centre screen 1',
    note: 'This device will show the dashboard read-only and stay signed in without activity until it expires (7 days by default); its current sign-in ends now.',
    confirm: 'Make it a wall display',
    cancel: 'Cancel',
  },
  window: { label: 'Period', today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days' },
  live: 'Live',
  offline: 'Disconnected, reconnecting…',
  kpi: {
    found: 'Found', selfResolved: 'Self-resolved', reported: 'Reported', handled: 'Handled', closed: 'Closed', dueForClosure: 'Due for closure',
    closureRate: 'Closure rate', onTimeClosureRate: 'On-time closure', onTimeHandlingRate: 'On-time handling', reworkRate: 'Rework rate',
    overdueNow: 'Overdue now', open: 'Open', onHold: 'On hold', extensions: 'Extensions', median: 'Median found-to-closed', score: 'Score', grade: 'Grade',
    unservedDecisions: 'Penalty decisions not served in time',
    closureNote: '{{closed}} of {{due}} due are closed',
    minutes: '{{n}} min',
  },
  ranks: { committee: 'Committees: red & black list', subdistrict: 'Subdistricts: red & black list', unit: 'Handling units: red & black list', red: 'Red list', black: 'Black list', rank: 'Rank', name: 'Name', score: 'Score' },
  trend: { daily: 'Daily trend', hourly: 'Today by hour', categories: 'Problem categories', found: 'Found', closed: 'Closed', overdue: 'Overdue' },
  map: { title: 'Sites with open problems', none: 'No site has an open problem now.', open: '{{n}} open' },
  feed: { title: 'Live cases', empty: 'No cases yet.', label: 'Live cases list (scrollable)' },
  export: { xlsx: 'Export Excel', weekly: 'Weekly PDF', monthly: 'Monthly PDF' },
  svc: {
    title: 'One-stop services', acceptedToday: 'Accepted today', finishedToday: 'Finished today', overdue: 'Overdue records', goodRate: 'Good ratings', badOpen: 'Open bad ratings',
    terminalsDown: 'Terminals down', zones: 'Self-service zones', subdistrict: 'Subdistrict', point: 'Service point', tickets: 'Tickets', waits: "Today's waiting times by point",
    waitMedian: 'Median wait', waitP90: 'Wait p90', serviceMedian: 'Median service', noQueue: 'No tickets taken today yet.',
    goodNote: '{{good}} good of {{total}} in {{days}} days', badLate: '{{n}} past the deadline', zonesNote: 'grids with a built zone / grids; {{planned}} more planned',
    seconds: '{{n}} s', minutesShort: '{{n}} min',
  },
  status: { reported: 'Reported', filed: 'Filed', dispatched: 'Dispatched', handled: 'Handled', closed: 'Closed', cancelled: 'Cancelled', on_hold: 'On hold', merged: 'Merged' },
};

/** Both languages, for the parity test. */
export const DASHBOARD_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { dash: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { dash: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
