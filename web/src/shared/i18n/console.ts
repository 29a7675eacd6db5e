import i18n from 'i18next';

/**
 * Strings for console pages added after the case loop: problem catalogue, inbox, robot webhook and
 * delivery log, new case from the desk, site history, flagged inspections, intervals, API tokens.
 * Merged into the one "translation" namespace under "console".
 */
const zh = {
  nav: { catalogue: '问题类别', inbox: '消息', notifications: '消息推送', tokens: '接口令牌' },
  a11y: { photo: '照片 {{n}}（在新窗口打开）' },
  catalogue: {
    title: '问题类别目录', hint: '大类 → 小类 → 立案标准，各环节时限在这里维护。修改时限只影响之后的案件。',
    readOnly: '仅管理员可修改问题类别。', subdistrict: '街道', showInactive: '显示已停用',
    level: { class: '大类', subclass: '小类', standard: '立案标准' },
    addClass: '新增大类', addChild: '新增{{level}}', edit: '编辑', newUnder: '在「{{parent}}」下新增{{level}}', editing: '编辑：{{name}}',
    code: '编码', nameZh: '中文名称', nameEn: '英文名称', unitKind: '默认处置单位类型', none: '无',
    limits: '各环节时限（小时）', fileHours: '立案', dispatchHours: '派遣', handleHours: '处置', checkHours: '核查',
    limitMode: '计时方式', modes: { working: '工作时间（按工作日历，含调休）', calendar: '自然时间（全天候计时）' }, modeShort: { working: '工作时', calendar: '自然时' },
    severity: '严重程度', severities: { low: '轻微', normal: '一般', high: '较重', urgent: '紧急' },
    siteKinds: '适用点位类型', active: '启用', inactive: '已停用', save: '保存', create: '创建', cancel: '取消',
    saved: '已保存「{{name}}」', created: '已创建「{{name}}」', conflict: '该类别已被他人修改，已重新加载，请核对后再保存。',
    select: '在左侧选择一个类别查看或编辑。', hours: '{{file}} / {{dispatch}} / {{handle}} / {{check}} 小时',
    unitKinds: { property_company: '物业公司', sanitation_company: '环卫公司', committee: '居委会', enforcement_team: '城管执法队' },
  },
  inbox: {
    title: '消息', unreadOnly: '只看未读', readAll: '全部标为已读', markRead: '标为已读', read: '已读', empty: '没有消息。',
    openCase: '查看案件', openReported: '查看待立案', openRanking: '查看好差评排名', loadMore: '加载更多', unreadBadge: '{{n}} 条未读',
  },
  webhook: {
    title: '消息推送', hint: '政务微信 / 企业微信群机器人：案件超期、待审批等提醒推送到街道工作群。',
    subdistrict: '街道', current: '当前机器人地址', noneSet: '未单独设置（使用系统默认地址，如有）', url: '机器人 Webhook 地址',
    enabled: '启用推送', language: '消息语言', languages: { zh: '中文', en: '英文' }, save: '保存', remove: '删除（改用系统默认）', saved: '已保存机器人地址', removed: '已删除街道机器人地址',
    deliveries: '推送记录', status: '状态', statuses: { pending: '待发送', sending: '发送中', sent: '已送达', failed: '失败', skipped: '未配置地址' },
    any: '全部', title2: '消息', attempts: '尝试次数', lastError: '最近错误', created: '生成时间', sentAt: '送达时间', retry: '重新发送',
    retried: '已重新排队发送', empty: '没有推送记录。', loadMore: '加载更多',
  },
  newCase: {
    open: '新建案件', title: '新建案件', hint: '受理市民投诉、视频或物联告警等来源的问题，提交后进入待立案。',
    source: '来源', category: '问题类别', choose: '请选择', committee: '居委会', site: '点位（可选）', siteSearch: '搜索点位名称或地址',
    noSite: '不关联点位', location: '位置', pickOnMap: '未选点位时，请在地图上点选问题位置。', lng: '经度', lat: '纬度',
    description: '问题描述', photo: '照片（可选）', uploaded: '已上传 {{n}} 张', submit: '提交', created: '已登记案件 {{number}}',
    duplicates: '附近已有同类未结案件，可能是同一问题：', sendAnyway: '仍然新建', cancel: '取消',
  },
  history: {
    title: '点位历史', empty: '暂无记录。', grade: '当前等级', gradeSince: '自 {{time}}', nextDue: '下次检查', lastInspected: '上次检查',
    types: { checkin: '打卡', missed_checkin: '漏打卡', inspection: '检查', case: '案件', grade_change: '等级变化', enforcement: '执法' },
    checkin: '{{by}} 打卡（{{status}}）', repeats: '本时段第 {{n}} 次', flags: '照片存疑 {{n}} 项', offSite: '不在现场：{{reason}}',
    missed: '投放时段 {{window}} 未打卡', inspection: '{{by}} 检查：{{outcome}}，不合格 {{failed}} 项（检查表第 {{v}} 版）',
    gradeChange: '等级 {{from}} → {{to}}', enforcementStep: '执法环节：{{step}}', result: '结果：{{result}}',
    grades: { red: '红', yellow: '黄', green: '绿', none: '未评级' }, outcomes: { pass: '合格', fail: '不合格' },
    checkinStatus: { on_site: '在现场', off_site: '不在现场', qr: '扫码' },
    methods: { gps: '定位', qr: '扫码', manual: '手动位置' },
    reasons: {
      enforcement_action: '有执法处罚', repeated_failures: '多次检查不合格', several_open_cases: '多件案件未结', last_failure_unresolved: '上次不合格未整改',
      clean_record: '近期记录良好', not_inspected: '尚未检查', recent_problems: '近期有问题',
    },
    filter: '类型', all: '全部', more: '显示更多',
  },
  coverage: {
    flaggedInspections: '需复核的检查（照片存疑）', cadreMisses: '居委干部漏打卡', cadre: '干部', inspector: '检查人', outcome: '结论',
    intervals: '检查间隔（天，按合规等级）', intervalsHint: '红黄绿等级决定商铺、单位的检查频次；修改后受影响点位的下次检查日期随之调整。',
    kind: '点位类型', save: '保存', saved: '已更新：{{kind}} {{grade}} 级 {{days}} 天，重排 {{n}} 个点位', subdistrict: '街道',
    checkinPhoto: '{{site}} {{when}} 打卡照片 {{n}}（新窗口打开原图）', inspectionPhoto: '{{site}} {{when}} 检查照片 {{n}}（新窗口打开原图）',
    reusedCase: '查看先用此照片的案件',
  },
  tokens: {
    title: '接口令牌', hint: '供视频监控、物联设备等系统调用接口。令牌只在创建时显示一次，请妥善保存。',
    name: '名称', expires: '有效天数（可选，默认为最长有效天数）', create: '创建令牌', created: '新令牌（只显示这一次）：', copy: '复制',
    revoke: '吊销', revoked: '已吊销', lastUsed: '最近使用', createdAt: '创建时间', expiresAt: '到期时间', never: '从未', empty: '还没有令牌。',
    scopes: '权限范围', scopeHint: '令牌只能做所选范围内、且您的角色允许的事；令牌不能再创建令牌。',
    scope: { read: '只读', field: '现场作业', integration: '系统对接', admin: '管理' },
    maxDays: '令牌最长有效天数', maxDaysHint: '新令牌的有效期不得超过此值（未填时即为此值）；超过此天数的已有令牌立即失效。', saveMax: '保存',
    maxSaved: '已保存：令牌最长 {{days}} 天',
  },
  calendar: {
    nav: '工作日历',
    title: '工作日历', hint: '按工作时间计算的时限只计工作日的办公时间（8:30–12:00、13:00–17:30）。每次调整日历，受影响的在办案件时限会同步顺延或提前，并在案件记录中留痕。',
    year: '年份', scope: '适用范围', everywhere: '全局（本实例所有区、所有街道）', mySubdistricts: '我负责的全部街道（每个街道各设一条）',
    importTitle: '导入全年节假日安排', importHint: '每行一天或一个区间：日期[..日期] 休|班 [说明]，例如 “2027-02-06..2027-02-12 休 春节”。',
    schedule: '安排内容', loadFile: '从文件读取', preview: '预览', apply: '导入', applyNeedsPreview: '请先预览，确认无误后再导入',
    previewTitle: '预览：{{year}} 年', importedTitle: '已导入：{{year}} 年',
    summary: '列出 {{listed}} 天（休 {{holidays}} 天、调休上班 {{workdays}} 天），写入 {{written}} 条，替换 {{replaced}} 条。',
    moved: '在办案件：{{examined}} 件时限跨越调整日期，{{moved}} 件时限将调整。', movedApplied: '在办案件：{{moved}} 件时限已调整。',
    bookings: '预约：{{count}} 个预约所在日期不再办理该场次，导入后将由窗口取消并告知群众。', bookingsApplied: '预约：{{count}} 个预约已由窗口取消，群众可在预约链接查看原因。',
    caseNumber: '案件编号', dueBefore: '原时限', dueAfter: '新时限', noneMoved: '没有在办案件的时限受影响。',
    dayTitle: '单日调整', date: '日期', kind: '类型', holiday: '休息日', workday: '工作日', note: '说明', save: '保存',
    daySaved: '已保存，{{moved}} 件在办案件时限已调整。', dayRemoved: '已恢复法定安排，{{moved}} 件在办案件时限已调整。',
    alsoMoved: '另有 {{records}} 件在办办件的承诺时限、{{enforcement}} 件执法案件的法定期间随之调整。',
    overrides: '{{year}} 年的调整', remove: '恢复', empty: '该年没有调整。', global: '全局', local: '本街道',
  },
  jobs: {
    nav: '后台任务',
    title: '后台任务', hint: '各项定时任务的积压情况与最近一次成功运行。演练或运维时可立即运行一轮，操作记入审计日志。',
    name: '任务', lag: '积压', lastSuccess: '最近成功', running: '运行实例', run: '立即运行', yes: '运行中', no: '无', seconds: '{{n}} 秒', none: '无积压',
    districtOnly: '后台任务每轮都处理全区所有街道，仅区级管理员可立即运行；此处可查看各任务的运行状况。',
    notServing: '本实例不运行后台任务。', ran: '已运行 {{job}}：处理 {{handled}} 项。', notRan: '{{job}} 正由其他实例运行，本次未重复运行。', failed: '{{job}} 运行出错：{{error}}',
    names: {
      'case-deadlines': '案件时限（提醒与超期）', 'dashboard-rollups': '看板汇总', 'missed-checkins': '漏打卡', 'webhook-deliveries': '消息推送', 'open311-webhooks': 'Open311 推送',
      'enforcement-reinspections': '执法复查与时限提醒', 'site-grades': '点位分级', retention: '数据保留清理', partitions: '分区维护', 'terminal-health': '自助终端心跳', 'service-overdue': '办件超期提示', 'unattached-photos': '未关联照片清理',
      'new-reports': '新上报提醒', 'service-no-shows': '预约爽约标记', 'rating-ranking-notices': '好差评月度约谈提醒',
    },
  },
  spotChecks: {
    nav: '抽查',
    title: '自发自处抽查', hint: '按比例抽取自发自处案件，由城运中心核实整改是否属实；发现人本人不能抽查自己的案件。',
    kpi: '自发自处 {{selfResolved}} 件，抽取 {{sampled}} 件（{{sampleRate}}），待查 {{pending}} 件，合格 {{passed}} 件，不合格 {{failed}} 件，合格率 {{passRate}}。',
    state: '状态', pending: '待抽查', passed: '合格', failed: '不合格', number: '案件编号', category: '问题类别', committee: '居民区', finder: '发现人', reported: '发现时间', description: '描述',
    note: '抽查说明', pass: '合格', fail: '不合格', empty: '没有案件。', done: '已记录：{{number}} {{result}}', percent: '抽查比例（%）', savePercent: '保存比例', percentSaved: '抽查比例已设为 {{n}}%',
    photos: '照片', before: '整改前', after: '整改后', noPhoto: '无', openBefore: '案件 {{number}} 整改前照片 {{n}}（新窗口打开原图）', openAfter: '案件 {{number}} 整改后照片 {{n}}（新窗口打开原图）',
  },
};

const en: typeof zh = {
  nav: { catalogue: 'Catalogue', inbox: 'Inbox', notifications: 'Notifications', tokens: 'API tokens' },
  a11y: { photo: 'Photo {{n}} (opens in a new window)' },
  catalogue: {
    title: 'Problem catalogue', hint: 'Class → sub-class → working standard, with the time limit of each stage. New limits apply to cases created afterwards.',
    readOnly: 'Only administrators can change the catalogue.', subdistrict: 'Subdistrict', showInactive: 'Show inactive',
    level: { class: 'Class', subclass: 'Sub-class', standard: 'Working standard' },
    addClass: 'New class', addChild: 'New {{level}}', edit: 'Edit', newUnder: 'New {{level}} under "{{parent}}"', editing: 'Editing: {{name}}',
    code: 'Code', nameZh: 'Chinese name', nameEn: 'English name', unitKind: 'Default handling-unit kind', none: 'None',
    limits: 'Time limits per stage (hours)', fileHours: 'File', dispatchHours: 'Dispatch', handleHours: 'Handle', checkHours: 'Check',
    limitMode: 'Counted in', modes: { working: 'Working hours (working-day calendar with make-up days)', calendar: 'Calendar hours (around the clock)' }, modeShort: { working: 'working h', calendar: 'calendar h' },
    severity: 'Severity', severities: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
    siteKinds: 'Site kinds', active: 'Active', inactive: 'Inactive', save: 'Save', create: 'Create', cancel: 'Cancel',
    saved: 'Saved "{{name}}"', created: 'Created "{{name}}"', conflict: 'Someone else changed this category; it has been reloaded. Check it and save again.',
    select: 'Choose a category on the left to view or edit it.', hours: '{{file}} / {{dispatch}} / {{handle}} / {{check}} h',
    unitKinds: { property_company: 'Property company', sanitation_company: 'Sanitation company', committee: 'Residents committee', enforcement_team: 'Enforcement team' },
  },
  inbox: {
    title: 'Inbox', unreadOnly: 'Unread only', readAll: 'Mark all read', markRead: 'Mark read', read: 'Read', empty: 'No messages.',
    openCase: 'Open case', openReported: 'Open the reports to file', openRanking: 'Open the ranking', loadMore: 'Load more', unreadBadge: '{{n}} unread',
  },
  webhook: {
    title: 'Notifications', hint: 'WeCom / Zhengwu WeChat group robot: overdue and approval reminders are posted to the subdistrict work group.',
    subdistrict: 'Subdistrict', current: 'Current robot URL', noneSet: 'Not set (the system default is used, if any)', url: 'Robot webhook URL',
    enabled: 'Enabled', language: 'Message language', languages: { zh: 'Chinese', en: 'English' }, save: 'Save', remove: 'Remove (use the system default)', saved: 'Robot URL saved', removed: 'Subdistrict robot URL removed',
    deliveries: 'Delivery log', status: 'Status', statuses: { pending: 'Pending', sending: 'Sending', sent: 'Delivered', failed: 'Failed', skipped: 'No URL configured' },
    any: 'Any', title2: 'Message', attempts: 'Attempts', lastError: 'Last error', created: 'Created', sentAt: 'Delivered', retry: 'Send again',
    retried: 'Queued again', empty: 'No deliveries.', loadMore: 'Load more',
  },
  newCase: {
    open: 'New case', title: 'New case', hint: 'Take in a citizen complaint, a camera or IoT alert; it starts in "to file".',
    source: 'Source', category: 'Category', choose: 'Choose…', committee: 'Committee', site: 'Site (optional)', siteSearch: 'Search site name or address',
    noSite: 'No site', location: 'Position', pickOnMap: 'Without a site, click the map where the problem is.', lng: 'Longitude', lat: 'Latitude',
    description: 'Description', photo: 'Photo (optional)', uploaded: '{{n}} uploaded', submit: 'Submit', created: 'Case {{number}} recorded',
    duplicates: 'Open cases of the same kind nearby may be the same problem:', sendAnyway: 'Create anyway', cancel: 'Cancel',
  },
  history: {
    title: 'Site history', empty: 'Nothing recorded yet.', grade: 'Grade', gradeSince: 'since {{time}}', nextDue: 'Next inspection', lastInspected: 'Last inspected',
    types: { checkin: 'Check-in', missed_checkin: 'Missed check-in', inspection: 'Inspection', case: 'Case', grade_change: 'Grade change', enforcement: 'Enforcement' },
    checkin: '{{by}} checked in ({{status}})', repeats: 'visit {{n}} in this window', flags: '{{n}} photo flags', offSite: 'Off-site: {{reason}}',
    missed: 'No check-in in window {{window}}', inspection: '{{by}} inspected: {{outcome}}, {{failed}} failed (checklist v{{v}})',
    gradeChange: 'Grade {{from}} → {{to}}', enforcementStep: 'Enforcement step: {{step}}', result: 'Result: {{result}}',
    grades: { red: 'Red', yellow: 'Yellow', green: 'Green', none: 'Not graded' }, outcomes: { pass: 'pass', fail: 'fail' },
    checkinStatus: { on_site: 'on site', off_site: 'off site', qr: 'QR' },
    methods: { gps: 'GPS', qr: 'QR', manual: 'manual position' },
    reasons: {
      enforcement_action: 'enforcement action', repeated_failures: 'repeated failed inspections', several_open_cases: 'several open cases', last_failure_unresolved: 'last failure not fixed',
      clean_record: 'clean recent record', not_inspected: 'not inspected yet', recent_problems: 'recent problems',
    },
    filter: 'Type', all: 'All', more: 'Show more',
  },
  coverage: {
    flaggedInspections: 'Inspections to review (flagged photos)', cadreMisses: 'Missed check-ins per cadre', cadre: 'Cadre', inspector: 'Inspector', outcome: 'Outcome',
    intervals: 'Inspection intervals (days, by compliance grade)', intervalsHint: 'The red/yellow/green grade sets how often shops and units are inspected; changing a cell reschedules the affected sites.',
    kind: 'Site kind', save: 'Save', saved: 'Updated: {{kind}} grade {{grade}} every {{days}} days; {{n}} sites rescheduled', subdistrict: 'Subdistrict',
    checkinPhoto: 'Check-in at {{site}}, {{when}}, photo {{n}} (opens full size in a new window)', inspectionPhoto: 'Inspection of {{site}}, {{when}}, photo {{n}} (opens full size in a new window)',
    reusedCase: 'Open the case that used this photo first',
  },
  tokens: {
    title: 'API tokens', hint: 'For camera, IoT and other systems calling the API. A token is shown once, when it is created.',
    name: 'Name', expires: 'Valid for days (optional; default the longest allowed)', create: 'Create token', created: 'New token (shown only this once):', copy: 'Copy',
    revoke: 'Revoke', revoked: 'Revoked', lastUsed: 'Last used', createdAt: 'Created', expiresAt: 'Expires', never: 'Never', empty: 'No tokens yet.',
    scopes: 'Scopes', scopeHint: 'A token may do only what its scopes and your role allow; no token can create a token.',
    scope: { read: 'Read', field: 'Field work', integration: 'Integration', admin: 'Administration' },
    maxDays: 'Longest token lifetime (days)', maxDaysHint: 'No new token may live longer (it is the default); existing tokens older than this stop working at once.', saveMax: 'Save',
    maxSaved: 'Saved: tokens live at most {{days}} days',
  },
  calendar: {
    nav: 'Working calendar',
    title: 'Working-day calendar', hint: 'Working-hour limits count office hours (8:30–12:00, 13:00–17:30) on working days only. Every calendar change moves the affected open deadlines and records it on each case.',
    year: 'Year', scope: 'Applies to', everywhere: 'Everywhere (every district and subdistrict of this instance)', mySubdistricts: 'All my subdistricts (one change each)',
    importTitle: "Import a year's holiday schedule", importHint: 'One day or range per line: date[..date] 休|班 [note], e.g. "2027-02-06..2027-02-12 休 Spring Festival".',
    schedule: 'Schedule', loadFile: 'Load from file', preview: 'Preview', apply: 'Import', applyNeedsPreview: 'Preview first, then import',
    previewTitle: 'Preview: {{year}}', importedTitle: 'Imported: {{year}}',
    summary: '{{listed}} days listed ({{holidays}} holidays, {{workdays}} make-up workdays); {{written}} rows written, {{replaced}} replaced.',
    moved: 'Open cases: {{examined}} run over a changed day, {{moved}} would move.', movedApplied: 'Open cases: {{moved}} moved.',
    bookings: 'Appointments: {{count}} fall on a day that no longer offers their session; importing cancels them for the office and tells the citizens.', bookingsApplied: 'Appointments: {{count}} cancelled by the office; the booking link tells the citizen why.',
    caseNumber: 'Case number', dueBefore: 'Due before', dueAfter: 'Due after', noneMoved: 'No open deadline is affected.',
    dayTitle: 'One day', date: 'Date', kind: 'Kind', holiday: 'Holiday', workday: 'Workday', note: 'Note', save: 'Save',
    daySaved: 'Saved; {{moved}} open deadlines moved.', dayRemoved: 'Back to the official schedule; {{moved}} open deadlines moved.',
    alsoMoved: 'Also moved: the promised limits of {{records}} open service records and the periods of {{enforcement}} enforcement cases.',
    overrides: 'Changes in {{year}}', remove: 'Remove', empty: 'No changes in this year.', global: 'Everywhere', local: 'This subdistrict',
  },
  jobs: {
    nav: 'Background jobs',
    title: 'Background jobs', hint: "Each job's backlog and last successful round. For drills and operations, run a round now; it is recorded in the audit log.",
    name: 'Job', lag: 'Backlog', lastSuccess: 'Last success', running: 'Running', run: 'Run now', yes: 'Running', no: 'No', seconds: '{{n}} s', none: 'None waiting',
    districtOnly: 'Every round of a job works on all subdistricts, so only a district-level administrator runs one now; here you can see how each job is doing.',
    notServing: 'This instance runs no background jobs.', ran: 'Ran {{job}}: {{handled}} items handled.', notRan: '{{job}} is running on another instance; not run twice.', failed: '{{job}} failed: {{error}}',
    names: {
      'case-deadlines': 'Case deadlines (reminders, overdue)', 'dashboard-rollups': 'Dashboard rollups', 'missed-checkins': 'Missed check-ins', 'webhook-deliveries': 'Robot messages', 'open311-webhooks': 'Open311 webhooks',
      'enforcement-reinspections': 'Enforcement re-inspections and time-limit notices', 'site-grades': 'Site grades', retention: 'Retention', partitions: 'Partitions', 'terminal-health': 'Terminal heartbeats', 'service-overdue': 'Service records turning overdue', 'unattached-photos': 'Unattached photos purge',
      'new-reports': 'New reports to file', 'service-no-shows': 'Appointment no-shows', 'rating-ranking-notices': 'Monthly ranking talks (约谈)',
    },
  },
  spotChecks: {
    nav: 'Spot checks',
    title: 'Spot checks of self-resolved cases', hint: 'A share of self-resolved cases is sampled for the operations centre to confirm the fix; a finder never checks their own case.',
    kpi: '{{selfResolved}} self-resolved, {{sampled}} sampled ({{sampleRate}}), {{pending}} pending, {{passed}} passed, {{failed}} failed, pass rate {{passRate}}.',
    state: 'State', pending: 'Pending', passed: 'Passed', failed: 'Failed', number: 'Case', category: 'Category', committee: 'Committee', finder: 'Finder', reported: 'Found', description: 'Description',
    note: 'Note', pass: 'Pass', fail: 'Fail', empty: 'No cases.', done: 'Recorded: {{number}} {{result}}', percent: 'Sample share (%)', savePercent: 'Save share', percentSaved: 'Sample share set to {{n}}%',
    photos: 'Photos', before: 'Before', after: 'After', noPhoto: 'None', openBefore: 'Case {{number}}, photo {{n}} before the fix (opens full size in a new window)', openAfter: 'Case {{number}}, photo {{n}} after the fix (opens full size in a new window)',
  },
};

/** Both languages, for the parity test. */
export const CONSOLE_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { console: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { console: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
