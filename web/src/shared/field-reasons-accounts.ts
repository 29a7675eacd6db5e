/** Field reasons of accounts in Chinese: src/domain/auth/password-policy.ts and change-password.ts. */
type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

export const ACCOUNT_REASONS_ZH: Pattern[] = [
  [/^at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^at least (\d+) different characters$/, (m) => `至少包含 ${m[1]} 个不同的字符`],
  [/^the published demo password; choose another$/, '这是公开的演示密码，请换一个'],
  [/^a common or leaked password; choose another$/, '这是常见或已泄露的密码，请换一个'],
  [/^must not contain the username$/, '不能包含用户名'],
  [/^is not your current password$/, '当前密码不正确'],
  [/^must differ from the current password$/, '新密码不能与当前密码相同'],
];
