import i18n from 'i18next';

/** Field-app strings added with the inbox, the QR decoder and "report a problem here", under "fieldx". */
const zh = {
  inbox: {
    title: '消息',
    badge: '{{n}} 条未读',
    empty: '没有消息。',
    markRead: '标为已读',
    readAll: '全部已读',
    offline: '离线：显示的是上次联网时的消息。',
  },
  report: {
    here: '在这里上报问题',
    fromCheckin: '打卡时发现的问题：{{site}}',
    dupSkipped: '未能查询附近的同类案件（离线或网络不通），上报已照常保存。',
  },
  qr: {
    scanning: '正在识别二维码…',
  },
  /** Home tiles of pages whose own strings load with them (the enforcement pages are one role's). */
  tiles: { enforcement: '执法检查', enforcementHint: '今日复查、责令改正、告知、处罚' },
};
const en: typeof zh = {
  inbox: {
    title: 'Inbox',
    badge: '{{n}} unread',
    empty: 'No messages.',
    markRead: 'Mark read',
    readAll: 'Mark all read',
    offline: 'Offline: showing the messages from when you were last online.',
  },
  report: {
    here: 'Report a problem here',
    fromCheckin: 'Problem found at check-in: {{site}}',
    dupSkipped: 'Could not look for similar open cases nearby (offline or no network); the report is kept as usual.',
  },
  qr: {
    scanning: 'Reading the QR code…',
  },
  tiles: { enforcement: 'Enforcement', enforcementHint: 'Re-inspections, orders, notices, penalties' },
};

/** Both languages, for the parity test. */
export const FIELD_APP_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { fieldx: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { fieldx: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
