import i18n from 'i18next';

/** Strings for the outbox (待发送), offline mode and phone photos, under "outbox". */
const zh = {
  title: '待发送',
  tileHint: '离线记录、冲突与需处理',
  bar: '{{n}} 条待发送',
  barConflict: '{{n}} 条冲突',
  barAttention: '{{n}} 条需处理',
  offline: '离线：记录会保存在手机上，联网后自动按顺序发送。',
  empty: '没有待发送的记录。',
  pending: '待发送',
  conflicts: '冲突',
  attention: '需处理',
  sendNow: '立即发送',
  discard: '放弃这条',
  discardConfirm: '放弃这条记录？它和照片将从手机上删除，无法恢复。',
  retry: '重新发送',
  attempts: '已尝试 {{n}} 次',
  captured: '记录于 {{time}}',
  photos: '{{n}} 张照片',
  rule:
    '规则：记录按拍摄顺序发送，每条带固定的幂等键，重发不会重复。服务器状态已变化（例如案件已被他人结案）时，这条记录不会生效，也不会被悄悄丢弃：它进入“冲突”，并显示服务器当前状态，由您决定放弃或重新处理。数据有误时进入“需处理”。网络或服务器故障时保留在队列中自动重试。',
  serverState: '服务器当前状态：{{status}}',
  queued: '已保存在手机上，联网后自动发送。',
  photoKept: '照片已保存在手机上，联网后上传。',
  storageLow: '手机存储空间不足（已用 {{pct}}%，剩余约 {{free}} MB）：请尽快联网发送待发送记录。',
  outboxLarge: '待发送记录较多（{{n}} 条，约 {{mb}} MB）：手机空间可能不够，请尽快连上网络发送。',
  fixOffSite: '服务器判定不在箱房范围内：补充原因后重新发送。',
  offSiteReason: '不在现场的原因',
  offSiteDistance: '距箱房约 {{distance}} 米（定位精度 ±{{accuracy}} 米，允许范围 {{radius}} 米）。',
  sendWithReason: '补充原因并重新发送',
  status: { reported: '待立案', filed: '待派遣', dispatched: '处置中', handled: '待核查', closed: '已结案', cancelled: '已注销', on_hold: '挂账', merged: '已合并' },
  owner: {
    readOnly: '当前未登录或无法连接服务器：以下是 {{name}} 保存在本手机上的记录，仅供查看。{{name}} 本人登录后才会发送，也才能修改或放弃。',
    others: '本手机上还有 {{n}} 条其他人保存的记录，仅其本人登录后可以查看和发送。',
    waiting: '本手机上有 {{n}} 条 {{name}} 保存的记录尚未发送，不会丢失。',
    signInToSend: '{{name}} 本人登录后会自动发送；其他人登录既看不到也不会发送这些记录。',
    view: '查看待发送记录（只读）',
    unreachableTitle: '无法连接服务器',
    unreachable: '暂时无法确认登录状态（没有网络或服务器无响应）。这不是退出登录：手机上保存的记录不会丢失，恢复连接后会自动核对身份并发送。',
    checkAgain: '重新连接',
    signIn: '登录',
  },
};
const en: typeof zh = {
  title: 'Waiting to send',
  tileHint: 'Offline records, conflicts, needs attention',
  bar: '{{n}} waiting to send',
  barConflict: '{{n}} conflicts',
  barAttention: '{{n}} need attention',
  offline: 'Offline: records are kept on the phone and sent in order when the connection returns.',
  empty: 'Nothing waiting to send.',
  pending: 'Waiting to send',
  conflicts: 'Conflicts',
  attention: 'Needs attention',
  sendNow: 'Send now',
  discard: 'Discard',
  discardConfirm: 'Discard this record? It and its photos will be deleted from the phone and cannot be recovered.',
  retry: 'Send again',
  attempts: '{{n}} attempts',
  captured: 'Recorded {{time}}',
  photos: '{{n}} photos',
  rule:
    'Rule: records are sent in the order taken, each with a fixed idempotency key, so a resend never doubles. When the server has moved on (e.g. the case was closed by someone else), the record is not applied and not silently dropped: it goes to "Conflicts" with the server\'s current state and you decide to discard or redo it. Invalid data goes to "Needs attention". Network or server failures stay queued and are retried automatically.',
  serverState: 'Server state now: {{status}}',
  queued: 'Saved on the phone; it will be sent when the connection returns.',
  photoKept: 'Photo kept on the phone; uploaded when online.',
  storageLow: 'Phone storage is low ({{pct}}% used, about {{free}} MB left): connect soon to send waiting records.',
  outboxLarge: 'A lot is waiting to send ({{n}} records, about {{mb}} MB): the phone may run out of space; connect soon.',
  fixOffSite: 'The server found this check-in outside the bin room: add a reason and send it again.',
  offSiteReason: 'Reason for being off site',
  offSiteDistance: 'About {{distance}} m away (accuracy ±{{accuracy}} m, allowed {{radius}} m).',
  sendWithReason: 'Add reason and send again',
  status: { reported: 'Reported', filed: 'Filed', dispatched: 'Being handled', handled: 'Awaiting check', closed: 'Closed', cancelled: 'Cancelled', on_hold: 'On hold', merged: 'Merged' },
  owner: {
    readOnly: 'Not signed in, or the server cannot be reached: these are the records {{name}} saved on this phone, shown read-only. They are sent, changed or discarded only once {{name}} signs in.',
    others: '{{n}} more records saved by someone else wait on this phone; only that person can see and send them, once signed in.',
    waiting: '{{n}} records saved by {{name}} on this phone have not been sent yet. They are not lost.',
    signInToSend: 'They are sent automatically when {{name}} signs in; anyone else signing in neither sees nor sends them.',
    view: 'View waiting records (read-only)',
    unreachableTitle: 'Cannot reach the server',
    unreachable: 'Your sign-in cannot be checked right now (no network, or the server does not answer). You are not signed out: records saved on this phone are not lost, and are sent once the connection returns and your sign-in is confirmed.',
    checkAgain: 'Try again',
    signIn: 'Sign in',
  },
};

/** Both languages, for the parity test. */
export const OUTBOX_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { outbox: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { outbox: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
