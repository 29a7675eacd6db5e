import type PDFDocument from 'pdfkit';
import { loadPdfKit } from '../shared/lazy-modules.js';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { addDays, shanghaiDate } from '../checkins/local-time.js';
import { runs, sfntOf } from '../enforcement/pdf/cjk-font.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { dashboardRankings } from './rankings.js';
import { dashboardSummary } from './summary.js';
import { categoryBreakdown, dailyTrend } from './trends.js';

export const REPORT_PERIODS = ['weekly', 'monthly'] as const;
type Doc = InstanceType<typeof PDFDocument>;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

/** Text in the CJK font (Noto Sans SC from npm, via the enforcement engineer's font helper). */
function text(doc: Doc, s: string, x: number, y: number, size = 10, opts: { width?: number; align?: 'left' | 'right' | 'center' } = {}) {
  doc.fontSize(size);
  const rs = runs(s, 400);
  const faces = new Set<string>((doc as any).__clFaces ?? []);
  rs.forEach((r, i) => {
    if (!faces.has(r.file)) {
      doc.registerFont(r.file, sfntOf(r.file));
      faces.add(r.file);
    }
    doc.font(r.file);
    if (i === 0) doc.text(r.text, x, y, { lineBreak: false, continued: i < rs.length - 1, ...opts });
    else doc.text(r.text, { lineBreak: false, continued: i < rs.length - 1 });
  });
  (doc as any).__clFaces = [...faces];
}

/** Vertical bars, drawn with vector primitives; series share one scale. */
function barChart(doc: Doc, title: string, x: number, y: number, w: number, h: number, labels: string[], series: { name: string; color: string; values: number[] }[]) {
  text(doc, title, x, y, 11);
  const top = y + 18;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  doc.lineWidth(0.5).strokeColor('#999').moveTo(x, top + h).lineTo(x + w, top + h).stroke();
  const slot = w / Math.max(1, labels.length);
  const bw = Math.max(1, (slot * 0.8) / series.length);
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const bh = (v / max) * h;
      doc.rect(x + i * slot + slot * 0.1 + j * bw, top + h - bh, bw, bh).fill(s.color);
    });
    if (labels.length <= 16 || i % Math.ceil(labels.length / 12) === 0) text(doc, label, x + i * slot, top + h + 3, 6);
  });
  doc.fillColor('black');
  series.forEach((s, j) => {
    doc.rect(x + w - 120 + j * 60, y + 2, 8, 8).fill(s.color);
    doc.fillColor('black');
    text(doc, s.name, x + w - 108 + j * 60, y + 1, 8);
  });
  text(doc, String(max), x - 2, top - 8, 6);
}

/**
 * 周报/月报: the period's KPIs under the national counting rules, daily found/closed bars, the
 * committee ranking and the category breakdown, as a Chinese PDF.
 */
export async function renderPeriodReport(db: Db, clock: Clock, actor: Actor, q: { subdistrictId?: string; committeeId?: string; period: (typeof REPORT_PERIODS)[number]; end?: string }) {
  const end = q.end ?? addDays(shanghaiDate(clock.now()), -1);
  const from = q.period === 'weekly' ? addDays(end, -6) : `${end.slice(0, 8)}01`;
  if (end > shanghaiDate(clock.now())) throw invalidField('end', 'must not be in the future');
  const f = { subdistrictId: q.subdistrictId, committeeId: q.committeeId, window: 'custom' as const, from, to: end };
  const [s, days, ranks, cats] = await Promise.all([
    dashboardSummary(db, clock, actor, f), dailyTrend(db, clock, actor, f),
    dashboardRankings(db, clock, actor, { ...f, of: 'committee' }), categoryBreakdown(db, clock, actor, f),
  ]);
  const scopeName = q.committeeId
    ? (await db.selectFrom('committees').select('name').where('id', '=', q.committeeId).executeTakeFirst())?.name
    : q.subdistrictId ? (await db.selectFrom('subdistricts').select('name').where('id', '=', q.subdistrictId).executeTakeFirst())?.name : '全部辖区';

  const doc = new (await loadPdfKit())({ size: 'A4', margin: 50, info: { Title: `垃圾分类监管${q.period === 'weekly' ? '周报' : '月报'}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  text(doc, `${scopeName ?? ''} 生活垃圾分类监管${q.period === 'weekly' ? '周报' : '月报'}`, 50, 50, 18);
  text(doc, `统计期：${from} 至 ${end}（上海时间）  综合得分：${s.score ?? '—'}  等级：${s.grade ?? '—'}`, 50, 80, 10);
  const k = s.kpis;
  const rows: [string, string][] = [
    ['发现问题', String(k.found)], ['自发自处', `${k.selfResolved}（占比 ${pct(k.selfResolvedShare)}）`], ['主动上报', String(k.reported)],
    ['处置', String(k.handled)], ['结案', String(k.closed)], ['应结案', String(k.dueForClosure)],
    ['结案率', pct(k.closureRate)], ['按期结案率', pct(k.onTimeClosureRate)], ['按期处置率', pct(k.onTimeHandlingRate)],
    ['返工率', pct(k.reworkRate)], ['超期未处置', String(k.overdueUnhandled)], ['挂账 / 延期', `${k.holds} / ${k.extensions}`],
    ['结案用时中位数', k.medianCloseMinutes === null ? '—' : `${k.medianCloseMinutes} 分钟`], ['当前在办 / 当前超期', `${s.open.open} / ${s.open.overdueNow}`],
  ];
  rows.forEach(([a, b], i) => {
    const x = 50 + (i % 2) * 250;
    const y = 105 + Math.floor(i / 2) * 18;
    text(doc, `${a}：${b}`, x, y, 10);
  });
  barChart(doc, '每日发现与结案', 60, 250, 480, 120, days.points.map((p) => p.day.slice(5)), [
    { name: '发现', color: '#3b82f6', values: days.points.map((p) => p.found) },
    { name: '结案', color: '#10b981', values: days.points.map((p) => p.closed) },
  ]);
  const top = ranks.rows.slice(0, 12);
  barChart(doc, `${ranks.level === 'subdistrict' ? '街道' : '居委会'}综合得分（红黑榜）`, 60, 430, 480, 100, top.map((r) => r.name.slice(0, 6)), [
    { name: '得分', color: '#ef4444', values: top.map((r) => r.score ?? 0) },
  ]);
  text(doc, '问题类别（前十）', 50, 580, 11);
  cats.rows.slice(0, 10).forEach((c, i) => {
    const y = 600 + i * 16;
    const maxFound = Math.max(1, cats.rows[0]?.found ?? 1);
    text(doc, c.zh.slice(0, 14), 50, y, 8);
    doc.rect(200, y + 1, (c.found / maxFound) * 300, 9).fill('#6366f1');
    doc.fillColor('black');
    text(doc, String(c.found), 505, y, 8);
  });
  text(doc, '计数口径：应结案＝已处置＋超期未处置；结案率＝结案数/应结案数；返工指核查不通过后退回原处置单位；挂账案件不计入。', 50, 780, 7);
  doc.end();
  return { buffer: await done, filename: `report-${q.period}-${end}.pdf` };
}
