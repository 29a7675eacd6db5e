/**
 * The server's field reasons in Chinese. The API names the field and gives its reason in English
 * (`details.fields[]`); zod's checks also carry a rule id (required, too_small, …) that the i18n
 * bundle translates. The domain's own reasons are matched here, pattern by pattern, with their
 * figures kept; test/web/field-reasons.test.ts checks that every reason written in src/domain
 * has a Chinese sentence, so a new rule cannot reach a Chinese screen in English.
 */
import { SERVICE_REASONS_ZH } from './field-reasons-services.js';
import { QUEUE_REASONS_ZH } from './field-reasons-queue.js';
import { ACCOUNT_REASONS_ZH } from './field-reasons-accounts.js';
import { PUBLIC_REPORT_REASONS_ZH } from './field-reasons-public.js';
import { UNIT_REASONS_ZH } from './field-reasons-units.js';
import { DELIVERY_REASONS_ZH } from './field-reasons-delivery.js';

type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

const KINDS: Record<string, string> = { bin_room: '箱房', institution: '社区单位', shop: '沿街商铺' };
const kind = (k: string) => k.split(/,\s*/).map((x) => KINDS[x] ?? x).join('、');
const STATUS: Record<string, string> = {
  reported: '待立案', filed: '待派遣', dispatched: '处置中', handled: '待核查', closed: '已结案', cancelled: '已注销', on_hold: '挂账中', merged: '已合并',
  pending: '待发送', sending: '发送中', sent: '已送达', skipped: '未配置地址',
};
const status = (s: string) => STATUS[s] ?? s;

export const REASONS_ZH: Pattern[] = [
  ...PUBLIC_REPORT_REASONS_ZH,
  ...SERVICE_REASONS_ZH,
  ...QUEUE_REASONS_ZH,
  ...ACCOUNT_REASONS_ZH,
  ...UNIT_REASONS_ZH,
  ...DELIVERY_REASONS_ZH,
  // A year's holiday schedule (calendar import): "line N: …"
  [/^line (\d+): expected "YYYY-MM-DD\[\.\.YYYY-MM-DD\] 休\|班 \[note\]"$/, (m) => `第 ${m[1]} 行：格式应为“日期[..日期] 休|班 [说明]”，日期写作 YYYY-MM-DD`],
  [/^line (\d+): kind must be 休 \(holiday\) or 班 \(workday\)$/, (m) => `第 ${m[1]} 行：类型只能是“休”或“班”`],
  [/^line (\d+): (\S+) is not a real date$/, (m) => `第 ${m[1]} 行：${m[2]} 不是有效日期`],
  [/^line (\d+): (\S+) is outside the (\d+) schedule \((\S+) to (\S+)\)$/, (m) => `第 ${m[1]} 行：${m[2]} 不在 ${m[3]} 年安排的范围内（${m[4]} 至 ${m[5]}）`],
  [/^line (\d+): the range ends before it starts$/, (m) => `第 ${m[1]} 行：结束日期早于开始日期`],
  [/^line (\d+): the note is longer than (\d+) characters$/, (m) => `第 ${m[1]} 行：说明超过 ${m[2]} 个字`],
  [/^line (\d+): (\S+) is listed as both a holiday and a workday$/, (m) => `第 ${m[1]} 行：${m[2]} 同时被列为休息日和工作日`],
  [/^the schedule lists no day$/, '安排中没有任何日期'],
  [/^the schedule is longer than (\d+) bytes$/, (m) => `安排内容超过 ${m[1]} 字节`],
  [/^does not match this bin room's plate$/, '与该箱房的二维码不符'],
  [/^must be 'working' or 'calendar'$/, '只能是工作时间或自然时间'],
  [/^a case cannot be merged into itself$/, '不能合并到案件自身'],
  [/^a class has no parent$/, '大类没有上级'],
  [/^a fix on the spot needs a before photo$/, '当场整改需要整改前照片'],
  [/^a fix on the spot needs an after photo$/, '当场整改需要整改后照片'],
  [/^a person slice cannot be combined with grid, category, source or unit$/, '按人员统计时不能再按网格、类别、来源或单位筛选'],
  [/^a photo is required when this item fails$/, '此项不合格时必须拍照'],
  [/^a photo showing the problem persists$/, '请拍照说明问题仍然存在'],
  [/^a photo showing the rectification$/, '请拍照说明已整改的情况'],
  [/^already cited \(this photo or the same picture\) by a step of another enforcement case; a re-inspection needs a photo taken on that visit$/, '该照片（或同一画面）已被另一执法案件的记录引用，复查须使用本次现场拍摄的照片'],
  [/^its camera time \(EXIF (.+)\) is before the rectification deadline; not rectified is proved by a photo taken after it$/, (m) => `照片拍摄时间（${fmtInstant(m[1]!)}）早于整改期限，“未整改”须以期限届满后拍摄的照片证明`],
  [/^an enforcement ladder is already open on this legal basis: (.+)$/, (m) => `该当事人依同一法律依据已有未结的执法案件（${m[1]}），请在该案件中继续办理`],
  [/^the case the inspection reported is (\w+)$/, (m) => `该检查上报的案件当前状态为「${status(m[1]!)}」，不能再立执法案件`],
  [/^give the suggested deadline shown together with suggestedDeadlineFrom$/, '请同时提交所显示的建议期限及其计算时间'],
  [/^give when the suggested deadline shown was computed$/, '请提交所显示建议期限的计算时间'],
  [/^a self-resolved case needs a before photo$/, '自发自处案件需要整改前照片'],
  [/^a self-resolved case needs an after photo$/, '自发自处案件需要整改后照片'],
  [/^a verification code looks like XXXX-XXXX-XXXX-XXXX$/, '核验码格式为 XXXX-XXXX-XXXX-XXXX'],
  [/^answered twice$/, '重复作答'],
  [/^at least one photo of the situation found$/, '请至少拍一张现场照片'],
  [/^check-ins are for bin rooms/, '只有箱房可以打卡'],
  [/^choose a subdistrict for the map$/, '请选择街道以显示地图'],
  [/^choose a working standard, not a class or sub-class$/, '请选择具体的立案标准，而不是大类或小类'],
  [/^choose fixed \(on the spot\) or reported$/, '请选择“当场整改”或“上报”'],
  [/^choose the problem category for this item$/, '请为此项选择问题类别'],
  [/^cite the legal basis$/, '请选择法律依据'],
  [/^documents are issued by two enforcement officers/, '执法文书须由两名执法队员出具，请选择第二名执法队员'],
  [/^expected a real calendar date YYYY-MM-DD$/, '请填写有效日期（年-月-日）'],
  [/^expected a day from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$/, (m) => `日期须在 ${m[1]} 至 ${m[2]} 之间`],
  [/^give a handling unit or a named person$/, '请选择处置单位或处置人员'],
  [/^give exactly one of inspectionId, caseId or siteId$/, '请从检查记录、案件或点位中选择一项'],
  [/^grid belongs to another committee$/, '该网格属于其他居委会'],
  [/^handling-unit staff need a unit$/, '处置单位人员必须选择所属单位'],
  [/^hourly lines are kept per subdistrict and committee only$/, '分时数据只按街道和居委会统计'],
  [/^must be after the issue time$/, '必须晚于开具时间'],
  [/^must be at least fineMin$/, '不能低于罚款下限'],
  [/^must be at least min$/, '不能低于下限'],
  [/^must be http\(s\)$/, '必须以 http:// 或 https:// 开头'],
  [/^must be in the future$/, '必须是将来的时间'],
  [/^must be later than the current due time$/, '必须晚于当前期限'],
  [/^must lie within the band$/, '必须在裁量幅度之内'],
  [/^must not be before from$/, '结束日期不能早于开始日期'],
  [/^must not be in the future$/, '不能是将来的时间'],
  [/^no such photo, or not uploaded by you$/, '照片不存在或不是您上传的'],
  [/^no working time found within ten years$/, '十年内找不到工作时间，请检查工作日历'],
  [/^not a URL$/, '不是有效的网址'],
  [/^not a committee of this subdistrict$/, '不是本街道的居委会'],
  [/^not a valid time$/, '时间格式不正确'],
  [/^not an \.xlsx workbook: it has no sheets$/, '不是有效的 Excel 文件：没有工作表'],
  [/^not a readable \.xlsx workbook/, '无法读取该 Excel 文件'],
  [/^not an active enforcement officer of this subdistrict$/, '不是本街道在岗的执法队员'],
  [/^not an item of this checklist version$/, '不是该版本检查表中的项目'],
  [/^only bin rooms have disposal hours$/, '只有箱房有投放时段'],
  [/^each window must start before it ends$/, '每个时段的开始时间须早于结束时间'],
  [/^windows must not overlap: each starts at or after the end of the one before$/, '投放时段不能重叠或重复：每个时段须在上一个时段结束后（或结束时）开始'],
  [/^only failed items are resolved$/, '只有不合格项需要处理'],
  [/^only items fixed on the spot carry after photos$/, '只有当场整改的项目需要整改后照片'],
  [/^only self-resolved cases carry after photos$/, '只有自发自处案件附整改后照片'],
  [/^only without a GPS position or QR plate: send one proof$/, '已有定位或二维码时无需手动位置，只需一种证明'],
  [/^outside China$/, '位置不在中国境内'],
  [/^outside your scope$/, '超出您的管辖范围'],
  [/^committee outside your scope$/, '该居委会超出您的管辖范围'],
  [/^photo listed twice$/, '同一张照片重复'],
  [/^the same picture as a before photo$/, '整改后照片不能与整改前照片相同'],
  [/^already cited by an earlier step of this case; a re-inspection needs a photo taken on that visit$/, '该照片已被本案此前的步骤引用，复查须使用本次现场拍摄的照片'],
  [/^taken before the rectification deadline; not rectified is proved by a photo taken after it$/, '该照片在整改期限届满前已上传，认定未整改须使用期限届满后拍摄的照片'],
  [/^must differ from the pattern of another kind of document$/, '不同文书的编号格式不能相同（编号会重复）'],
  [/^rectified or not_rectified$/, '请选择“已整改”或“未整改”'],
  [/^required \(e\.g\. the payment receipt number\)$/, '必填（例如缴款收据编号）'],
  [/^required for a custom window$/, '自定义时段时必填'],
  [/^required unless the QR plate code or a manual position is given$/, '必填（除非扫描了二维码或手动确认位置）'],
  [/^required when no siteId is given$/, '未选择点位时必填'],
  [/^required when opening at a site$/, '在点位立案时必填'],
  [/^required: the rectification deadline$/, '必填：整改期限'],
  [/^required: where the step took place$/, '必填：执法地点的定位'],
  [/^required outside the geofence$/, '不在打卡范围内时必须说明原因'],
  [/^the after period must start after the before period ends$/, '对比的后一时段必须在前一时段结束之后'],
  [/^the case is already dispatched there$/, '案件已派遣给该单位'],
  [/^the category breakdown is not kept per person$/, '按人员统计时没有问题类别明细'],
  [/^the inspection passed/, '该次检查合格，无需执法'],
  [/^the inspection reported no open problem/, '该次检查没有待处理的问题（均已当场整改）'],
  [/^the requested due time has already passed/, '申请的期限已过，请重新选择'],
  [/^the second officer must be someone else$/, '第二名执法队员不能是本人'],
  [/^the site has no responsible party/, '该点位没有登记管理责任人，请填写当事人'],
  [/^this person belongs to another handling unit$/, '此人属于其他处置单位'],
  [/^this person cannot see cases of this committee$/, '此人的管辖范围不含该案件所在居委会，派遣后无法查看'],
  [/^unknown case$/, '案件不存在'],
  [/^unknown category$/, '问题类别不存在'],
  [/^only the system opens cases of this category$/, '该类别的案件只由系统自动生成，不能上报'],
  [/^unknown checklist$/, '检查表不存在'],
  [/^unknown committee$/, '居委会不存在'],
  [/^unknown grid for this committee$/, '该居委会没有这个网格'],
  [/^unknown grid$/, '网格不存在'],
  [/^unknown handling unit$/, '处置单位不存在'],
  [/^unknown inspection$/, '检查记录不存在'],
  [/^unknown or inactive legal basis$/, '法律依据不存在或已停用'],
  [/^unknown person, or not someone who handles cases$/, '人员不存在，或不是处置人员'],
  [/^unknown responsible party$/, '管理责任人不存在'],
  [/^unknown site$/, '点位不存在'],
  [/^year must be between 2000 and 2100$/, '年份须在 2000 至 2100 之间'],
  [/^you cannot disable or demote yourself$/, '不能停用自己或降低自己的权限'],
  [/^a (\w+) needs a (\w+) as parent$/, '该层级需要选择上级类别'],
  [/^a (\w+) sets no deadline$/, '这一步不设整改期限'],
  [/^a (\w+) sets no fine$/, '这一步不设罚款'],
  [/^at most (\d+) days$/, (m) => `最多 ${m[1]} 天`],
  [/^at most (\d+) days \(the administrator's maximum token lifetime\)$/, (m) => `最多 ${m[1]} 天（管理员设定的令牌最长有效期）`],
  [/^must be a whole number of days from 1 to (\d+)$/, (m) => `须为 1 至 ${m[1]} 之间的整数天`],
  [/^choose at least one scope$/, '请至少选择一个权限范围'],
  [/^contains a NUL character$/, '含有不允许的空字符（NUL）'],
  [/^falls on a rest day \((\S+)\); a period cannot end on a rest day: choose (\S+) or a later working day$/, (m) => `${m[1]} 是休息日，期限不能在休息日届满，请选择 ${m[2]} 或之后的工作日`],
  [/^the deadline differs from the one suggested for the category \((.+)\); give the reason$/, (m) => `期限与该类别建议的期限（${m[1]}）不同，请说明理由`],
  [/^the party stated a defence: say whether it is adopted$/, '当事人已陈述申辩，请说明是否采纳'],
  [/^give the reasons for adopting or not adopting the defence$/, '请说明采纳或不采纳陈述申辩的理由'],
  [/^the party made no statement or defence$/, '当事人未陈述申辩'],
  [/^the hearing record is entered after the hearing$/, '听证笔录须在听证后录入'],
  [/^the hearing is held after it was requested$/, '听证时间不能早于听证申请'],
  [/^the party is told of the hearing seven working days before it: not before (\S+)$/, (m) => `应当在举行听证七个工作日前通知当事人，听证不得早于${m[1]}`],
  [/^the hearing is presided over by someone who did not investigate the case$/, '听证主持人须为未参与调查本案的人员'],
  [/^no decision before the statement and defence period closes$/, '陈述申辩期限届满前不得作出处罚决定'],
  [/^no decision before the hearing request period closes$/, '听证申请期限届满前不得作出处罚决定'],
  [/^the statement period has ended; the party is taken to have waived it$/, '陈述申辩期限已届满，视为放弃陈述申辩'],
  [/^the proposed fine does not reach the hearing threshold$/, '拟处罚款未达到听证标准，不能申请听证'],
  [/^the hearing request period has ended$/, '听证申请期限已届满'],
  [/^this step cannot follow the current stage$/, '当前阶段不能进行这一步'],
  [/^the subdistrict has no active enforcement team to take the case$/, '本街道没有可接收案件的执法中队'],
  [/^the case already has an open enforcement ladder$/, '该案件已有进行中的执法程序'],
  [/^not an active officer of this subdistrict$/, '不是本街道在岗的执法队员'],
  [/^more than the (.+) RMB of the prior notice$/, (m) => `超过事先告知书中的 ${m[1]} 元`],
  [/^a (.+) does not record (.+)$/, (m) => `“${m[1]}”步骤不记录 ${m[2]}`],
  [/^the content of the statement and defence$/, '请填写陈述申辩的内容'],
  [/^what is still not rectified \(the facts found\)$/, '请填写仍未整改的情况（查明的事实）'],
  [/^no 执法证号 on file$/, '未登记执法证号'],
  [/^not one of your subdistricts: (.+)$/, (m) => `不属于您管辖的街道：${m[1]}`],
  [/^the file of photo (.+) is missing from storage$/, (m) => `照片 ${m[1]} 的文件在存储中缺失`],
  [/^every item must be answered/, '每一项都必须作答'],
  [/^must be a (\w+)$/, '上级类别层级不对'],
  [/^must be between 0 and (\d+)$/, (m) => `须在 0 至 ${m[1]} 之间`],
  [/^must lie within ([\d.]+)–([\d.]+)$/, (m) => `须在 ${m[1]}–${m[2]} 之间`],
  [/^only a re-inspection has a result$/, '只有复查才有结果'],
  [/^the key has no webhook$/, '该密钥未配置推送地址（Webhook）'],
  [/^only failed deliveries can be retried \(this one is (\w+)\)$/, (m) => `只有发送失败的消息可以重发（当前：${status(m[1]!)}）`],
  [/^required for (\w+)$/, '此操作必填'],
  [/^required/, '必填'],
  [/^the amount leaves the (\w+)-offence band ([\d.]+)–([\d.]+) RMB/, (m) => `金额超出${m[1] === 'repeat' ? '再次违法' : '首次违法'}裁量幅度 ${m[2]}–${m[3]} 元，请说明理由`],
  [/^the case is (\w+)$/, (m) => `案件当前状态为「${status(m[1]!)}」`],
  [/^the target case is (\w+)$/, (m) => `目标案件当前状态为「${status(m[1]!)}」`],
  [/^the deadline \(([^)]+)\) has not passed/, (m) => `整改期限（${fmtInstant(m[1]!)}）未到，尚不能认定未整改`],
  [/^this checklist is for (\w+), not (\w+)$/, (m) => `该检查表适用于${kind(m[1]!)}，不适用于${kind(m[2]!)}`],
  [/^this standard applies to (.+), not to a (\w+)$/, (m) => `该立案标准适用于${kind(m[1]!)}，不适用于${kind(m[2]!)}`],
  [/^already taken$/, '已被占用'],
  [/^already used$/, '已被使用'],
  [/^listed twice$/, '重复列出'],
  [/^no document with this code in your scope$/, '您的管辖范围内没有此核验码对应的文书'],
  [/^required column is missing$/, '缺少必需的列'],
  [/^the sheet has no data rows$/, '工作表没有数据行'],
  [/^outside ([\d.]+)–([\d.]+)$/, (m) => `超出 ${m[1]}–${m[2]} 的法定范围`],
  [/^unknown field$/, '不支持的字段'],
];

/** An ISO instant as Shanghai local time, 12月05日 16:00. */
function fmtInstant(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('month')}月${g('day')}日 ${g('hour')}:${g('minute')}`;
}

/** The Chinese sentence for a domain reason, or null when no pattern knows it. */
export function reasonZh(reason: string): string | null {
  for (const [re, out] of REASONS_ZH) {
    const m = re.exec(reason);
    if (m) return typeof out === 'string' ? out : out(m);
  }
  return null;
}
