import { NOTICE_LANGUAGES, type NoticeLanguage } from '../../db/schema.js';
import { SHANGHAI_OFFSET_MS } from '../calendar/office-hours.js';

/**
 * Notices language-neutrally: a message key and its parameters are stored, and the words are made
 * when the notice is read, in the reader's language — the inbox in the language the app is set to,
 * a WeCom robot in its group's. The Chinese is also stored as the row's title and body, for rows
 * from before keys and for any reader that does not know a key.
 *
 * Parameters are plain values, or lists of them (names; reports, each a record of plain values).
 * Those named …At are instants (ISO strings), shown as Shanghai time; `stage` is a stage code (file,
 * dispatch, handle, check). Free text (a description, a reason, a site's name) is shown as written.
 */
type NoticeScalar = string | number | null;
export type NoticeParamValue = NoticeScalar | NoticeScalar[] | Record<string, NoticeScalar>[];
type ParamIn = NoticeParamValue | undefined;
export type NoticeParams = Record<string, NoticeParamValue>;
export interface NoticeMessage {
  key: NoticeKey;
  params: NoticeParams;
}
export interface NoticeText {
  title: string;
  body: string;
}
export { NOTICE_LANGUAGES, type NoticeLanguage };

// Building an Intl formatter is expensive; one shared instance serves every notice.
const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
type TimeParts = Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
/**
 * Shanghai has kept UTC+8 without daylight saving since 1991 (office-hours.ts): from 1992 to the
 * year 9999 its wall clock is read off the UTC text of the instant 8 h on, as the formatter would
 * give it; formatting through Intl took about 1 % of the server's CPU on the case loop (a dispatch
 * notice names its due time). Earlier instants (daylight saving 1986–1991) go through Intl.
 */
const FIXED_OFFSET = { from: Date.UTC(1992, 0, 1), until: Date.UTC(10000, 0, 1) - SHANGHAI_OFFSET_MS };
const parts = (iso: string): TimeParts => {
  const t = new Date(iso).getTime();
  if (t >= FIXED_OFFSET.from && t < FIXED_OFFSET.until) {
    const s = new Date(t + SHANGHAI_OFFSET_MS).toISOString();
    return { year: s.slice(0, 4), month: s.slice(5, 7), day: s.slice(8, 10), hour: s.slice(11, 13), minute: s.slice(14, 16) };
  }
  return Object.fromEntries(SHANGHAI.formatToParts(new Date(iso)).map((x) => [x.type, x.value])) as TimeParts;
};
/** 2026/05/26 18:30 (as the case notices always read). */
const zhTime = (iso: ParamIn) => {
  const p = parts(String(iso));
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}`;
};
/** 2026年5月26日18时30分 (as enforcement documents read). */
const zhLongTime = (iso: ParamIn) => {
  const p = parts(String(iso));
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日${p.hour}时${p.minute}分`;
};
/** 2026-05-26 18:30 (Shanghai time). */
const enTime = (iso: ParamIn) => {
  const p = parts(String(iso));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
};

const STAGE = {
  zh: { file: '立案', dispatch: '派遣', handle: '处置', check: '核查' },
  en: { file: 'filing', dispatch: 'dispatch', handle: 'handling', check: 'check' },
} as const;
const stage = (lang: NoticeLanguage, s: ParamIn) => STAGE[lang][String(s) as keyof (typeof STAGE)['zh']] ?? String(s ?? '');
const text = (v: ParamIn) => (v === null || v === undefined ? '' : String(v));
/** A list parameter's items (a stored row that holds something else reads as an empty list). */
const list = (v: ParamIn): NoticeScalar[] => (Array.isArray(v) ? v.filter((x): x is NoticeScalar => x === null || typeof x !== 'object') : []);
const records = (v: ParamIn): Record<string, NoticeScalar>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, NoticeScalar> => !!x && typeof x === 'object' && !Array.isArray(x)) : [];
/** The English name when there is one, else the Chinese. */
const enName = (en: ParamIn, zh: ParamIn) => text(en) || text(zh);

/** The new-reports round's lines: one per report named (its number, category, start of its description), then how many more. */
const reportLines = (lang: NoticeLanguage, p: NoticeParams) => {
  const named = records(p.reports);
  const lines = named.map((r) => (lang === 'zh' ? `${text(r.number)} ${text(r.categoryZh)}：${text(r.description)}` : `${text(r.number)} ${enName(r.categoryEn, r.categoryZh)}: ${text(r.description)}`));
  const more = Number(p.count) - named.length;
  if (more > 0) lines.push(lang === 'zh' ? `另有 ${more} 件` : `and ${more} more`);
  return lines.join('\n');
};

/** Where an intake case came from, as the desk reads it. */
const VIA = {
  zh: (p: NoticeParams) => (p.channel === 'web' ? '市民随手拍' : p.channel === 'hotline' ? '12345 热线' : `Open311（${text(p.source)}）`),
  en: (p: NoticeParams) => (p.channel === 'web' ? 'Citizen report' : p.channel === 'hotline' ? '12345 hotline' : `Open311 (${text(p.source)})`),
};

type Render = (p: NoticeParams) => NoticeText;
const CATALOGUE = {
  /** A case dispatched (or re-dispatched, or released from hold) to its assignee. {number, description, dueAt?} */
  case_dispatched: {
    zh: (p) => ({ title: `新派单 ${text(p.number)}`, body: `${text(p.description)}${p.dueAt ? `，处置时限 ${zhTime(p.dueAt)}` : ''}` }),
    en: (p) => ({ title: `New case ${text(p.number)}`, body: `${text(p.description)}${p.dueAt ? `; handle by ${enTime(p.dueAt)}` : ''}` }),
  },
  /** A check failed: back to the assignee. {number, reason, dueAt?} */
  case_rework: {
    zh: (p) => ({ title: `案件返工 ${text(p.number)}`, body: `核查不通过：${text(p.reason)}${p.dueAt ? `，处置时限 ${zhTime(p.dueAt)}` : ''}` }),
    en: (p) => ({ title: `Rework ${text(p.number)}`, body: `Check failed: ${text(p.reason)}${p.dueAt ? `; handle by ${enTime(p.dueAt)}` : ''}` }),
  },
  /** {number, reason} */
  hold_requested: {
    zh: (p) => ({ title: `挂账申请 ${text(p.number)}`, body: text(p.reason) }),
    en: (p) => ({ title: `Hold requested ${text(p.number)}`, body: text(p.reason) }),
  },
  /** {number, reason, requestedDueAt?} */
  extension_requested: {
    zh: (p) => ({ title: `延期申请 ${text(p.number)}`, body: `${text(p.reason)}（申请至 ${p.requestedDueAt ? zhTime(p.requestedDueAt) : ''}）` }),
    en: (p) => ({ title: `Extension requested ${text(p.number)}`, body: `${text(p.reason)} (until ${p.requestedDueAt ? enTime(p.requestedDueAt) : ''})` }),
  },
  /** A hold or extension request answered. {number, approved: 1 | 0, reason} */
  case_request_answered: {
    zh: (p) => ({ title: `${p.approved ? '申请已同意' : '申请未同意'} ${text(p.number)}`, body: text(p.reason) }),
    en: (p) => ({ title: `Request ${p.approved ? 'approved' : 'refused'} ${text(p.number)}`, body: text(p.reason) }),
  },
  /** {number, description} */
  case_handled: {
    zh: (p) => ({ title: `待核查 ${text(p.number)}`, body: text(p.description) }),
    en: (p) => ({ title: `To check ${text(p.number)}`, body: text(p.description) }),
  },
  /** The deadline sweep's reminder. {number, stage, dueAt} */
  case_due_soon: {
    zh: (p) => ({ title: `即将超期 ${text(p.number)}`, body: `${stage('zh', p.stage)}时限 ${zhTime(p.dueAt)}` }),
    en: (p) => ({ title: `Due soon ${text(p.number)}`, body: `${stage('en', p.stage)} due ${enTime(p.dueAt)}` }),
  },
  /** The deadline sweep's escalation to the desk. {number, stage, dueAt} */
  case_overdue: {
    zh: (p) => ({ title: `案件超期 ${text(p.number)}`, body: `${stage('zh', p.stage)}超期，时限 ${zhTime(p.dueAt)}` }),
    en: (p) => ({ title: `Overdue ${text(p.number)}`, body: `${stage('en', p.stage)} overdue, was due ${enTime(p.dueAt)}` }),
  },
  /** The deadline sweep's "overdue, please act" to the assignee. {number, dueAt} */
  case_overdue_assignee: {
    zh: (p) => ({ title: `案件已超期 ${text(p.number)}`, body: `处置时限 ${zhTime(p.dueAt)}，请尽快处置` }),
    en: (p) => ({ title: `Case overdue ${text(p.number)}`, body: `Was due ${enTime(p.dueAt)}; please handle it as soon as possible` }),
  },
  /** An urgent report awaiting filing. {number, categoryZh, categoryEn, description} */
  case_urgent: {
    zh: (p) => ({ title: `紧急案件待立案 ${text(p.number)}`, body: `${text(p.categoryZh)}：${text(p.description)}` }),
    en: (p) => ({ title: `Urgent case to file ${text(p.number)}`, body: `${text(p.categoryEn || p.categoryZh)}: ${text(p.description)}` }),
  },
  /** An intake report near open cases. {channel: web | hotline | open311, source, number, duplicates, categoryZh, categoryEn, description} */
  case_possible_duplicate: {
    zh: (p) => ({ title: `${VIA.zh(p)}来件 ${text(p.number)} 可能与 ${text(p.duplicates).split(',').join('、')} 重复`, body: `${text(p.categoryZh)}：${text(p.description)}` }),
    en: (p) => ({ title: `${VIA.en(p)} report ${text(p.number)} may duplicate ${text(p.duplicates).split(',').join(', ')}`, body: `${text(p.categoryEn || p.categoryZh)}: ${text(p.description)}` }),
  },
  /** An enforcement re-inspection dispatched. {place (site name, else null), number, deadlineAt, dueAt} */
  enforcement_reinspection: {
    zh: (p) => ({ title: `复查派单：${text(p.place ?? p.number)}`, body: `整改期限${zhLongTime(p.deadlineAt)}已到，请于${zhLongTime(p.dueAt)}前复查（案件${text(p.number)}）。` }),
    en: (p) => ({ title: `Re-inspection: ${text(p.place ?? p.number)}`, body: `The period to comply ended ${enTime(p.deadlineAt)}; re-inspect by ${enTime(p.dueAt)} (case ${text(p.number)}).` }),
  },
  /** {number, amount, paymentDueAt} */
  enforcement_fine_overdue: {
    zh: (p) => ({ title: `罚款逾期未缴：${text(p.number)}`, body: `罚款${text(p.amount)}元已过缴纳期限（${zhLongTime(p.paymentDueAt)}）。` }),
    en: (p) => ({ title: `Fine unpaid: ${text(p.number)}`, body: `The fine of ¥${text(p.amount)} is past its payment deadline (${enTime(p.paymentDueAt)}).` }),
  },
  /**
   * A penalty decision the party was absent for, still unserved on the last day of its seven-day
   * service limit (行政处罚法 art. 61). {number (the case's), document (the decision's number), party, issuedAt, dueAt}
   */
  enforcement_service_due_soon: {
    zh: (p) => ({
      title: `处罚决定书今日须送达：${text(p.document ?? p.number)}`,
      body: `${text(p.party)}的行政处罚决定书（${text(p.document)}）当事人不在场，尚未送达；送达期限（七日）于${zhLongTime(p.dueAt)}届满，请及时邮寄、电子或公告送达并登记（案件${text(p.number)}）。`,
    }),
    en: (p) => ({
      title: `Penalty decision to serve today: ${text(p.document ?? p.number)}`,
      body: `The penalty decision ${text(p.document)} for ${text(p.party)} (the party was absent) is not served yet; its seven days to serve end ${enTime(p.dueAt)}. Serve it by post, electronically or by public notice and record the service (case ${text(p.number)}).`,
    }),
  },
  /** The same decision past its service limit, still unserved. {number, document, party, issuedAt, dueAt} */
  enforcement_service_overdue: {
    zh: (p) => ({
      title: `处罚决定书逾期未送达：${text(p.document ?? p.number)}`,
      body: `${text(p.party)}的行政处罚决定书（${text(p.document)}）应于${zhLongTime(p.dueAt)}前送达（行政处罚法第六十一条：七日内送达），至今未登记送达，请尽快送达并登记（案件${text(p.number)}）。`,
    }),
    en: (p) => ({
      title: `Penalty decision not served in time: ${text(p.document ?? p.number)}`,
      body: `The penalty decision ${text(p.document)} for ${text(p.party)} was due to be served by ${enTime(p.dueAt)} (Administrative Penalty Law art. 61: within seven days) and no service is recorded; serve it and record the service as soon as possible (case ${text(p.number)}).`,
    }),
  },
  /**
   * The new-reports round: reports waiting to be filed. {count, number (the report's when count is 1,
   * else null), reports: [{number, categoryZh, categoryEn, description}] (the first few)}
   */
  cases_reported: {
    zh: (p) => ({ title: Number(p.count) === 1 ? `新上报待立案 ${text(p.number)}` : `新上报 ${text(p.count)} 件待立案`, body: reportLines('zh', p) }),
    en: (p) => ({ title: Number(p.count) === 1 ? `New report to file ${text(p.number)}` : `${text(p.count)} new reports to file`, body: reportLines('en', p) }),
  },
  /** A resident contested the fix of a closed case through the tracking link; the case is reopened. {number, reason} */
  case_contested: {
    zh: (p) => ({ title: `市民对案件 ${text(p.number)} 的整改结果提出异议，已重新打开`, body: text(p.reason) }),
    en: (p) => ({ title: `A resident contested the fix of case ${text(p.number)}; the case is reopened`, body: text(p.reason) }),
  },
  /** A bad 好差评 rating opened a case. {number, categoryZh, categoryEn, level (stars), point, itemZh, itemEn, record (the service record's number), comment} */
  service_bad_rating: {
    zh: (p) => ({
      title: `${text(p.categoryZh)} ${text(p.number)}`,
      body: `差评（${text(p.level)}星）：${text(p.point)}·${text(p.itemZh)}·办件${text(p.record)}${p.comment ? `。评价内容：${text(p.comment)}` : ''}`,
    }),
    en: (p) => ({
      title: `${enName(p.categoryEn, p.categoryZh)} ${text(p.number)}`,
      body: `Bad rating (${text(p.level)} of 5 stars): ${text(p.point)} · ${enName(p.itemEn, p.itemZh)} · service record ${text(p.record)}${p.comment ? `. Comment: ${text(p.comment)}` : ''}`,
    }),
  },
  /**
   * A self-service terminal went silent or reported a fault, and a case was opened.
   * {number, categoryZh, categoryEn, terminal (its name), code, silentMinutes (silence) | faultCode and faultText (a reported fault)}
   */
  service_terminal_fault: {
    zh: (p) => ({
      title: `${text(p.categoryZh)} ${text(p.number)}`,
      body: `自助终端故障：${text(p.terminal)}（${text(p.code)}）${p.silentMinutes !== null && p.silentMinutes !== undefined ? `已 ${text(p.silentMinutes)} 分钟未收到心跳` : `终端报告故障 ${text(p.faultCode)}：${text(p.faultText)}`}`,
    }),
    en: (p) => ({
      title: `${enName(p.categoryEn, p.categoryZh)} ${text(p.number)}`,
      body: `Self-service terminal ${text(p.terminal)} (${text(p.code)}): ${p.silentMinutes !== null && p.silentMinutes !== undefined ? `no heartbeat for ${text(p.silentMinutes)} minutes` : `reported fault ${text(p.faultCode)}: ${text(p.faultText)}`}`,
    }),
  },
  /**
   * Last in the 好差评 ranking two months running: a talk (约谈) is due. The title starts with the
   * month ('YYYY-MM …') in every language: the inbox links it to that month's ranking.
   * {month, previousMonth, points: [names], staff: [names]}
   */
  rating_talk: {
    zh: (p) => {
      const lines = [list(p.points).length ? `服务点：${list(p.points).map(text).join('、')}` : '', list(p.staff).length ? `工作人员：${list(p.staff).map(text).join('、')}` : ''].filter(Boolean);
      return { title: `${text(p.month)} 好差评排名：连续两个月末位`, body: `${lines.join('；')}。${text(p.previousMonth)} 和 ${text(p.month)} 好差评排名均为末位，应当约谈。` };
    },
    en: (p) => {
      const lines = [list(p.points).length ? `Service points: ${list(p.points).map(text).join(', ')}` : '', list(p.staff).length ? `Staff: ${list(p.staff).map(text).join(', ')}` : ''].filter(Boolean);
      return {
        title: `${text(p.month)} service ratings: last two months running`,
        body: `${lines.join('; ')}. Last in the service-rating ranking in both ${text(p.previousMonth)} and ${text(p.month)}: a formal talk is due.`,
      };
    },
  },
  // ── 一网通办 service records (办件) overdue: begin ──
  /** A service record past its promised due time, to its clerk and the point's leaders. {number, itemZh, itemEn, point, dueAt} */
  service_record_overdue: {
    zh: (p) => ({ title: `办件超期 ${text(p.number)}`, body: `${text(p.point)}受理的「${text(p.itemZh)}」已超过承诺办结时限（${zhTime(p.dueAt)}），请尽快办结。` }),
    en: (p) => ({ title: `Service record overdue ${text(p.number)}`, body: `"${text(p.itemEn || p.itemZh)}" taken at ${text(p.point)} is past its promised time limit (${enTime(p.dueAt)}); please finish it as soon as possible.` }),
  },
  // ── 一网通办 service records (办件) overdue: end ──
} satisfies Record<string, Record<NoticeLanguage, Render>>;

export type NoticeKey = keyof typeof CATALOGUE;
export const NOTICE_KEYS = Object.keys(CATALOGUE) as NoticeKey[];

export const isNoticeLanguage = (v: unknown): v is NoticeLanguage => typeof v === 'string' && (NOTICE_LANGUAGES as readonly string[]).includes(v);

/** The notice in `lang`. */
export function renderNotice(m: NoticeMessage, lang: NoticeLanguage): NoticeText {
  return CATALOGUE[m.key][lang](m.params);
}

/**
 * A stored notice in `lang`: from its key and parameters when it has them (and the key is known),
 * else its stored (Chinese) title and body.
 */
export function renderStored(row: { title: string; body: string; message_key: string | null; params: string | null }, lang: NoticeLanguage): NoticeText {
  if (row.message_key && row.message_key in CATALOGUE) {
    try {
      const params = JSON.parse(row.params ?? '{}') as unknown;
      if (params && typeof params === 'object' && !Array.isArray(params)) return renderNotice({ key: row.message_key as NoticeKey, params: params as NoticeParams }, lang);
    } catch {
      // Parameters that do not parse (a hand-edited row): the stored words stand.
    }
  }
  return { title: row.title, body: row.body };
}

/**
 * The reader's language from an Accept-Language header: English when English comes before
 * Chinese (or Chinese is not listed), else Chinese, the default.
 */
export function languageFromHeader(header: string | undefined): NoticeLanguage {
  if (!header) return 'zh';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...attrs] = part.trim().toLowerCase().split(';');
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh';
}
