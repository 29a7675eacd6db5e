import i18n from 'i18next';

/** Strings for the enforcement ladder (管执联动), merged under "enforcement" in the one namespace. */
const zh = {
  nav: '执法联动',
  amount: '{{amount}} 元',
  desk: { title: '执法联动工作台', dueToday: '今日待复查', overdueFines: '逾期未缴罚款', overdueService: '逾期未送达的处罚决定', ladders: '执法案件', stage: '环节', all: '全部', empty: '暂无。', counts: '本月统计', verify: '文书核验' },
  stages: { opened: '已立案待检查', ordered: '已责令改正', order_failed: '复查未整改', noticed: '已发告知单', notice_failed: '再次复查未整改', prior_noticed: '已事先告知·陈述申辩期', hearing_requested: '已申请听证', heard: '已听证', decided: '已作出处罚决定', closed: '已结案' },
  outcome: { rectified: '已整改', paid: '已缴款' },
  steps: { order: '现场检查·普法·责令改正', reinspection: '复查', notice: '责令整改告知单', prior_notice: '行政处罚事先告知书', statement: '陈述申辩记录', hearing_request: '听证申请', hearing: '听证笔录', decision: '行政处罚决定书', payment: '缴纳罚款', dispatch: '系统派发复查', overdue: '罚款逾期' },
  docs: { order: '责令改正通知书', notice: '责令整改告知单', prior_notice: '行政处罚事先告知书', decision: '行政处罚决定书' },
  col: { subject: '当事人', site: '点位', caseNo: '案件编号', deadline: '整改期限', due: '复查期限', fine: '罚款', paymentDue: '缴款期限', opened: '立案时间', who: '执法人员', when: '时间', where: '地点', photos: '照片', document: '文书', result: '结果' },
  result: { rectified: '已整改', not_rectified: '未整改' },
  ack: { label: '送达情况', signed: '当事人签收（直接送达）', refused: '当事人拒签（留置送达）', absent: '当事人不在场（未送达）', witness: '留置送达见证人（基层组织或所在单位代表；无见证人时以照片记录送达过程）', post: '邮寄送达', electronic_with_consent: '电子送达', public_notice: '公告送达', absentHint: '文书未送达，当事人的期限不起算；须另行邮寄、电子或公告送达并登记后，才能进行下一步。' },
  detail: {
    title: '执法案件', subject: '当事人', history: '违法记录', legalBasis: '法律依据', steps: '执法过程', documents: '执法文书', openPdf: '查看/打印 PDF',
    verifyCode: '核验码', revision: '第{{n}}版', superseded: '已被更正', proposal: '系统建议罚款：{{amount}}元（{{offence}}，法定幅度{{min}}–{{max}}元）',
    first: '首次违法', repeat: '再次违法', prior: '12个月内违法 {{n}} 次', next: '下一步', system: '系统',
    statementEnds: '陈述申辩期至 {{time}}', hearingEnds: '听证申请期至 {{time}}',
  },
  open: {
    title: '转执法立案', fromCase: '转执法立案', back: '返回执法工作台', hint: '对问题案件中拒不整改的商铺、单位立执法案件。没有问题案件时，请在现场用手机“新建执法检查”（需定位和照片）。',
    search: '查找问题案件', searchHint: '输入案件编号或描述中的文字', basisRequired: '请选择法律依据。', existing: '查看该执法案件', other: '换一个案件',
    final: '该案件已办结，不能再转执法。', noSite: '该案件没有点位，无法确定当事人。',
  },
  history: { title: '当事人违法记录', ladders: '执法案件', cases: '问题案件', repeat: '屡犯：12个月内 {{n}} 次', none: '无违法记录', newest: '显示最近 {{n}} 件，共 {{total}} 件' },
  verify: { title: '文书核验', code: '核验码', check: '核验', valid: '核验通过：与平台存档一致', invalid: '核验未通过', superseded: '该文书已被更正，请以最新版本为准' },
  service: {
    unserved: '未送达', record: '登记送达', title: '登记后续送达', method: '送达方式',
    methods: { post: '邮寄送达', electronic_with_consent: '电子送达（经同意）', public_notice: '公告送达' },
    receivedOn: '回执签收日期', trackingNumber: '邮件号（挂号信或快递单号）', consent: '当事人同意电子送达的方式（如送达地址确认书）', address: '送达的电子地址或系统',
    deliveredAt: '到达当事人系统的时间', publishedOn: '公告日期', medium: '公告地点或媒体', reason: '公告送达的原因（下落不明或其他方式无法送达）', note: '说明',
    publicNoticeHint: '自公告之日起经过三十日视为送达。', submit: '登记送达', cancel: '取消', done: '已登记送达：{{number}}',
    dueBy: '处罚决定书须于 {{time}} 前送达（7日内）', overdue: '已超过送达期限：处罚决定书未在7日内送达', dueCol: '送达期限',
    errors: {
      receivedOn: '请填写回执上的签收日期', trackingNumber: '请填写邮件号', consent: '电子送达须经当事人同意，请写明同意方式', address: '请填写送达的电子地址或系统',
      deliveredAt: '请填写文书到达的时间', publishedOn: '请填写公告日期', medium: '请填写公告的地点或媒体', reason: '公告送达仅限当事人下落不明或其他方式无法送达，请写明原因',
      future: '不能晚于现在',
    },
  },
  field: {
    tile: '执法检查', tileHint: '今日复查、责令改正、告知、处罚', dueToday: '今日待复查', mine: '进行中的执法案件', open: '新建执法检查', searchSite: '搜索商铺/单位名称或地址',
    facts: '违法事实', category: '问题类别', legalBasis: '法律依据', open2: '立案', step: '执法步骤', photos: '现场照片', education: '已现场普法（宣讲垃圾分类法规）', deadline: '整改期限',
    coOfficer: '第二名执法人员', result: '复查结果', fine: '罚款金额（元）', fineReason: '裁量说明（偏离建议幅度时必填）', note: '说明', receipt: '缴款凭证号',
    submit: '提交', done: '已记录', docIssued: '已出具文书：{{number}}', gps: '定位', noGps: '无法定位，请开启定位后再提交。',
    findings: '经查事实（每行一条）', suggested: '按问题类别建议期限：{{time}}', deadlineReason: '调整期限的理由（与建议不同时必填）',
    statementKind: '当事人意见', statementKinds: { statement: '提出陈述申辩', waiver: '放弃陈述申辩' }, statementForm: '形式', statementForms: { written: '书面', oral: '口头（笔录）' },
    statementText: '陈述申辩内容', hearingHost: '听证主持人（非本案调查人员）', hearingAt: '听证时间', hearingSummary: '听证笔录摘要',
    defence: '对申辩意见', defences: { adopted: '予以采纳', partly_adopted: '部分采纳', not_adopted: '不予采纳' }, defenceReason: '采纳与否的理由',
  },
};

const en: typeof zh = {
  nav: 'Enforcement',
  amount: '{{amount}} RMB',
  desk: { title: 'Enforcement desk', dueToday: 'Re-inspections due today', overdueFines: 'Overdue fines', overdueService: 'Penalty decisions not served in time', ladders: 'Enforcement cases', stage: 'Stage', all: 'All', empty: 'Nothing.', counts: 'This month', verify: 'Verify a document' },
  stages: { opened: 'Opened', ordered: 'Order issued', order_failed: 'Not rectified after order', noticed: 'Notice issued', notice_failed: 'Not rectified after notice', prior_noticed: 'Prior notice served; statement period', hearing_requested: 'Hearing requested', heard: 'Hearing held', decided: 'Penalty decided', closed: 'Closed' },
  outcome: { rectified: 'Rectified', paid: 'Paid' },
  steps: { order: 'Inspection, education, rectification order', reinspection: 'Re-inspection', notice: 'Rectification notice', prior_notice: 'Prior notice of penalty', statement: 'Statement and defence', hearing_request: 'Hearing request', hearing: 'Hearing record', decision: 'Penalty decision', payment: 'Fine paid', dispatch: 'Re-inspection dispatched', overdue: 'Fine overdue' },
  docs: { order: 'Rectification order', notice: 'Rectification notice', prior_notice: 'Prior notice of penalty', decision: 'Penalty decision' },
  col: { subject: 'Subject', site: 'Site', caseNo: 'Case no.', deadline: 'Deadline', due: 'Due', fine: 'Fine', paymentDue: 'Payment due', opened: 'Opened', who: 'Officers', when: 'When', where: 'Where', photos: 'Photos', document: 'Document', result: 'Result' },
  result: { rectified: 'Rectified', not_rectified: 'Not rectified' },
  ack: { label: 'Service', signed: 'Signed by the subject (direct service)', refused: 'Subject refused to sign (left on refusal)', absent: 'Subject absent (not served)', witness: 'Witness of the refusal (a community or unit representative; without one, the photo records the service)', post: 'Served by post', electronic_with_consent: 'Served electronically', public_notice: 'Served by public notice', absentHint: 'The document is not served and no period runs; serve it by post, electronically or by public notice and record the service before the next step.' },
  detail: {
    title: 'Enforcement case', subject: 'Subject', history: 'History', legalBasis: 'Legal basis', steps: 'Steps', documents: 'Documents', openPdf: 'View / print PDF',
    verifyCode: 'Verification code', revision: 'revision {{n}}', superseded: 'Superseded', proposal: 'Proposed fine: {{amount}} RMB ({{offence}}, legal range {{min}}–{{max}} RMB)',
    first: 'first offence', repeat: 'repeat offence', prior: '{{n}} violation(s) in 12 months', next: 'Next', system: 'System',
    statementEnds: 'Statement period until {{time}}', hearingEnds: 'Hearing requests until {{time}}',
  },
  open: {
    title: 'Open from a case', fromCase: 'Refer to enforcement', back: 'Back to the enforcement desk', hint: 'Open an enforcement case against a shop or unit that does not rectify a case in the loop. With no case, open it on site with the phone ("New enforcement inspection": position and photos).',
    search: 'Find the case', searchHint: 'Case number or words of its description', basisRequired: 'Choose the legal basis.', existing: 'Open that enforcement case', other: 'Another case',
    final: 'The case is finished: it cannot be referred.', noSite: 'The case has no site, so there is no party to act against.',
  },
  history: { title: 'Subject history', ladders: 'Enforcement cases', cases: 'Cases', repeat: 'Repeat offender: {{n}} in 12 months', none: 'No violations on record', newest: 'The newest {{n}} of {{total}}' },
  verify: { title: 'Verify a document', code: 'Verification code', check: 'Verify', valid: 'Valid: matches the platform record', invalid: 'Not valid', superseded: 'This document was corrected; the latest revision applies' },
  service: {
    unserved: 'Not served', record: 'Record service', title: 'Record a later service', method: 'Way of service',
    methods: { post: 'By post', electronic_with_consent: 'Electronically (with consent)', public_notice: 'By public notice' },
    receivedOn: 'Date on the return receipt', trackingNumber: 'Mail number (registered mail or courier)', consent: 'How the party consented to electronic service', address: 'Address or system it was sent to',
    deliveredAt: 'When it reached the party', publishedOn: 'Published on', medium: 'Where published', reason: 'Why by public notice (party not found, other ways failed)', note: 'Note',
    publicNoticeHint: 'Served thirty days after the notice is published.', submit: 'Record service', cancel: 'Cancel', done: 'Service recorded: {{number}}',
    dueBy: 'The penalty decision must be served by {{time}} (within 7 days)', overdue: 'Overdue: the penalty decision was not served within 7 days', dueCol: 'Serve by',
    errors: {
      receivedOn: 'Enter the date on the return receipt', trackingNumber: 'Enter the mail number', consent: 'Electronic service needs the party\'s consent: say how it was given', address: 'Enter the address or system it was sent to',
      deliveredAt: 'Enter when it reached the party', publishedOn: 'Enter the day it was published', medium: 'Enter where it was published', reason: 'Public notice only when the party cannot be found or other ways failed: say why',
      future: 'Must not be in the future',
    },
  },
  field: {
    tile: 'Enforcement', tileHint: 'Re-inspections, orders, notices, penalties', dueToday: 'Re-inspections due today', mine: 'Open enforcement cases', open: 'New enforcement inspection', searchSite: 'Search a shop or unit by name or address',
    facts: 'Facts found', category: 'Problem category', legalBasis: 'Legal basis', open2: 'Open case', step: 'Step', photos: 'Photos', education: 'Rules explained on site (education)', deadline: 'Deadline',
    coOfficer: 'Second officer', result: 'Result', fine: 'Fine (RMB)', fineReason: 'Reason (required outside the proposed band)', note: 'Note', receipt: 'Payment receipt no.',
    submit: 'Submit', done: 'Recorded', docIssued: 'Document issued: {{number}}', gps: 'Position', noGps: 'No position: turn on location and try again.',
    findings: 'Facts found (one per line)', suggested: 'Suggested for the category: {{time}}', deadlineReason: 'Reason for another deadline (required if it differs)',
    statementKind: 'The party', statementKinds: { statement: 'States a defence', waiver: 'Waives the statement' }, statementForm: 'Form', statementForms: { written: 'Written', oral: 'Oral (recorded)' },
    statementText: 'Statement and defence', hearingHost: 'Hearing host (not an investigator)', hearingAt: 'Held at', hearingSummary: 'Hearing record summary',
    defence: 'The defence is', defences: { adopted: 'Adopted', partly_adopted: 'Partly adopted', not_adopted: 'Not adopted' }, defenceReason: 'Reasons',
  },
};

/** Both languages, for the parity test. */
export const ENFORCEMENT_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { enforcement: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { enforcement: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
