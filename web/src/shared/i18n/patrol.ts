import i18n from 'i18next';

/**
 * Strings for patrols, check-ins and coverage, merged into the one "translation" namespace under
 * "patrol". Kept beside zh.ts/en.ts so that feature's pages stay self-contained.
 */
const zh = {
  nav: { coverage: '巡查覆盖', checklists: '检查表', campaigns: '专项排查' },
  kinds: { bin_room: '箱房', institution: '社区单位', shop: '沿街商铺' },
  today: { title: '今日巡查', hint: '今天待打卡、待检查的点位', empty: '今天没有待办点位。', nothingNow: '现在没有可办的点位，稍后时段见下。', later: '稍后时段：{{count}} 处箱房（{{from}} 起）', later_one: '稍后时段：{{count}} 处箱房（{{from}} 起）', checkin: '打卡', inspect: '检查', window: '投放时段 {{window}}', windowLater: '稍后时段 {{window}}', dueNow: '其中 {{count}} 处现在可办', grade: { red: '红', yellow: '黄', green: '绿', new: '未检查' } },
  checkin: {
    title: '箱房打卡', gps: '定位', accuracy: '精度 ±{{m}} 米', locating: '正在定位…', noGps: '无法定位：请扫描箱房二维码、手动确认位置，或开启定位。',
    photo: '现场照片', takePhoto: '拍照', uploading: '上传中…', uploaded: '照片已上传', qr: '箱房二维码', scanQr: '扫码', qrManual: '或输入铭牌编号',
    qrUnsupported: '本机不支持扫码，请手动输入铭牌编号。', qrNotFound: '照片中未识别到二维码。', submit: '提交打卡', offSiteTitle: '不在箱房范围内',
    offSiteText: '距箱房约 {{distance}} 米（定位精度 ±{{accuracy}} 米，允许范围 {{radius}} 米）。请说明原因后提交，或扫描箱房二维码。',
    poorAccuracy: '定位精度太差（±{{accuracy}} 米，上限 {{max}} 米）。请说明原因，或扫描箱房二维码。',
    reason: '原因', done: '打卡成功', doneOff: '已记录为不在现场打卡', folded: '本时段已打卡，已合并为第 {{n}} 次', flags: '照片存疑：{{list}}',
    manual: {
      open: '无法定位？手动确认位置', title: '手动确认位置', hint: '按箱房登记位置记录，并说明无法定位的原因。手动打卡计入覆盖，但会标记给管理员复核。',
      confirm: '我现在就在 {{site}}', reason: '无法定位的原因',
      reasons: { geolocation_denied: '定位被拒绝', weak_signal: '信号弱', indoor_no_fix: '室内无定位', other: '其他' },
      note: '补充说明（选填）', noteRequired: '请说明原因（必填）', done: '已按手动位置打卡：计入覆盖，待管理员复核',
    },
  },
  inspect: {
    title: '现场检查', version: '检查表 第 {{v}} 版', pass: '合格', fail: '不合格', na: '不适用', photoRequired: '不合格需拍照',
    fixed: '当场整改', reported: '上报处置', before: '问题照片', after: '整改后照片', note: '备注', submit: '提交检查',
    done: '检查已记录', result: '结论：{{outcome}}，不合格 {{failed}} 项', outcome: { pass: '合格', fail: '不合格' }, caseNo: '案件 {{number}}',
    gradeNow: '当前等级：{{grade}}，下次检查 {{due}}',
  },
  flags: { reused_photo: '照片重复使用', exif_time_far: '拍摄时间与提交时间相差过大', exif_gps_far: '拍摄地点远离点位', device_time_far: '手机时间不可信（按服务器时间计）', synced_late: '离线补传：拍摄后 {{minutes}} 分钟才送达', no_position: '检查未附定位', outside_site: '检查定位不在点位范围内（距点位约 {{metres}} 米，精度 ±{{accuracyM}} 米）', manual: '手动定位：{{reason}}' },
  board: {
    title: '巡查点位覆盖', date: '日期', to: '至', committee: '居委会', kind: '类型', sites: '点位', due: '应巡', covered: '已覆盖', missed: '漏巡', pending: '待巡',
    rate: '覆盖率', total: '合计', misses: '漏打卡', activity: '人员工作量', person: '人员', role: '角色', checkins: '打卡', offSite: '非现场', manual: '手动定位',
    binRooms: '箱房数', inspections: '检查', failed: '不合格', selfResolved: '自发自处', reportedCases: '主动上报', missedWindows: '漏打卡', window: '时段', site: '点位',
    flagged: '待复核打卡（照片存疑、手动定位）', when: '时间', flag: '疑点', none: '无',
  },
  checklists: {
    title: '检查表', version: '版本', items: '检查项', code: '编号', text: '内容（中文）', textEn: '内容（英文）', photoOnFail: '不合格需照片',
    newVersion: '发布新版本', addItem: '添加检查项', remove: '删除', publish: '发布', published: '已发布第 {{v}} 版；历史检查记录仍对应原版本。', name: '名称', nameEn: '英文名称',
  },
  campaigns: {
    title: '专项排查', name: '名称', kinds: '点位类型', dates: '起止日期', progress: '进度', inspected: '已检查', create: '新建专项排查', start: '开始', end: '结束',
    created: '已创建', empty: '暂无专项排查。',
  },
};
const en: typeof zh = {
  nav: { coverage: 'Coverage', checklists: 'Checklists', campaigns: 'Sweeps' },
  kinds: { bin_room: 'Bin room', institution: 'Unit', shop: 'Shop' },
  today: { title: "Today's route", hint: 'Sites still due today', empty: 'Nothing due today.', nothingNow: 'Nothing to do right now; later windows below.', later: 'Later today: {{count}} bin rooms (from {{from}})', later_one: 'Later today: {{count}} bin room (from {{from}})', checkin: 'Check in', inspect: 'Inspect', window: 'Window {{window}}', windowLater: 'Later window {{window}}', dueNow: '{{count}} due now', grade: { red: 'Red', yellow: 'Yellow', green: 'Green', new: 'Not inspected' } },
  checkin: {
    title: 'Bin-room check-in', gps: 'Position', accuracy: 'Accuracy ±{{m}} m', locating: 'Locating…', noGps: 'No position: scan the QR plate, confirm the position by hand, or turn on location.',
    photo: 'Photo', takePhoto: 'Take photo', uploading: 'Uploading…', uploaded: 'Photo uploaded', qr: 'QR plate', scanQr: 'Scan', qrManual: 'or type the plate code',
    qrUnsupported: 'This phone cannot scan codes; type the plate code.', qrNotFound: 'No QR code found in the picture.', submit: 'Check in', offSiteTitle: 'Outside the bin room',
    offSiteText: 'About {{distance}} m away (accuracy ±{{accuracy}} m, allowed {{radius}} m). Give a reason, or scan the QR plate.',
    poorAccuracy: 'Position too imprecise (±{{accuracy}} m, limit {{max}} m). Give a reason, or scan the QR plate.',
    reason: 'Reason', done: 'Checked in', doneOff: 'Recorded as off-site', folded: 'Already checked in this window; folded as repeat {{n}}', flags: 'Photo flagged: {{list}}',
    manual: {
      open: 'No position? Confirm it by hand', title: 'Manual position', hint: "Recorded at the bin room's registered position, with the reason you had none. It counts for coverage but is flagged for an operator to review.",
      confirm: 'I am at {{site}} now', reason: 'Why there is no position',
      reasons: { geolocation_denied: 'Location refused', weak_signal: 'Weak signal', indoor_no_fix: 'Indoors, no fix', other: 'Other' },
      note: 'Note (optional)', noteRequired: 'Say why (required)', done: 'Checked in by manual position: counts for coverage, flagged for review',
    },
  },
  inspect: {
    title: 'Inspection', version: 'Checklist version {{v}}', pass: 'Pass', fail: 'Fail', na: 'N/A', photoRequired: 'Photo required on fail',
    fixed: 'Fixed on the spot', reported: 'Report it', before: 'Problem photo', after: 'After photo', note: 'Note', submit: 'Submit inspection',
    done: 'Inspection recorded', result: 'Result: {{outcome}}, {{failed}} failed', outcome: { pass: 'pass', fail: 'fail' }, caseNo: 'Case {{number}}',
    gradeNow: 'Grade now {{grade}}, next inspection {{due}}',
  },
  flags: { reused_photo: 'Photo used before', exif_time_far: 'Photo time far from now', exif_gps_far: 'Photo taken far from the site', device_time_far: 'Phone clock not believable (server time used)', synced_late: 'Sent late from offline: arrived {{minutes}} min after capture', no_position: 'Inspection without a position', outside_site: 'Inspection position outside the site (about {{metres}} m away, accuracy ±{{accuracyM}} m)', manual: 'Manual position: {{reason}}' },
  board: {
    title: 'Coverage', date: 'Date', to: 'to', committee: 'Committee', kind: 'Kind', sites: 'Sites', due: 'Due', covered: 'Covered', missed: 'Missed', pending: 'Pending',
    rate: 'Coverage', total: 'Total', misses: 'Missed check-ins', activity: 'Staff activity', person: 'Person', role: 'Role', checkins: 'Check-ins', offSite: 'Off-site', manual: 'Manual position',
    binRooms: 'Bin rooms', inspections: 'Inspections', failed: 'Failed', selfResolved: 'Self-resolved', reportedCases: 'Reported', missedWindows: 'Missed', window: 'Window', site: 'Site',
    flagged: 'Check-ins to review (flagged photos, manual position)', when: 'When', flag: 'Flag', none: 'None',
  },
  checklists: {
    title: 'Checklists', version: 'Version', items: 'Items', code: 'Code', text: 'Text (Chinese)', textEn: 'Text (English)', photoOnFail: 'Photo on fail',
    newVersion: 'Publish a new version', addItem: 'Add item', remove: 'Remove', publish: 'Publish', published: 'Version {{v}} published; past inspections keep their version.', name: 'Name', nameEn: 'English name',
  },
  campaigns: {
    title: 'Sweep campaigns', name: 'Name', kinds: 'Site kinds', dates: 'Dates', progress: 'Progress', inspected: 'Inspected', create: 'New sweep', start: 'Start', end: 'End',
    created: 'Created', empty: 'No sweeps yet.',
  },
};

/** Both languages, for the parity test. */
export const PATROL_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { patrol: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { patrol: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
