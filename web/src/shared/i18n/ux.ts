import i18n from 'i18next';

/**
 * Strings of the everyday-use work: the grouped console menu, role homes, field errors, maps.
 * Merged into the one "translation" namespace under "ux".
 */
const zh = {
  dispatch: { wholeUnit: '派给整个单位' },
  /** A table cell's input named by its column and row: 编码（第 2 行）. */
  rowField: '{{column}}（第 {{n}} 行）',
  menu: {
    label: '主菜单', overview: '总览', cases: '案件', field: '巡查', registry: '台账', services: '一网通办', system: '系统',
  },
  rules: {
    required: '必填', too_small_string: '至少 {{minimum}} 个字符', too_small_number: '不能小于 {{minimum}}', too_small_array: '至少 {{minimum}} 项',
    too_big_string: '不能超过 {{maximum}} 个字符', too_big_number: '不能大于 {{maximum}}', too_big_array: '最多 {{maximum}} 项',
    invalid_option: '请从列表中选择', invalid_format: '格式不正确', invalid_type: '格式不正确', unknown_field: '不支持的字段', invalid: '填写有误',
  },
  fields: {
    categoryId: '问题类别', siteId: '点位', committeeId: '居委会', gridId: '网格', unitId: '处置单位', userId: '处置人员', assignee: '派遣对象',
    photoIds: '照片', afterPhotoIds: '整改后照片', photoId: '照片', note: '说明', description: '问题描述', reason: '原因', dueAt: '期限',
    deadlineAt: '整改期限', gps: '定位', position: '定位', lng: '经度', lat: '纬度', qrCode: '二维码', offSiteReason: '不在范围内的原因',
    manual: '手动位置', fineAmount: '罚款金额', fineReason: '调整罚款的理由', wasteType: '垃圾类别', result: '复查结果', coOfficerId: '第二名执法队员',
    legalBasisId: '法律依据', partyId: '当事人', inspectionId: '检查记录', caseId: '案件', targetCaseId: '目标案件', username: '用户名',
    displayName: '姓名', password: '密码', currentPassword: '当前密码', newPassword: '新密码', phone: '手机', role: '角色', name: '名称', address: '地址', kind: '类型', disposalHours: '投放时段',
    code: '编码', file: '文件', answers: '检查项', itemId: '检查项', from: '开始日期', to: '结束日期', hours: '时限', url: '地址', source: '来源',
    action: '操作', version: '版本', items: '案件', deviceAt: '设备时间', deviceTime: '设备时间', body: '请求',
    token: '链接', challenge: '防刷验证', actor: '执法人员', confirmOpenCases: '未办结案件',
    service_code: '问题类别', site_kind: '地点类型', jurisdiction_id: '街道',
    // 一网通办, enforcement procedure, calendar, registry, sessions and paging (every field the domain names).
    pointId: '服务点', ticketId: '排队号', appointmentId: '预约', recordId: '办件', agent: '代办人', assistRole: '帮办代办', authorizationRef: '委托书编号',
    materials: '申请材料', delivery: '送达方式', field: '查看项', resolution: '处理方式', day: '日期', starts: '时段', itemIds: '可办事项', itemCode: '事项编码',
    staffIds: '工作人员', building: '楼宇', builtOn: '建成日期', on: '日期', by: '截至日期', distanceM: '距离（米）', effectiveFrom: '生效日期',
    startedAt: '开始时间', finishedAt: '结束时间', status: '状态', subdistrictId: '街道', subdistrictIds: '街道', webhookUrl: '回调地址',
    checklistId: '检查表', findings: '查明的事实', statement: '陈述申辩', text: '内容', defence: '申辩意见', defenceReason: '采纳或不采纳的理由',
    hearing: '听证', heldAt: '听证时间', hostId: '听证主持人', deadlineReason: '期限说明', suggestedDeadlineAt: '建议期限', suggestedDeadlineFrom: '建议期限的计算时间',
    fineMax: '罚款上限', mode: '计时方式', schedule: '放假安排', year: '年份', parentId: '上级类别', gridCode: '网格编码', handlingUnitId: '处置单位',
    reassignToUnitId: '改派单位', scopes: '权限范围', ttlDays: '有效天数', maxDays: '最长天数', photo: '照片', afterFrom: '对比起始日期', end: '结束日期',
    after: '翻页位置', limit: '每页条数', client: '本设备', digest: '导入预览', month: '月份', upheld: '申诉复核',
  },
  why: {
    afterPhoto: '请先拍一张整改后照片', handleNote: '请填写整改情况', failNote: '核查不通过时请写明原因', reason: '请填写理由',
    chooseUnit: '请选择派遣的处置单位', photo: '请先拍照', uploading: '照片上传中…', category: '请选择问题类别', site: '请选择点位', place: '请选择点位或居委会', position: '正在定位，或请选择点位', note: '请描述问题', beforePhoto: '请先拍一张现场照片', manual: '请选择无法定位的原因',
  },
  codes: {
    transition_not_allowed: '案件当前状态不允许此操作，请刷新后查看可执行的操作。',
    step_out_of_order: '执法步骤顺序不对，请先完成前一步。',
    fine_out_of_range: '罚款金额超出法定范围。',
    conflict: '与当前状态冲突，请刷新后重试。',
    idempotency_mismatch: '这条记录已用不同的内容提交过，请重新填写后提交。',
    csrf_rejected: '请求被拒绝：请从本站页面重新打开后再提交。',
    upload_limit_exceeded: '上传的文件超出限制（大小、行数或内容过多），请拆分或精简后重试。',
    procedure_period_open: '当事人陈述申辩期或听证申请期尚未届满，期满前不能作出处罚决定。',
    fine_exceeds_prior_notice: '罚款金额超过事先告知书中的金额，请先重新送达事先告知书。',
    hearing_not_available: '本案不能申请听证：拟罚款未达到听证标准，或听证申请期已过。',
    officer_without_certificate: '未登记执法证号的人员不能签署执法文书，请先登记执法证号。',
    challenge_failed: '防刷验证未通过，请刷新页面后重新提交。',
    challenge_replayed: '防刷验证已使用过，请重新提交。',
    has_open_cases: '仍有未办结的案件，请先办结或改派后再操作。',
    storage_unavailable: '文件存储暂时无法访问，请稍后重试。',
  },
};

const en: typeof zh = {
  dispatch: { wholeUnit: 'the whole unit' },
  rowField: '{{column}}, row {{n}}',
  menu: {
    label: 'Main menu', overview: 'Overview', cases: 'Cases', field: 'Patrols', registry: 'Registry', services: 'Services', system: 'System',
  },
  rules: {
    required: 'required', too_small_string: 'at least {{minimum}} characters', too_small_number: 'at least {{minimum}}', too_small_array: 'at least {{minimum}} items',
    too_big_string: 'at most {{maximum}} characters', too_big_number: 'at most {{maximum}}', too_big_array: 'at most {{maximum}} items',
    invalid_option: 'choose one from the list', invalid_format: 'wrong format', invalid_type: 'wrong format', unknown_field: 'not a field of this form', invalid: 'invalid',
  },
  fields: {
    categoryId: 'Category', siteId: 'Site', committeeId: 'Committee', gridId: 'Grid', unitId: 'Handling unit', userId: 'Person', assignee: 'Dispatch to',
    photoIds: 'Photos', afterPhotoIds: 'After photos', photoId: 'Photo', note: 'Note', description: 'Description', reason: 'Reason', dueAt: 'Due time',
    deadlineAt: 'Deadline', gps: 'Position', position: 'Position', lng: 'Longitude', lat: 'Latitude', qrCode: 'QR code', offSiteReason: 'Reason for being off site',
    manual: 'Manual position', fineAmount: 'Fine', fineReason: 'Reason for the amount', wasteType: 'Waste type', result: 'Result', coOfficerId: 'Second officer',
    legalBasisId: 'Legal basis', partyId: 'Party', inspectionId: 'Inspection', caseId: 'Case', targetCaseId: 'Target case', username: 'Username',
    displayName: 'Name', password: 'Password', currentPassword: 'Current password', newPassword: 'New password', phone: 'Phone', role: 'Role', name: 'Name', address: 'Address', kind: 'Kind', disposalHours: 'Disposal hours',
    code: 'Code', file: 'File', answers: 'Checklist items', itemId: 'Checklist item', from: 'From', to: 'To', hours: 'Hours', url: 'URL', source: 'Source',
    action: 'Action', version: 'Version', items: 'Cases', deviceAt: 'Device time', deviceTime: 'Device time', body: 'Request',
    token: 'Link', challenge: 'Anti-spam check', actor: 'Officer', confirmOpenCases: 'Open cases',
    service_code: 'Category', site_kind: 'Kind of place', jurisdiction_id: 'Subdistrict',
    pointId: 'Service point', ticketId: 'Ticket', appointmentId: 'Appointment', recordId: 'Service record', agent: 'Agent', assistRole: 'Assistance', authorizationRef: 'Authorisation number',
    materials: 'Documents', delivery: 'Delivery', field: 'Detail shown', resolution: 'Resolution', day: 'Day', starts: 'Session', itemIds: 'Services offered', itemCode: 'Service code',
    staffIds: 'Staff', building: 'Building', builtOn: 'Built on', on: 'Date', by: 'As of', distanceM: 'Distance (m)', effectiveFrom: 'In effect from',
    startedAt: 'Start time', finishedAt: 'End time', status: 'Status', subdistrictId: 'Subdistrict', subdistrictIds: 'Subdistricts', webhookUrl: 'Webhook URL',
    checklistId: 'Checklist', findings: 'Facts found', statement: 'Statement and defence', text: 'Text', defence: 'Defence', defenceReason: 'Reasons for adopting or not',
    hearing: 'Hearing', heldAt: 'Hearing time', hostId: 'Hearing host', deadlineReason: 'Reason for the deadline', suggestedDeadlineAt: 'Suggested deadline', suggestedDeadlineFrom: 'Suggested deadline computed at',
    fineMax: 'Maximum fine', mode: 'Timing', schedule: 'Holiday schedule', year: 'Year', parentId: 'Parent category', gridCode: 'Grid code', handlingUnitId: 'Handling unit',
    reassignToUnitId: 'Unit to reassign to', scopes: 'Scopes', ttlDays: 'Days valid', maxDays: 'Maximum days', photo: 'Photo', afterFrom: 'Comparison start', end: 'End date',
    after: 'Page position', limit: 'Page size', client: 'This device', digest: 'Import preview', month: 'Month', upheld: 'Appeal decision',
  },
  why: {
    afterPhoto: 'Take an after photo first', handleNote: 'Describe the rectification', failNote: 'Say why the check fails', reason: 'Give a reason',
    chooseUnit: 'Choose the handling unit to dispatch to', photo: 'Take a photo first', uploading: 'Uploading the photo…', category: 'Choose the problem category', site: 'Choose the site', place: 'Choose the site or committee', position: 'Locating… or choose a site', note: 'Describe the problem', beforePhoto: 'Take a photo of the problem first', manual: 'Choose why there is no position',
  },
  codes: {
    transition_not_allowed: 'The case’s state does not allow this action; reload to see what can be done.',
    step_out_of_order: 'Enforcement steps out of order: finish the previous step first.',
    fine_out_of_range: 'The fine is outside the legal range.',
    conflict: 'This conflicts with the current state; reload and try again.',
    idempotency_mismatch: 'This record was already sent with different content; fill it in again and submit.',
    csrf_rejected: 'The request was refused: open this page from the site again and resubmit.',
    upload_limit_exceeded: 'The file exceeds a limit (size, rows or content); split or trim it and try again.',
    procedure_period_open: 'The party’s statement or hearing-request period is still open; no decision before it ends.',
    fine_exceeds_prior_notice: 'The fine exceeds the amount in the prior notice; serve a new prior notice first.',
    hearing_not_available: 'No hearing for this case: the proposed fine is below the hearing threshold, or the request period has ended.',
    officer_without_certificate: 'An officer without a law-enforcement certificate number cannot sign documents; record the number first.',
    challenge_failed: 'The anti-spam check failed; reload the page and submit again.',
    challenge_replayed: 'The anti-spam check was already used; submit again.',
    has_open_cases: 'There are open cases; finish or re-dispatch them first.',
    storage_unavailable: 'File storage cannot be reached right now; try again in a moment.',
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
