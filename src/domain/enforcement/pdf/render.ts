import type PDFDocument from 'pdfkit';
import { loadPdfKit } from '../../shared/lazy-modules.js';
import { type DocumentContent, ON_SITE_KINDS, yuan, zhDate, zhDateTime } from '../document-content.js';
import { runs, sfntOf, type Weight } from './cjk-font.js';
import { serviceZh } from '../service.js';

const PARTY_KIND_ZH: Record<string, string> = { shop_operator: '沿街商铺经营者', unit: '社区单位', property_company: '物业服务企业' };

type Doc = InstanceType<typeof PDFDocument>;

/** Selects a face by file; pdfkit caches it per document under the file name. */
const registered = new WeakMap<Doc, Set<string>>();
function useFace(doc: Doc, file: string): Doc {
  let names = registered.get(doc);
  if (!names) registered.set(doc, (names = new Set()));
  if (!names.has(file)) {
    doc.registerFont(file, sfntOf(file));
    names.add(file);
  }
  return doc.font(file);
}

/** Wrapped text in mixed faces: each run uses the face file that holds its characters. */
function para(doc: Doc, text: string, opts: { size?: number; weight?: Weight; gap?: number; indent?: number } = {}) {
  doc.fontSize(opts.size ?? 11);
  const rs = runs(text, opts.weight ?? 400);
  const x = doc.page.margins.left + (opts.indent ?? 0);
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right - (opts.indent ?? 0);
  rs.forEach((r, i) => {
    useFace(doc, r.file);
    if (i === 0) doc.text(r.text, x, doc.y, { width, continued: i < rs.length - 1, lineGap: 3 });
    else doc.text(r.text, { continued: i < rs.length - 1, lineGap: 3 });
  });
  doc.moveDown(opts.gap ?? 0.4);
}

/** One unwrapped line, measured run by run so centring works across faces. */
function line(doc: Doc, text: string, opts: { size: number; weight?: Weight; align: 'center' | 'right' }) {
  doc.fontSize(opts.size);
  const rs = runs(text, opts.weight ?? 400);
  const widths = rs.map((r) => useFace(doc, r.file).widthOfString(r.text));
  const total = widths.reduce((a, b) => a + b, 0);
  const left = doc.page.margins.left;
  const inner = doc.page.width - left - doc.page.margins.right;
  let x = opts.align === 'center' ? left + (inner - total) / 2 : left + inner - total;
  const y = doc.y;
  rs.forEach((r, i) => {
    useFace(doc, r.file).text(r.text, x, y, { lineBreak: false });
    x += widths[i]!;
  });
  doc.x = left;
  doc.y = y + opts.size * 1.6;
}

function body(c: DocumentContent): string[] {
  const s = c.subject;
  const out = [
    `当事人：${s.name}（${PARTY_KIND_ZH[s.kind] ?? s.kind}）`,
    `联系人：${s.contactName ?? '—'}　联系电话：${s.contactPhone ?? '—'}`,
    `地址：${s.address ?? '—'}${s.siteName ? `（${s.siteName}）` : ''}`,
    `案件编号：${c.caseNumber}`,
  ];
  const facts = `经查：${c.facts}${/[。！？.!?]$/.test(c.facts) ? '' : '。'}`;
  const breach = `上述行为违反了${c.legalBasis.citation}的规定：${c.legalBasis.dutyZh}`;
  if (c.kind === 'order') {
    return [...out, facts, breach, ...(c.education ? ['执法人员已现场向当事人宣讲生活垃圾分类相关法律法规（普法教育）。'] : []),
      `根据${c.legalBasis.citation}及相关规定，责令你（单位）于${zhDateTime(c.deadlineAt!)}前改正上述违法行为。逾期不改正的，将依法予以处罚：${c.legalBasis.penaltyZh}`];
  }
  if (c.kind === 'notice') {
    return [...out, facts, breach,
      `${noticeGroundsZh(c)}现告知你（单位）须于${zhDateTime(c.deadlineAt!)}前整改完毕。`,
      `逾期仍不整改的，本机关将依据${c.legalBasis.citation}作出罚款处罚：${c.legalBasis.penaltyZh}`];
  }
  const f = c.fine!;
  const offence = f.offence === 'repeat'
    ? `当事人在${f.priorViolations}次行政处罚决定作出后${periodZh(f.repeatWindowDays ?? 365, 365, '一年')}内再次违反同一规定，属再次违法。`
    : '当事人属首次违法。';
  if (c.kind === 'prior_notice') {
    const r = c.rights!;
    return [...out, facts, breach, `${failedZh(c)}${offence}`,
      `根据${c.legalBasis.citation}：${c.legalBasis.penaltyZh}本机关拟对你（单位）处以罚款人民币${yuan(r.proposedFine)}。`,
      `根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利，可${untilZh(r.statementEndsAt, r.statementDays, '告知书')}向本机关提出陈述和申辩；逾期未提出的，视为放弃此权利。本机关不因你（单位）陈述、申辩而给予更重的处罚。`,
      ...(r.hearingRight
        ? [`根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求举行听证，应当${untilZh(r.hearingRequestEndsAt, r.hearingRequestDays, '告知书')}提出；逾期未提出的，视为放弃听证权利。`]
        : [])];
  }
  const p = c.procedure;
  const heard = p
    ? [
        `本机关于${zhDate(p.priorNotice.issuedAt)}向当事人送达《行政处罚事先告知书》（${p.priorNotice.number}），告知拟作出的行政处罚及当事人依法享有的权利。`,
        p.statement === 'statement'
          ? `当事人在规定期限内提出陈述、申辩：${p.statementSummary ?? ''}`
          : p.statement === 'waiver' ? '当事人明确表示放弃陈述、申辩的权利。' : '当事人在规定期限内未提出陈述、申辩。',
        ...(p.hearing ? [`本机关于${zhDateTime(p.hearing.heldAt)}举行听证，由${p.hearing.host}主持。听证情况：${p.hearing.summary}`] : []),
        ...(p.defence
          ? [`经复核，当事人的陈述、申辩意见${({ adopted: '予以采纳', partly_adopted: '部分予以采纳', not_adopted: '不予采纳' } as const)[p.defence]}。理由：${p.defenceReason ?? ''}`]
          : []),
      ]
    : [];
  return [...out, facts, breach,
    `${failedZh(c)}${offence}`,
    ...heard,
    `根据${c.legalBasis.citation}：${c.legalBasis.penaltyZh}本机关决定对当事人处以罚款人民币${yuan(f.amount)}${f.reason ? `（裁量说明：${f.reason}）` : ''}。`,
    `当事人应当自收到本决定书之日起${periodZh(c.paymentDays ?? 15, 15, '十五日')}内${c.paymentDueAt ? `，于${zhDate(c.paymentDueAt)}前` : ''}缴纳罚款（期限最后一日为法定节假日的，顺延至节假日后的第一个工作日）。到期不缴纳的，每日按罚款数额的百分之三加处罚款。`,
    '当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。'];
}

/**
 * Why a notice is served: after an order whose re-inspection failed, or — a repeat offender under
 * the subdistrict's shortcut, with no order before it — the repeat offence. A document states only
 * the steps the ladder took (documents issued before `course` was kept all followed an order).
 */
function noticeGroundsZh(c: DocumentContent): string {
  const k = c.course;
  if (!k || k.orderFailed) return '你（单位）经责令改正后，复查仍未整改到位。';
  return k.priorViolations > 0
    ? `你（单位）在${k.priorViolations}次行政处罚决定作出后${periodZh(k.repeatWindowDays, 365, '一年')}内再次违反同一规定，属再次违法。`
    : '';
}

/** The rectification the party failed, as the ladder went: order and notice, or a repeat offender's notice alone. */
function failedZh(c: DocumentContent): string {
  const k = c.course;
  if (!k || (k.orderFailed && k.noticeFailed)) return '当事人经责令改正并告知后，逾期仍未改正。';
  if (k.noticeFailed) return '当事人经责令整改告知后，逾期仍未改正。';
  if (k.orderFailed) return '当事人经责令改正后，逾期仍未改正。';
  return '';
}

/**
 * Until when the party may act: the date, counted from service (自收到之日起) — or, the document
 * not yet served, the working days from the day the party receives it.
 */
function untilZh(endsAt: string | null, days: number | undefined, doc: string): string {
  if (endsAt) return `于${zhDate(endsAt)}前`;
  return `自收到本${doc}之日起${days ?? 3}个工作日内`;
}

/**
 * A period as the documents say it: the wording documents always used for the usual length
 * (一年, 十五日), the configured number of days otherwise, so the text matches the dates it gives.
 */
function periodZh(days: number, usual: number, usualZh: string): string {
  return days === usual ? usualZh : `${days}日`;
}

const THUMB = 110;
const THUMB_GAP = 10;

/**
 * Renders a document as an A4 PDF in Chinese. Deterministic for the same content and photos
 * (the PDF dates are the issue time), so the stored bytes' hash identifies the document.
 */
export async function renderDocumentPdf(c: DocumentContent, verifyCode: string, thumbs: Buffer[]): Promise<Buffer> {
  const issued = new Date(c.issuedAt);
  const doc = new (await loadPdfKit())({ size: 'A4', margin: 56, info: { Title: `${c.title} ${c.number}`, Author: c.agency, CreationDate: issued, ModDate: issued } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  line(doc, c.agency, { size: 15, weight: 700, align: 'center' });
  line(doc, c.title, { size: 20, weight: 700, align: 'center' });
  line(doc, c.number, { size: 11, align: 'center' });
  if (c.revision > 1 && c.correctionReason === null && c.service?.recordedLater) {
    para(doc, `（第${c.revision}版：补记送达，替代${c.supersedesNumber ?? c.number}第${c.revision - 1}版；文书内容不变，当事人的期限自送达之日起计算）`, { size: 10 });
  } else if (c.revision > 1) para(doc, `（更正第${c.revision}版，替代${c.supersedesNumber ?? c.number}第${c.revision - 1}版。更正理由：${c.correctionReason ?? ''}）`, { size: 10 });
  doc.moveDown(0.6);
  for (const p of body(c)) para(doc, p);
  if (c.deadlineAt) para(doc, `整改期限：${zhDateTime(c.deadlineAt)}`, { weight: 700 });
  if (c.fine && c.kind === 'decision') para(doc, `罚款金额：人民币${yuan(c.fine.amount)}（法定幅度${yuan(c.fine.legalMin)}至${yuan(c.fine.legalMax)}）`, { weight: 700 });
  para(doc, `法律依据：${c.legalBasis.citation}（法规库 ${c.legalBasis.code} 第${c.legalBasis.version}版）`, { size: 10 });
  para(doc, `执法人员：${c.officers.map((o) => `${o.name}（执法证号：${o.certNumber ?? o.username ?? '—'}）`).join('、')}`);
  const where = `地点：${c.place ?? c.subject.address ?? '—'}${c.gps ? `（GPS ${c.gps.lat.toFixed(5)}, ${c.gps.lng.toFixed(5)}）` : ''}`;
  // 检查时间 is when the officers were there, on the documents served on site only; documents
  // issued before inspectedAt was kept printed their issue time, and are re-rendered the same.
  if (c.inspectedAt === undefined) para(doc, `检查时间：${zhDateTime(c.issuedAt)}　${where}`, { size: 10 });
  else if (c.inspectedAt && ON_SITE_KINDS.includes(c.kind)) para(doc, `检查时间：${zhDateTime(c.inspectedAt)}　${where}`, { size: 10 });
  const served = serviceZh(c.acknowledgement, c.service);
  if (served) para(doc, `送达情况：${served}`, { size: 10 });
  if (c.revision > 1 && c.correctedBy) {
    const by = c.correctedBy;
    para(doc, `更正日期：${zhDateTime(c.issuedAt)}　更正人：${by.name}（执法证号：${by.certNumber ?? '—'}）`, { size: 10 });
  }

  if (thumbs.length) {
    para(doc, `现场照片（${thumbs.length}张）：`, { size: 10, gap: 0.2 });
    // Every cited photo is printed: rows of as many as fit across, a new page when a row does not fit.
    const left = doc.page.margins.left;
    const perRow = Math.max(1, Math.floor((doc.page.width - left - doc.page.margins.right + THUMB_GAP) / (THUMB + THUMB_GAP)));
    for (let i = 0; i < thumbs.length; i += perRow) {
      if (doc.y + THUMB > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
      const y = doc.y;
      thumbs.slice(i, i + perRow).forEach((t, j) => doc.image(t, left + j * (THUMB + THUMB_GAP), y, { fit: [THUMB, THUMB] }));
      doc.y = y + THUMB + THUMB_GAP;
    }
    doc.x = left;
  }
  doc.moveDown(0.8);
  line(doc, c.office, { size: 11, align: 'right' });
  line(doc, zhDate(c.issuedAt), { size: 11, align: 'right' });
  doc.moveDown(0.5);
  para(doc, `核验码：${verifyCode}　（在“闭环”平台“文书核验”输入核验码，可核对本文书与平台存档记录是否一致）`, { size: 9 });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
