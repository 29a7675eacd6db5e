import i18n from 'i18next';

/**
 * Strings of accounts and the audit log: the forced password change, signing a person out
 * everywhere, the audit-log page. Merged into the one "translation" namespace under "account".
 */
const zh = {
  change: {
    title: '请设置您自己的密码',
    intro: '管理员为您设置了初始密码。继续使用前，请设置只有您知道的新密码（至少 12 个字符，不能是常见或已泄露的密码）。',
    current: '当前密码',
    next: '新密码',
    repeat: '再次输入新密码',
    mismatch: '两次输入的新密码不一致',
    submit: '保存新密码',
    submitting: '保存中…',
    signOut: '退出登录',
  },
  signOutAll: {
    button: '退出全部登录',
    confirm: '确定让此人在所有设备上退出登录吗？',
    done: '已退出 {{count}} 个登录会话',
  },
  audit: {
    nav: '审计日志', title: '审计日志', who: '操作人', action: '操作', entity: '对象类型', entityId: '对象编号', target: '对象',
    from: '开始日期', to: '结束日期', search: '查询', export: '导出（Excel 可打开的 CSV）', at: '时间', ip: '来源地址',
    before: '修改前', after: '修改后', empty: '没有符合条件的记录', more: '加载更多',
  },
  errors: {
    demo_password_refused: '这是公开的演示密码，正式环境中不能使用。请联系管理员为此账号设置新密码。',
    password_change_required: '请先设置您自己的密码。',
  },
};

const en: typeof zh = {
  change: {
    title: 'Choose your own password',
    intro: 'An administrator set your first password. Before you go on, choose a new one only you know (at least 12 characters, not a common or leaked password).',
    current: 'Current password',
    next: 'New password',
    repeat: 'New password again',
    mismatch: 'The two new passwords differ',
    submit: 'Save new password',
    submitting: 'Saving…',
    signOut: 'Sign out',
  },
  signOutAll: {
    button: 'Sign out everywhere',
    confirm: 'Sign this person out on every device?',
    done: '{{count}} session(s) ended',
  },
  audit: {
    nav: 'Audit log', title: 'Audit log', who: 'Who', action: 'Action', entity: 'Target type', entityId: 'Target id', target: 'Target',
    from: 'From', to: 'To', search: 'Search', export: 'Export (CSV for Excel)', at: 'When', ip: 'From address',
    before: 'Before', after: 'After', empty: 'Nothing matches', more: 'Load more',
  },
  errors: {
    demo_password_refused: 'This is the published demo password, refused in production. Ask an administrator to set a new password for this account.',
    password_change_required: 'Choose your own password first.',
  },
};

/** Both languages, for the parity test. */
export const ACCOUNT_STRINGS = { zh, en };

function register() {
  i18n.addResourceBundle('zh', 'translation', { account: zh }, true, true);
  i18n.addResourceBundle('en', 'translation', { account: en }, true, true);
}
if (i18n.isInitialized) register();
else i18n.on('initialized', register);
