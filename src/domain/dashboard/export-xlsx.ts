import type ExcelJS from 'exceljs';
import { loadExcel } from '../shared/lazy-modules.js';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import type { Kpis } from './kpis.js';
import { RANK_LIMIT_MAX, dashboardRankings } from './rankings.js';
import type { DashboardFilter } from './slice.js';
import { dashboardSummary } from './summary.js';
import { categoryBreakdown, dailyTrend } from './trends.js';

/** KPI columns as written in the workbook (Chinese header, key, rate?). */
export const KPI_COLUMNS: [string, keyof Kpis, boolean][] = [
  ['发现', 'found', false], ['主动上报', 'reported', false], ['自发自处', 'selfResolved', false], ['立案', 'filed', false],
  ['派遣', 'dispatched', false], ['处置', 'handled', false], ['结案', 'closed', false], ['应结案', 'dueForClosure', false],
  ['结案率', 'closureRate', true], ['按期结案率', 'onTimeClosureRate', true], ['按期处置率', 'onTimeHandlingRate', true],
  ['返工', 'rework', false], ['返工率', 'reworkRate', true], ['超期未处置', 'overdueUnhandled', false], ['挂账', 'holds', false],
  ['延期', 'extensions', false], ['自发自处占比', 'selfResolvedShare', true], ['结案用时中位数(分钟)', 'medianCloseMinutes', false],
];

function kpiSheet(wb: ExcelJS.Workbook, name: string, lead: string[], rows: { lead: (string | number | null)[]; kpis: Kpis }[]) {
  const ws = wb.addWorksheet(name);
  ws.addRow([...lead, ...KPI_COLUMNS.map((c) => c[0])]).font = { bold: true };
  for (const r of rows) ws.addRow([...r.lead, ...KPI_COLUMNS.map(([, k]) => r.kpis[k])]);
  KPI_COLUMNS.forEach(([, , isRate], i) => {
    if (isRate) ws.getColumn(lead.length + i + 1).numFmt = '0.00%';
  });
  ws.columns.forEach((c) => (c.width = 14));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

type Ranking = Awaited<ReturnType<typeof dashboardRankings>>;

/**
 * A ranking sheet: every ranked row, by rank; a shared rank reads 并列 n. Past RANK_LIMIT_MAX rows
 * (the API's bound) a last line says how many were left out.
 */
function rankingSheet(wb: ExcelJS.Workbook, name: string, levelZh: string, r: Ranking) {
  const rows = r.rows.slice(0, RANK_LIMIT_MAX);
  kpiSheet(wb, name, ['排名', '并列', levelZh, '综合得分', '等级'], rows.map((x) => ({ lead: [x.rank, x.tied ? '并列' : null, x.name, x.score, x.grade], kpis: x.kpis })));
  if (r.total > rows.length) wb.getWorksheet(name)!.addRow([`仅列出前 ${rows.length} 名，共 ${r.total} 名`]);
}

/** The dashboard's KPI tables as one workbook: summary, committees, units, categories, days. */
export async function exportKpiWorkbook(db: Db, clock: Clock, actor: Actor, f: DashboardFilter) {
  const summary = await dashboardSummary(db, clock, actor, f);
  // The whole ranking, every rank in order (the page's default limit cut out its middle).
  const committees = await dashboardRankings(db, clock, actor, { ...f, of: 'committee', limit: RANK_LIMIT_MAX });
  const units = await dashboardRankings(db, clock, actor, { ...f, of: 'unit', limit: RANK_LIMIT_MAX });
  const cats = f.userId ? null : await categoryBreakdown(db, clock, actor, f);
  const days = await dailyTrend(db, clock, actor, f);
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'closeloop';
  const w = summary.window;
  kpiSheet(wb, '汇总', ['统计期', '综合得分', '等级'], [{ lead: [`${w.from} 至 ${w.to}`, summary.score, summary.grade], kpis: summary.kpis }]);
  const levelZh = committees.level === 'subdistrict' ? '街道' : '居委会';
  rankingSheet(wb, `${levelZh}排名`, levelZh, committees);
  rankingSheet(wb, '处置单位排名', '处置单位', units);
  if (cats) {
    const ws = wb.addWorksheet('问题类别');
    ws.addRow(['编码', '类别', '发现', '结案', '超期', '返工']).font = { bold: true };
    for (const c of cats.rows) ws.addRow([c.code, c.zh, c.found, c.closed, c.overdue, c.rework]);
  }
  const ws = wb.addWorksheet('每日');
  ws.addRow(['日期', '发现', '主动上报', '自发自处', '派遣', '处置', '结案', '超期', '返工']).font = { bold: true };
  for (const p of days.points) ws.addRow([p.day, p.found, p.reported, p.selfResolved, p.dispatched, p.handled, p.closed, p.overdue, p.rework]);
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { buffer, filename: `dashboard-${w.from}-${w.to}.xlsx` };
}
