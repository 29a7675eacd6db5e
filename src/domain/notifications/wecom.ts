/**
 * WeCom / 政务微信 group-robot messages (企业微信群机器人). The robot accepts
 * POST <webhook url> with a JSON body and answers {"errcode":0,"errmsg":"ok"} on success.
 * We send `text` messages so recipients can be @-mentioned by mobile number
 * (`mentioned_mobile_list`); text content is limited to 2048 bytes of UTF-8.
 */
export interface WecomTextMessage {
  msgtype: 'text';
  text: { content: string; mentioned_mobile_list?: string[] };
}

export const WECOM_TEXT_MAX_BYTES = 2048;

/** Cuts a string to at most maxBytes of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  const ellipsis = '…';
  let out = '';
  let used = Buffer.byteLength(ellipsis, 'utf8');
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (used + b > maxBytes) break;
    out += ch;
    used += b;
  }
  return out + ellipsis;
}

/** The product's name heading every robot message, in the robot's language. */
const HEADING = { zh: '【闭环】', en: '[CloseLoop] ' } as const;

export function wecomText(title: string, body: string, mobiles: string[], lang: keyof typeof HEADING = 'zh'): WecomTextMessage {
  const content = truncateUtf8(`${HEADING[lang]}${title}\n${body}`, WECOM_TEXT_MAX_BYTES);
  const list = [...new Set(mobiles.filter((m) => /^\+?\d{5,20}$/.test(m)))];
  return { msgtype: 'text', text: list.length ? { content, mentioned_mobile_list: list } : { content } };
}

/** The robot's answer: errcode 0 = delivered; anything else is a failure to retry. */
export function wecomOutcome(status: number, bodyText: string): { ok: true } | { ok: false; error: string } {
  if (status < 200 || status >= 300) return { ok: false, error: `HTTP ${status}: ${bodyText.slice(0, 200)}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { ok: false, error: `HTTP ${status}, body is not JSON: ${bodyText.slice(0, 200)}` };
  }
  const p = parsed as { errcode?: unknown; errmsg?: unknown };
  if (p.errcode === 0) return { ok: true };
  return { ok: false, error: `errcode ${String(p.errcode)}: ${String(p.errmsg ?? '')}`.slice(0, 300) };
}
