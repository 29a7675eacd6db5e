/**
 * Field reasons of accounts in Chinese: src/domain/auth/password-policy.ts and change-password.ts,
 * the open cases that keep a person (staff/staff.ts) or a site (registry/sites.ts) from changing,
 * and a site already registered (registry/import-sites.ts).
 */
type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

export const ACCOUNT_REASONS_ZH: Pattern[] = [
  [/^at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^at least (\d+) different characters$/, (m) => `至少包含 ${m[1]} 个不同的字符`],
  [/^the published demo password; choose another$/, '这是公开的演示密码，请换一个'],
  [/^a common or leaked password; choose another$/, '这是常见或已泄露的密码，请换一个'],
  [/^must not contain the username$/, '不能包含用户名'],
  [/^is not your current password$/, '当前密码不正确'],
  [/^must differ from the current password$/, '新密码不能与当前密码相同'],
  [/^has open cases$/, '此人还有未办结的案件需要其处理或核查'],
  [/^the site has open cases$/, '该点位还有未办结的案件'],
  [/^the handling unit is retired$/, '该处置单位已撤销'],
  [/^these open cases cannot be handed to this unit$/, '这些未办结的案件不能改派给该单位（待核查、挂账中，或不属于该单位的辖区）'],
  [/^already registered: an active site of this committee has the same kind, name and address$/, '已登记：本居委会已有类型、名称和地址均相同的在用点位'],
];
