import { z } from 'zod';
import { SITE_KINDS } from '../../db/schema.js';
import { SOURCES } from '../../domain/cases/lifecycle.js';
import { dashboardCoverage } from '../../domain/dashboard/coverage.js';
import { exportKpiWorkbook } from '../../domain/dashboard/export-xlsx.js';
import { latestCases, siteMapJson } from '../../domain/dashboard/map-and-feed.js';
import { RANK_LIMIT, RANK_LIMIT_MAX, RANK_OF, dashboardRankings } from '../../domain/dashboard/rankings.js';
import { REPORT_PERIODS, renderPeriodReport } from '../../domain/dashboard/report-pdf.js';
import { WINDOWS } from '../../domain/dashboard/slice.js';
import { compareWindows, dashboardSummary } from '../../domain/dashboard/summary.js';
import { sourceSlices } from '../../domain/dashboard/source-slices.js';
import { servicesBoard } from '../../domain/dashboard/services-board.js';
import { categoryBreakdown, dailyTrend, hourlyTrend } from '../../domain/dashboard/trends.js';
import { reader } from '../deps.js';
import { def } from '../route.js';
import { CalendarDay } from '../../domain/calendar/day-schema.js';

const id = z.string().min(1).max(64);
const SliceQuery = {
  subdistrictId: id.optional(),
  committeeId: id.optional(),
  gridId: id.optional(),
  categoryId: id.optional(),
  source: z.enum(SOURCES.map((s) => s.source) as [string, ...string[]]).optional(),
  unitId: id.optional(),
  userId: id.optional(),
  window: z.enum(WINDOWS).default('today'),
  from: CalendarDay.optional(),
  to: CalendarDay.optional(),
};
const Slice = z.strictObject(SliceQuery);
type SliceQ = z.infer<typeof Slice>;
const filter = (q: SliceQ) => ({ ...q, source: q.source as any });

const SourcesQuery = z.strictObject({ subdistrictId: id.optional(), committeeId: id.optional(), window: z.enum(WINDOWS).default('30d'), from: CalendarDay.optional(), to: CalendarDay.optional() });

export const sources = def({
  schema: {
    tags: ['dashboard'],
    summary: "The newspaper's figures: cases by reporter role, source and site kind (in a unit/shop sweep or not); patrol self-resolved vs reported; cadre check-ins per day",
    querystring: SourcesQuery,
  },
  handler: async ({ req, deps, actor }) => sourceSlices(deps.db, deps.clock, actor, req.query),
});

export const services = def({
  schema: {
    tags: ['dashboard'],
    summary: "一网通办 board per subdistrict in my scope: today's records accepted / finished, overdue records, 好评率 over ratingDays (default 30), open 差评 and those past their deadline, terminals down, today's waiting and service times per point (median, p90), self-service zones per grid; live through the dashboard stream's `services` event (docs/dashboard.md)",
    querystring: z.strictObject({ subdistrictId: id.optional(), ratingDays: z.coerce.number().int().min(1).max(366).optional() }),
  },
  handler: async ({ req, deps, actor }) => servicesBoard(reader(deps), deps.clock, actor, req.query),
});

export const summary = def({
  schema: { tags: ['dashboard'], summary: 'KPIs (national counting rules), composite score and grade, open gauges, enforcement figures', querystring: Slice },
  handler: async ({ req, deps, actor }) => dashboardSummary(reader(deps), deps.clock, actor, filter(req.query)),
});

export const rankings = def({
  schema: {
    tags: ['dashboard'],
    summary: '红黑榜: committees (subdistricts when citywide) or handling units ranked by composite score, each with its subdistrict\'s weights; equal scores share a rank (tied); rows = the first `limit` rows plus any red or black row past them, total = every ranked row',
    querystring: z.strictObject({ ...SliceQuery, of: z.enum(RANK_OF).default('committee'), limit: z.coerce.number().int().min(1).max(RANK_LIMIT_MAX).default(RANK_LIMIT) }),
  },
  handler: async ({ req, deps, actor }) => dashboardRankings(reader(deps), deps.clock, actor, filter(req.query) as any),
});

export const daily = def({
  schema: { tags: ['dashboard'], summary: 'Daily lines over the window', querystring: Slice },
  handler: async ({ req, deps, actor }) => dailyTrend(reader(deps), deps.clock, actor, filter(req.query)),
});

export const hourly = def({
  schema: { tags: ['dashboard'], summary: 'Hourly lines for one Shanghai day (default today)', querystring: z.strictObject({ ...SliceQuery, date: CalendarDay.optional() }) },
  handler: async ({ req, deps, actor }) => hourlyTrend(reader(deps), deps.clock, actor, filter(req.query)),
});

export const categories = def({
  schema: { tags: ['dashboard'], summary: 'Category breakdown over the window', querystring: Slice },
  handler: async ({ req, deps, actor }) => categoryBreakdown(reader(deps), deps.clock, actor, filter(req.query)),
});

export const compare = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Before/after: KPIs of the same slice over two periods and their change',
    querystring: z.strictObject({
      ...SliceQuery, beforeFrom: CalendarDay, beforeTo: CalendarDay, afterFrom: CalendarDay, afterTo: CalendarDay,
    }),
  },
  handler: async ({ req, deps, actor }) => compareWindows(reader(deps), deps.clock, actor, filter(req.query) as any),
});

export const map = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Sites of one subdistrict/committee with open problems now and compliance grade',
    querystring: z.strictObject({ subdistrictId: id.optional(), committeeId: id.optional(), kind: z.enum(SITE_KINDS).optional() }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const json = await siteMapJson(reader(deps), actor, req.query, deps.clock.now());
    return reply.type('application/json; charset=utf-8').send(json);
  },
});

export const coverage = def({
  schema: {
    tags: ['dashboard'],
    summary: "Today's coverage: bin-room check-in windows, shop and unit inspections due vs covered, running sweeps",
    querystring: z.strictObject({ subdistrictId: id.optional(), committeeId: id.optional() }),
  },
  handler: async ({ req, deps, actor }) => dashboardCoverage(reader(deps), deps.clock, actor, req.query),
});

export const feed = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Latest cases in scope with thumbnails (the live feed; later ones arrive on the stream)',
    querystring: z.strictObject({ subdistrictId: id.optional(), committeeId: id.optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
  },
  handler: async ({ req, deps, actor }) => latestCases(reader(deps), actor, req.query),
});

export const exportXlsx = def({
  schema: { tags: ['dashboard'], summary: 'KPI tables (summary, committees, units, categories, days) as .xlsx', querystring: Slice },
  handler: async ({ req, reply, deps, actor }) => {
    const { buffer, filename } = await exportKpiWorkbook(reader(deps), deps.clock, actor, filter(req.query));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(buffer);
  },
});

export const report = def({
  schema: {
    tags: ['dashboard'],
    summary: 'Weekly or monthly report (Chinese PDF with charts) for the period ending on a date (default yesterday)',
    querystring: z.strictObject({ subdistrictId: id.optional(), committeeId: id.optional(), period: z.enum(REPORT_PERIODS).default('weekly'), end: CalendarDay.optional() }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const { buffer, filename } = await renderPeriodReport(reader(deps), deps.clock, actor, req.query);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(buffer);
  },
});
