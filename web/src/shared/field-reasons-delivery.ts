/**
 * Field reasons of the service (送达) of enforcement documents in Chinese:
 * src/domain/enforcement/service.ts (on-site and later service) and the steps it refuses while a
 * document is not served (record-step.ts, procedure.ts).
 */
type Pattern = [RegExp, string | ((m: RegExpExecArray) => string)];

const METHOD_ZH: Record<string, string> = { post: '邮寄送达', electronic_with_consent: '电子送达', public_notice: '公告送达' };

export const DELIVERY_REASONS_ZH: Pattern[] = [
  [/^the order or notice is not served; its rectification period has not started$/, '责令改正通知书（告知单）尚未送达当事人，整改期限尚未起算，请先登记送达'],
  [/^no decision before the prior notice is served and its statement period has run$/, '事先告知书尚未送达当事人，陈述申辩期限未起算；送达且期限届满前不得作出处罚决定'],
  [/^the prior notice is not served; the hearing request period has not started$/, '事先告知书尚未送达当事人，听证申请期限尚未起算'],
  [/^the document is already served$/, '该文书已送达，送达情况只登记一次'],
  [/^not part of a (\w+) service$/, (m) => `${METHOD_ZH[m[1]!] ?? m[1]}不需要填写此项`],
  [/^before the document was issued \((\S+)\)$/, (m) => `早于文书出具日期（${m[1]}）`],
  [/^required: the date on the return receipt$/, '必填：回执上的签收日期'],
  [/^required: the registered-mail or courier number$/, '必填：挂号信或快递单号'],
  [/^required: electronic service needs the consent of the party$/, '必填：电子送达须经当事人同意，请写明同意方式'],
  [/^required: the address or system the document was sent to$/, '必填：文书送达的电子地址或系统'],
  [/^required: when the document reached the system of the party$/, '必填：文书到达当事人系统的时间'],
  [/^required: the day the notice was published$/, '必填：公告发布日期'],
  [/^required: where the notice was published$/, '必填：公告发布的地点或媒体'],
  [/^required: public notice only when the party cannot be found or other ways failed; say why$/, '必填：仅在当事人下落不明或其他方式无法送达时方可公告送达，请说明原因'],
  [/^left on refusal \(留置送达\) needs a witness or photos recording the service$/, '当事人拒绝签收的，留置送达须有见证人（基层组织或所在单位的代表），或拍照、录像记录送达过程'],
  [/^recorded only when the party refuses to sign$/, '仅在当事人拒绝签收时登记留置送达的见证或照片'],
];
