import i18n from 'i18next';

/**
 * Strings of the console's 一网通办 pages: catalogue (事项目录 / 办事指南), service network, grid
 * coverage and life circle, records (办件) and ratings (好差评). Merged under "yw".
 */
const zh = {
  nav: { catalogue: '事项目录', network: '服务网络', records: '办件', ratings: '好差评', terminals: '自助终端' },
  all: '全部',
  yes: '是',
  no: '否',
  workingDays: '{{n}} 个工作日',
  instant: '即办',
  kinds: {
    centre: '社区事务受理服务中心', branch: '分中心', committee_window: '居委移动窗口', building_window: '楼宇移动窗口',
    self_service_zone: '政务服务自助办理专区', terminal: '自助终端',
  },
  pointStatus: { planned: '规划中', built: '已建成', closed: '已关闭' },
  channels: { counter: '窗口', mobile_window: '移动窗口', terminal: '自助终端', online: '网上办理' },
  modes: { direct: '直接受理', separated: '收受分离' },
  forms: { original: '原件', copy: '复印件', original_and_copy: '原件及复印件' },
  weekdays: { d1: '周一', d2: '周二', d3: '周三', d4: '周四', d5: '周五', d6: '周六', d7: '周日' },
  catalogue: {
    title: '事项目录（办事指南）', hint: '大类 → 事项，每个事项按版本发布办事指南；办件保留受理时所用的版本。',
    search: '事项名称或编码', category: '大类', allCategories: '全部大类', itemCount: '共 {{count}} 项事项', count: '{{count}} 项',
    select: '在左侧选择一个事项查看办事指南。', noGuide: '尚无生效的办事指南', basicCode: '基本编码', implCode: '实施编码',
    version: '第 {{n}} 版', effectiveFrom: '生效日期', current: '现行', upcoming: '待生效', past: '已替代', versions: '版本记录',
    guide: '办事指南', prefix: '取号前缀', publish: '发布新版本', publishTitle: '发布「{{name}}」第 {{n}} 版',
    publishHint: '新版本自生效日期起用于新办件，已受理的办件保留原版本；生效日期不能早于今天。',
    published: '已发布第 {{n}} 版，{{date}} 起生效。', stale: '该事项已有更新的版本，已重新加载，请核对后再发布。',
    fixErrors: '请修改标红的内容后再发布。', addMaterial: '+ 添加材料', addStep: '+ 添加环节', remove: '删除', submit: '发布', cancel: '取消',
    proxyNote: '代办须提交委托书和代办人身份证件。', none: '无',
  },
  guide: {
    nameZh: '事项名称', nameEn: '英文名称', itemType: '事项类型', department: '受理部门', legalBasis: '设定依据', conditions: '申请条件',
    materials: '申请材料', steps: '办理流程', legalLimitDays: '法定办结时限（工作日）', promisedLimitDays: '承诺办结时限（工作日）',
    fee: '收费', placesHours: '办理地点和时间', visits: '到现场次数', citywide: '全市通办', mode: '办理方式', channels: '办理渠道',
    assistAllowed: '可帮办', proxyAllowed: '可代办', consultPhone: '咨询电话', complaintPhone: '监督投诉电话', faq: '常见问题',
    effectiveFrom: '生效日期', materialName: '材料名称', form: '形式', copies: '份数', eLicenceExempt: '电子证照免交', deferrable: '可容缺',
    note: '备注', stepName: '环节', stepDays: '时限（工作日）', countsTowardLimit: '计入法定时限',
  },
  network: {
    title: '服务网络', hint: '各类服务点（受理中心、居委和楼宇移动窗口、自助专区、自助终端）的位置、状态、开放时段和可办事项。',
    kind: '类型', status: '状态', allKinds: '全部类型', allStatuses: '全部状态', showGrids: '显示警务网格', count: '共 {{count}} 个服务点',
    code: '编号', name: '名称', address: '地址', sessions: '开放时段', items: '可办事项', staff: '工作人员', dates: '日期',
    builtOn: '{{date}}', targetOn: '计划 {{date}} 建成', closedOn: '{{date}}', noSessions: '无固定时段',
    capacity: '每时段 {{n}} 人', itemsCount: '{{count}} 项', staffed: '有人值守', selfService: '自助', empty: '没有符合条件的服务点。',
    detail: '服务点详情', locate: '定位', gridLabel: '网格 {{code}} {{name}}',
  },
  coverage: {
    title: '网格自助专区覆盖', asOf: '统计日期', by: '目标日期',
    summary: '{{grids}} 个警务网格（{{subdistricts}} 个街镇）：已建成专区的网格 {{built}} 个，仅规划的 {{planned}} 个，尚无专区的 {{uncovered}} 个。',
    zones: '专区：已建成 {{built}} 个，规划 {{planned}} 个。', every: '按计划，{{by}} 前全部网格覆盖。',
    notEvery: '按计划，{{by}} 前仍有 {{n}} 个网格未覆盖。', grid: '网格', subdistrict: '街镇', state: '状态',
    states: { built: '已建成', planned: '规划中', uncovered: '未覆盖' }, builtPlanned: '专区 建成/规划', target: '计划建成', covered: '按期覆盖',
  },
  lifeCircle: {
    title: '15 分钟生活圈', hint: '选择事项和距离（默认 1000 米），列出离最近一个可办理该事项的已建成服务点超过该距离的居委会和居住点位。',
    item: '事项', chooseItem: '请选择事项', distance: '距离（米）', run: '计算',
    share: '{{covered}}/{{total}} 个居住点位在 {{distance}} 米内（{{pct}}）。', noSites: '范围内没有居住点位。',
    committeesOut: '超出范围的居委会', allCovered: '所有居委会都在范围内。', nearest: '最近 {{m}} 米', noPoint: '范围内无服务点',
    uncoveredSites: '超出范围的居住点位 {{n}} 个（地图上红点）', committee: '居委会', sitesCovered: '覆盖点位', points: '可办理该事项的服务点 {{n}} 个',
  },
  records: {
    title: '办件', hint: '各服务点受理的办件；证件号码脱敏显示，查看完整号码须说明原因并留痕。',
    point: '服务点', allPoints: '全部服务点', item: '事项', allItems: '全部事项', status: '状态', allStatuses: '全部状态', overdueOnly: '只看超期',
    number: '办件编号', applicant: '申请人', acceptedAt: '受理时间', dueAt: '承诺办结', overdue: '超期', empty: '没有符合条件的办件。', shownMore: '已显示 {{count}} 条，还有更多',
    statuses: { accepted: '已受理', handed_off: '已流转后台', returned: '后台已返回', completed: '办结', not_accepted: '不予受理', sent_back: '退件' },
  },
  record: {
    title: '办件 {{number}}', back: '返回办件列表', idNumber: '证件号码', phone: '电话', agent: '代办人', authorizationRef: '委托书编号',
    assistRole: '办理人', assistRoles: { none: '本人办理', assist: '帮办', proxy: '代办' }, version: '办事指南', versionValue: '第 {{n}} 版（{{date}} 起）',
    materials: '材料收取', received: '已收', deferred: '容缺', exempt: '电子证照免交', missing: '未收', staff: '受理人', mode: '办理方式',
    handedOffAt: '流转后台', returnedAt: '后台返回', decidedAt: '办结时间', result: '结果', reason: '原因', delivery: '送达方式',
    deliveries: { on_site: '现场领取', post: '邮寄', electronic: '电子证照' }, onTime: '按时', late: '超时',
    reveal: '显示完整号码', revealReason: '查看原因（必填，将被记录）', revealSubmit: '显示', revealLog: '证件号码查看记录',
    revealLogEmpty: '尚无人查看过完整号码。', who: '查看人', when: '时间', why: '原因', fields: { applicant: '申请人', agent: '代办人' },
    steps: '办理环节', actions: { hand_off: '流转后台（收受分离）', return: '后台返回', complete: '办结', not_accept: '不予受理', send_back: '退件' },
    submit: '确认', done: '已更新办件状态。', reasonHint: '有容缺材料时，请说明补交情况', finished: '该办件已办结。', timeline: '时间线',
  },
  ratings: {
    title: '好差评', hint: '每个办件一次评价；差评（不满意、非常不满意）进入闭环：回访 → 整改或解释 → 核查结案 → 评价人评价整改结果。',
    kpi: '实名差评按时回访整改率', kpiOf: '应回访整改 {{due}} 件，按时 {{onTime}} 件', target: '目标 100%', open: '未结差评 {{n}} 件',
    from: '开始日期', to: '结束日期', badOnly: '只看差评', point: '服务点', level: '评价', ratedAt: '评价时间', comment: '评价内容', channel: '渠道',
    levels: { l1: '非常不满意', l2: '不满意', l3: '基本满意', l4: '满意', l5: '非常满意' },
    channels: { qr: '二维码', terminal: '自助终端', link: '链接', sms: '短信', hotline: '12345 热线' },
    anonymous: '匿名', named: '实名', case: '案件', followup: '跟进', dueAt: '整改期限', voided: '已作废（申诉成立）', empty: '没有评价。',
    open2: '查看跟进', stateLabel: '进度', states: { waiting_callback: '待回访', waiting_resolution: '待整改', resolved: '已整改', closed: '已结案' },
    scores: { efficiency: '服务效率', skill: '服务水平', attitude: '服务态度' },
  },
  followup: {
    title: '差评跟进', dueAt: '整改期限', case: '案件 {{number}}', caseStatus: '案件状态', openCase: '查看案件',
    callback: '回访', callbackNote: '回访记录', callbackSubmit: '登记回访', callbackDone: '已于 {{time}} 回访：{{note}}',
    resolve: '整改或解释说明', resolution: '处理方式', resolutions: { rectify: '整改', explain: '解释说明' }, note: '处理说明',
    photos: '佐证照片（至少一张）', photoCount: '已上传 {{n}} 张', resolveSubmit: '提交', resolved: '已于 {{time}} 提交（{{how}}），待核查结案',
    appeal: '申诉（误评、恶意差评）', appealReason: '申诉理由', appealSubmit: '提出申诉', appealed: '已于 {{time}} 申诉：{{reason}}',
    decide: '复核申诉（须由另一人）', uphold: '申诉成立，作废该评价', reject: '驳回申诉', upheld: '申诉成立，评价已作废。', rejected: '申诉已驳回。',
    feedback: '评价人对整改结果的评价', feedbacks: { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' }, noFeedback: '尚未评价',
    onTime: '按时', late: '超时', saved: '已保存。',
  },
  terminals: {
    title: '自助终端', hint: '自助终端和自助办理专区的运行状态：停止上报心跳或报告故障即自动生成一张维修案件，恢复后案件自动关闭。终端凭设备令牌上报，令牌只显示一次。',
    state: '状态', allStates: '全部状态', states: { up: '正常', down: '停用', unmonitored: '未接入' }, down: { silence: '失联', fault: '故障' },
    since: '自 {{at}}', name: '终端', lastSeen: '最近上报', fault: '故障', case: '维修案件', issue: '发放令牌', replace: '更换令牌',
    replaceConfirm: '更换 {{code}} 的设备令牌？旧令牌将立即失效，终端需重新设置。', issued: '{{code}} 的设备令牌（只显示这一次，请填入终端设置）：', copy: '复制',
    totals: '共 {{points}} 台：正常 {{up}}，停用 {{down}}，未接入 {{unmonitored}}。', empty: '没有符合条件的终端。',
  },
  settings: {
    title: '街道设置', subdistrict: '街道', badRatingDays: '差评整改期限（工作日）', ratingWindowDays: '评价期限（天）',
    noShowGraceMinutes: '预约爽约宽限（分钟）', save: '保存', saved: '已保存设置。',
  },
  why: { reason: '请填写原因', note: '请填写说明', photo: '请先上传照片', delivery: '请选择送达方式', item: '请先选择事项' },
  /** Labels of API field names, merged into ux.fields where those do not name them already. */
  fields: {
    nameZh: '事项名称', nameEn: '英文名称', itemType: '事项类型', department: '受理部门', legalBasis: '设定依据', conditions: '申请条件',
    materials: '申请材料', steps: '办理流程', legalLimitDays: '法定办结时限', promisedLimitDays: '承诺办结时限', fee: '收费',
    placesHours: '办理地点和时间', visits: '到现场次数', citywide: '全市通办', mode: '办理方式', channels: '办理渠道', assistAllowed: '可帮办',
    proxyAllowed: '可代办', consultPhone: '咨询电话', complaintPhone: '监督投诉电话', faq: '常见问题', effectiveFrom: '生效日期',
    baseVersion: '版本', copies: '份数', form: '形式', distanceM: '距离', delivery: '送达方式', resolution: '处理方式', upheld: '复核结论',
    badRatingDays: '差评整改期限', ratingWindowDays: '评价期限', noShowGraceMinutes: '爽约宽限', countsTowardLimit: '计入法定时限',
    days: '时限', eLicenceExempt: '电子证照免交', deferrable: '可容缺',
  },
};

const en: typeof zh = {
  nav: { catalogue: 'Service items', network: 'Service network', records: 'Service records', ratings: 'Ratings', terminals: 'Terminals' },
  all: 'All',
  yes: 'Yes',
  no: 'No',
  workingDays: '{{n}} working days',
  instant: 'On the spot',
  kinds: {
    centre: 'Community affairs centre', branch: 'Branch centre', committee_window: 'Committee mobile window', building_window: 'Building mobile window',
    self_service_zone: 'Self-service zone', terminal: 'Self-service terminal',
  },
  pointStatus: { planned: 'Planned', built: 'Built', closed: 'Closed' },
  channels: { counter: 'Counter', mobile_window: 'Mobile window', terminal: 'Terminal', online: 'Online' },
  modes: { direct: 'Decided at the counter', separated: 'Accepted here, decided by the back office' },
  forms: { original: 'Original', copy: 'Copy', original_and_copy: 'Original and copy' },
  weekdays: { d1: 'Mon', d2: 'Tue', d3: 'Wed', d4: 'Thu', d5: 'Fri', d6: 'Sat', d7: 'Sun' },
  catalogue: {
    title: 'Service items (guides)', hint: 'Categories → items; each item publishes its guide in versions, and a record keeps the version it was accepted under.',
    search: 'Item name or code', category: 'Category', allCategories: 'All categories', itemCount: '{{count}} items', count: '{{count}}',
    select: 'Choose an item on the left to read its guide.', noGuide: 'No guide in effect yet', basicCode: 'Basic code', implCode: 'Implementation code',
    version: 'Version {{n}}', effectiveFrom: 'Effective from', current: 'Current', upcoming: 'Upcoming', past: 'Superseded', versions: 'Versions',
    guide: 'Guide', prefix: 'Ticket prefix', publish: 'Publish a new version', publishTitle: 'Publish version {{n}} of “{{name}}”',
    publishHint: 'From its effective date the new version applies to new records; records already accepted keep theirs. It cannot start before today.',
    published: 'Version {{n}} published, effective from {{date}}.', stale: 'The item has a newer version; it was reloaded, check it before publishing.',
    fixErrors: 'Correct the fields marked in red, then publish.', addMaterial: '+ Add material', addStep: '+ Add step', remove: 'Remove', submit: 'Publish', cancel: 'Cancel',
    proxyNote: 'Filing on behalf needs a letter of authorisation and the agent’s ID.', none: 'None',
  },
  guide: {
    nameZh: 'Item name', nameEn: 'English name', itemType: 'Item type', department: 'Accepting department', legalBasis: 'Legal basis', conditions: 'Conditions',
    materials: 'Required materials', steps: 'Procedure', legalLimitDays: 'Statutory limit (working days)', promisedLimitDays: 'Promised limit (working days)',
    fee: 'Fee', placesHours: 'Places and hours', visits: 'Visits needed', citywide: 'Anywhere in the city', mode: 'Handling mode', channels: 'Channels',
    assistAllowed: 'Assistance offered', proxyAllowed: 'Filing on behalf allowed', consultPhone: 'Enquiries', complaintPhone: 'Complaints', faq: 'FAQ',
    effectiveFrom: 'Effective from', materialName: 'Material', form: 'Form', copies: 'Copies', eLicenceExempt: 'Exempt via e-licence', deferrable: 'May be supplied later',
    note: 'Note', stepName: 'Step', stepDays: 'Limit (working days)', countsTowardLimit: 'Counts toward the limit',
  },
  network: {
    title: 'Service network', hint: 'Every service point (centres, committee and building windows, self-service zones, terminals): where, status, sessions and items.',
    kind: 'Kind', status: 'Status', allKinds: 'All kinds', allStatuses: 'All statuses', showGrids: 'Show police grids', count: '{{count}} points',
    code: 'Code', name: 'Name', address: 'Address', sessions: 'Sessions', items: 'Items', staff: 'Staff', dates: 'Dates',
    builtOn: '{{date}}', targetOn: 'due {{date}}', closedOn: '{{date}}', noSessions: 'No fixed sessions',
    capacity: '{{n}} per session', itemsCount: '{{count}}', staffed: 'Staffed', selfService: 'Self-service', empty: 'No point matches.',
    detail: 'Point', locate: 'Locate', gridLabel: 'Grid {{code}} {{name}}',
  },
  coverage: {
    title: 'Self-service zones per grid', asOf: 'As of', by: 'Target date',
    summary: '{{grids}} police grids ({{subdistricts}} subdistricts/towns): {{built}} with a built zone, {{planned}} with a planned one only, {{uncovered}} with none.',
    zones: 'Zones: {{built}} built, {{planned}} planned.', every: 'By plan, every grid is covered by {{by}}.',
    notEvery: 'By plan, {{n}} grids are still uncovered on {{by}}.', grid: 'Grid', subdistrict: 'Subdistrict', state: 'State',
    states: { built: 'Built', planned: 'Planned', uncovered: 'Uncovered' }, builtPlanned: 'Zones built/planned', target: 'Planned for', covered: 'Covered in time',
  },
  lifeCircle: {
    title: '15-minute life circle', hint: 'Choose an item and a distance (default 1,000 m): committees and residential sites farther than it from every built point offering the item.',
    item: 'Item', chooseItem: 'Choose an item', distance: 'Distance (m)', run: 'Compute',
    share: '{{covered}}/{{total}} residential sites within {{distance}} m ({{pct}}).', noSites: 'No residential sites in scope.',
    committeesOut: 'Committees out of reach', allCovered: 'Every committee is within reach.', nearest: 'nearest {{m}} m', noPoint: 'no point within reach',
    uncoveredSites: '{{n}} residential sites out of reach (red dots on the map)', committee: 'Committee', sitesCovered: 'Sites covered', points: '{{n}} points offer the item',
  },
  records: {
    title: 'Service records', hint: 'Records accepted at the points; ID numbers are masked, and showing one in full needs a reason and is logged.',
    point: 'Point', allPoints: 'All points', item: 'Item', allItems: 'All items', status: 'Status', allStatuses: 'All statuses', overdueOnly: 'Overdue only',
    number: 'Record no.', applicant: 'Applicant', acceptedAt: 'Accepted', dueAt: 'Promised by', overdue: 'Overdue', empty: 'No record matches.', shownMore: '{{count}} shown, more to load',
    statuses: { accepted: 'Accepted', handed_off: 'With the back office', returned: 'Back from the back office', completed: 'Completed', not_accepted: 'Not accepted', sent_back: 'Sent back' },
  },
  record: {
    title: 'Record {{number}}', back: 'Back to the records', idNumber: 'ID number', phone: 'Phone', agent: 'Agent', authorizationRef: 'Authorisation ref.',
    assistRole: 'Filed by', assistRoles: { none: 'The applicant', assist: 'With staff assistance', proxy: 'An agent on their behalf' }, version: 'Guide', versionValue: 'version {{n}} (from {{date}})',
    materials: 'Materials', received: 'Received', deferred: 'To follow', exempt: 'Exempt via e-licence', missing: 'Not received', staff: 'Accepted by', mode: 'Handling mode',
    handedOffAt: 'To the back office', returnedAt: 'Back from the back office', decidedAt: 'Decided', result: 'Result', reason: 'Reason', delivery: 'Delivery',
    deliveries: { on_site: 'Collected on site', post: 'By post', electronic: 'E-licence' }, onTime: 'On time', late: 'Late',
    reveal: 'Show the full number', revealReason: 'Why you need it (required, logged)', revealSubmit: 'Show', revealLog: 'Who saw the full ID numbers',
    revealLogEmpty: 'Nobody has seen the full numbers yet.', who: 'Who', when: 'When', why: 'Why', fields: { applicant: 'Applicant', agent: 'Agent' },
    steps: 'Steps', actions: { hand_off: 'Hand to the back office', return: 'Returned by the back office', complete: 'Complete', not_accept: 'Not accept', send_back: 'Send back' },
    submit: 'Confirm', done: 'The record was updated.', reasonHint: 'With deferred materials, say how they were supplied', finished: 'The record is decided.', timeline: 'Timeline',
  },
  ratings: {
    title: 'Ratings', hint: 'One rating per record; a bad rating (dissatisfied or very dissatisfied) runs the loop: call back → rectify or explain → check and close → the rater judges the outcome.',
    kpi: 'Named bad ratings followed up on time', kpiOf: '{{onTime}} of {{due}} on time', target: 'Target 100 %', open: '{{n}} bad ratings open',
    from: 'From', to: 'To', badOnly: 'Bad ratings only', point: 'Point', level: 'Rating', ratedAt: 'Rated', comment: 'Comment', channel: 'Channel',
    levels: { l1: 'Very dissatisfied', l2: 'Dissatisfied', l3: 'Fairly satisfied', l4: 'Satisfied', l5: 'Very satisfied' },
    channels: { qr: 'QR code', terminal: 'Terminal', link: 'Link', sms: 'SMS', hotline: '12345 hotline' },
    anonymous: 'Anonymous', named: 'Named', case: 'Case', followup: 'Follow-up', dueAt: 'Due', voided: 'Voided (appeal upheld)', empty: 'No ratings.',
    open2: 'Open follow-up', stateLabel: 'Progress', states: { waiting_callback: 'To call back', waiting_resolution: 'To rectify', resolved: 'Rectified', closed: 'Closed' },
    scores: { efficiency: 'Efficiency', skill: 'Competence', attitude: 'Attitude' },
  },
  followup: {
    title: 'Bad-rating follow-up', dueAt: 'Due', case: 'Case {{number}}', caseStatus: 'Case status', openCase: 'Open the case',
    callback: 'Call back', callbackNote: 'What the rater said', callbackSubmit: 'Record the call', callbackDone: 'Called back {{time}}: {{note}}',
    resolve: 'Rectify or explain', resolution: 'Resolution', resolutions: { rectify: 'Rectified', explain: 'Explained' }, note: 'What was done',
    photos: 'Evidence photos (at least one)', photoCount: '{{n}} uploaded', resolveSubmit: 'Submit', resolved: 'Submitted {{time}} ({{how}}); waiting for the check',
    appeal: 'Appeal (mistaken or malicious rating)', appealReason: 'Grounds', appealSubmit: 'Appeal', appealed: 'Appealed {{time}}: {{reason}}',
    decide: 'Decide the appeal (a second person)', uphold: 'Uphold: void the rating', reject: 'Reject the appeal', upheld: 'Appeal upheld; the rating is void.', rejected: 'Appeal rejected.',
    feedback: 'The rater’s view of the outcome', feedbacks: { satisfied: 'Satisfied', basic: 'Fairly satisfied', unsatisfied: 'Dissatisfied' }, noFeedback: 'Not given yet',
    onTime: 'On time', late: 'Late', saved: 'Saved.',
  },
  terminals: {
    title: 'Self-service terminals', hint: 'Health of the self-service terminals and zones: one that stops sending heartbeats or reports a fault opens a maintenance case, which closes when it is back. A terminal reports with its device token, shown only once.',
    state: 'State', allStates: 'All states', states: { up: 'Up', down: 'Down', unmonitored: 'Not set up' }, down: { silence: 'Silent', fault: 'Fault' },
    since: 'since {{at}}', name: 'Terminal', lastSeen: 'Last report', fault: 'Fault', case: 'Maintenance case', issue: 'Issue token', replace: 'Replace token',
    replaceConfirm: 'Replace the device token of {{code}}? The old token stops working at once and the terminal must be set up again.', issued: 'Device token of {{code}} (shown this once; enter it in the terminal’s settings):', copy: 'Copy',
    totals: '{{points}} in all: {{up}} up, {{down}} down, {{unmonitored}} not set up.', empty: 'No terminal matches.',
  },
  settings: {
    title: 'Subdistrict settings', subdistrict: 'Subdistrict', badRatingDays: 'Bad-rating deadline (working days)', ratingWindowDays: 'Rating window (days)',
    noShowGraceMinutes: 'No-show grace (minutes)', save: 'Save', saved: 'Settings saved.',
  },
  why: { reason: 'Give the reason', note: 'Say what was done', photo: 'Upload a photo first', delivery: 'Choose the delivery', item: 'Choose an item first' },
  fields: {
    nameZh: 'Item name', nameEn: 'English name', itemType: 'Item type', department: 'Department', legalBasis: 'Legal basis', conditions: 'Conditions',
    materials: 'Materials', steps: 'Procedure', legalLimitDays: 'Statutory limit', promisedLimitDays: 'Promised limit', fee: 'Fee',
    placesHours: 'Places and hours', visits: 'Visits', citywide: 'Citywide', mode: 'Mode', channels: 'Channels', assistAllowed: 'Assistance',
    proxyAllowed: 'Filing on behalf', consultPhone: 'Enquiries', complaintPhone: 'Complaints', faq: 'FAQ', effectiveFrom: 'Effective from',
    baseVersion: 'Version', copies: 'Copies', form: 'Form', distanceM: 'Distance', delivery: 'Delivery', resolution: 'Resolution', upheld: 'Decision',
    badRatingDays: 'Bad-rating deadline', ratingWindowDays: 'Rating window', noShowGraceMinutes: 'No-show grace', countsTowardLimit: 'Counts toward the limit',
    days: 'Limit', eLicenceExempt: 'Exempt via e-licence', deferrable: 'May follow',
  },
};

export const SERVICES_CONSOLE_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { yw: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { yw: en }, true, true);
  // Field labels for the server's field errors; the everyday labels already there win.
  i18n.addResourceBundle('zh', 'translation', { ux: { fields: zh.fields } }, true, false);
  i18n.addResourceBundle('en', 'translation', { ux: { fields: en.fields } }, true, false);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
