import i18n from 'i18next';

/** Strings for the case loop (console desk + detail, field report/tasks/check), merged under "cases". */
const zh = {
  nav: '案件',
  desk: { title: '案件受理台', search: '搜索案件编号或描述', loadMore: '加载更多', empty: '没有符合条件的案件。', selected: '已选 {{n}} 件', bulkDispatch: '批量派遣', bulkDone: '已派遣 {{n}} 件', unit: '处置单位', choose: '请选择' },
  queues: { to_file: '待立案', to_dispatch: '待派遣', overdue: '已超期', to_check: '待核查', all: '全部', mine: '我的' },
  filter: { committee: '居委会', category: '问题类别', source: '来源', status: '状态', from: '上报起', to: '上报止', any: '全部', clear: '清除' },
  col: { number: '编号', category: '类别', site: '点位', committee: '居委会', status: '状态', reported: '上报时间', due: '本阶段时限', unit: '处置单位' },
  source: { patrol: '主动上报', self_resolved: '自发自处', checkin: '居委打卡发现', citizen: '市民反映', camera: '视频监控告警', iot: '物联感知告警', enforcement: '执法检查', open311: 'Open311 接入', hotline: '12345 热线' },
  status: { reported: '待立案', filed: '待派遣', dispatched: '处置中', handled: '待核查', closed: '已结案', cancelled: '已注销', on_hold: '挂账', merged: '已合并' },
  detail: {
    reporter: '上报人', reported: '上报时间', stageDue: '本阶段时限', handleDue: '处置时限', overdue: '已超期', unit: '处置单位', assignee: '处置人', site: '点位', noSite: '无点位',
    timeline: '处置过程', map: '位置', gps: '定位 {{lng}}, {{lat}}（±{{m}} 米）', deviceAt: '设备时间 {{time}}', actions: '可办理操作', noActions: '当前没有您可办理的操作。',
    pending: { hold: '待审批：挂账申请', extension: '待审批：延期申请（至 {{due}}）' }, rework: '返工 {{n}} 次', merged: '已合并的重复案件', back: '返回受理台',
  },
  action: {
    reason: '原因', note: '说明', unit: '派遣给', dueAt: '延期至', target: '合并到（案件编号或 ID）', submit: '确定', suggested: '建议', photos: '照片',
    done: '已办理：{{action}}', conflict: '案件已被他人更新，已重新加载最新状态，请核对后再操作。', findTarget: '查找',
    reasons: { responsible_party: '点位责任主体', committee: '所属居委', category_default: '类别默认单位' },
  },
  field: {
    report: '上报问题', reportHint: '拍照上报发现的问题', selfResolve: '自发自处', selfResolveHint: '当场整改，前后对比拍照', tasks: '我的任务', tasksHint: '待处置、待核查的案件',
    photo: '问题照片', before: '整改前照片', after: '整改后照片', category: '问题类别', site: '点位', nearby: '附近点位', qr: '或输入点位二维码/铭牌', qrFind: '查找', qrNotFound: '没有点位使用这个二维码/铭牌编号。',
    noSite: '不选点位', locating: '正在定位…', noGps: '无法定位：请开启定位后重试。', note: '描述', submit: '提交上报', submitResolved: '提交自发自处',
    duplicates: '附近已有同类案件未结，可能是同一问题：', sendAnyway: '仍然上报', sent: '已上报，案件编号 {{number}}', resolvedSent: '已记录自发自处，编号 {{number}}', queued: '已保存在手机上，联网后自动发送。',
    requestHold: '申请挂账', requestExtension: '申请延期', requested: '申请已提交，等待值班员审批', extendTo: '延期至', reason: '原因',
    toHandle: '待处置', toCheck: '待核查', empty: '没有待办任务。', handle: '处置反馈', handleNote: '处置说明', handled: '已反馈处置结果', check: '核查', pass: '核查通过', fail: '不通过（返工）', checkNote: '核查意见', checked: '已核查', home: '返回首页',
  },
};
const en: typeof zh = {
  nav: 'Cases',
  desk: { title: 'Case desk', search: 'Search number or description', loadMore: 'Load more', empty: 'No cases match.', selected: '{{n}} selected', bulkDispatch: 'Dispatch selected', bulkDone: '{{n}} dispatched', unit: 'Handling unit', choose: 'Choose…' },
  queues: { to_file: 'To file', to_dispatch: 'To dispatch', overdue: 'Overdue', to_check: 'To check', all: 'All', mine: 'Mine' },
  filter: { committee: 'Committee', category: 'Category', source: 'Source', status: 'Status', from: 'Reported from', to: 'Reported to', any: 'Any', clear: 'Clear' },
  col: { number: 'Number', category: 'Category', site: 'Site', committee: 'Committee', status: 'Status', reported: 'Reported', due: 'Stage due', unit: 'Unit' },
  source: { patrol: 'Patrol report', self_resolved: 'Self-resolved', checkin: 'Check-in problem', citizen: 'Citizen report', camera: 'Camera alert', iot: 'IoT alert', enforcement: 'Enforcement', open311: 'Open311 integration', hotline: '12345 hotline' },
  status: { reported: 'Reported', filed: 'Filed', dispatched: 'Dispatched', handled: 'Handled', closed: 'Closed', cancelled: 'Cancelled', on_hold: 'On hold', merged: 'Merged' },
  detail: {
    reporter: 'Reporter', reported: 'Reported', stageDue: 'Stage due', handleDue: 'Handle by', overdue: 'Overdue', unit: 'Handling unit', assignee: 'Assignee', site: 'Site', noSite: 'No site',
    timeline: 'Timeline', map: 'Position', gps: 'GPS {{lng}}, {{lat}} (±{{m}} m)', deviceAt: 'Device time {{time}}', actions: 'Actions', noActions: 'Nothing for you to do on this case now.',
    pending: { hold: 'Pending: hold request', extension: 'Pending: extension request (to {{due}})' }, rework: 'Reworked {{n}} times', merged: 'Merged duplicates', back: 'Back to the desk',
  },
  action: {
    reason: 'Reason', note: 'Note', unit: 'Dispatch to', dueAt: 'Extend to', target: 'Merge into (case number or id)', submit: 'Confirm', suggested: 'suggested', photos: 'Photos',
    done: 'Done: {{action}}', conflict: 'Someone else updated this case; it has been reloaded. Check it and try again.', findTarget: 'Find',
    reasons: { responsible_party: 'site responsible party', committee: 'committee', category_default: 'category default' },
  },
  field: {
    report: 'Report a problem', reportHint: 'Photograph a problem you found', selfResolve: 'Self-resolve', selfResolveHint: 'Fixed on the spot: before and after', tasks: 'My tasks', tasksHint: 'Cases to handle or check',
    photo: 'Problem photo', before: 'Before photo', after: 'After photo', category: 'Category', site: 'Site', nearby: 'Nearby sites', qr: 'or type the site QR / plate code', qrFind: 'Find', qrNotFound: 'No site has this QR / plate code.',
    noSite: 'No site', locating: 'Locating…', noGps: 'No position: turn on location and retry.', note: 'Description', submit: 'Send report', submitResolved: 'Record self-resolved',
    duplicates: 'Open cases of the same kind nearby may be the same problem:', sendAnyway: 'Report anyway', sent: 'Reported as case {{number}}', resolvedSent: 'Self-resolved case {{number}} recorded', queued: 'Saved on the phone; it is sent when back online.',
    requestHold: 'Request hold', requestExtension: 'Request extension', requested: 'Request sent; the desk will approve or refuse it', extendTo: 'Extend to', reason: 'Reason',
    toHandle: 'To handle', toCheck: 'To check', empty: 'Nothing to do.', handle: 'Report handling', handleNote: 'What was done', handled: 'Handling reported', check: 'Check', pass: 'Pass', fail: 'Fail (rework)', checkNote: 'Check note', checked: 'Checked', home: 'Home',
  },
};

/** Both languages, for the parity test. */
export const CASE_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { cases: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { cases: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
