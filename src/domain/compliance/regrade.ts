import type { Db } from '../../db/index.js';
import type { CaseStatus, Grade, SiteKind } from '../../db/schema.js';
import { intervalsFor } from '../coverage/intervals.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { ENFORCEMENT_LOOKBACK_DAYS, type GradeInputs, gradeFor, LOOKBACK_DAYS } from './grade-rule.js';
import { coverageChanged } from '../coverage/coverage-memo.js';

const DAY_MS = 24 * 3600_000;
const OPEN: CaseStatus[] = ['reported', 'filed', 'dispatched', 'handled', 'on_hold'];

export const nextDueAt = (lastInspectedAt: string | null, siteCreatedAt: string, days: number) =>
  lastInspectedAt ? new Date(new Date(lastInspectedAt).getTime() + days * DAY_MS).toISOString() : siteCreatedAt;

async function gatherInputs(db: Db, siteId: string, now: Date): Promise<GradeInputs & { lastInspectedAt: string | null }> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS).toISOString();
  const insp = await db
    .selectFrom('inspections')
    .select(['id', 'outcome', 'recorded_at'])
    .where('site_id', '=', siteId)
    .where('recorded_at', '>=', since)
    .orderBy('recorded_at', 'desc')
    .execute();
  const last = insp[0];
  const lastEver = last
    ? last.recorded_at
    : ((await db.selectFrom('inspections').select((eb) => eb.fn.max('recorded_at').as('at')).where('site_id', '=', siteId).executeTakeFirst())?.at ?? null);
  const cases = await db
    .selectFrom('cases')
    .select(['id', 'status', 'source', 'reported_at'])
    .where('site_id', '=', siteId)
    .where((eb) => eb.or([eb('status', 'in', OPEN), eb('reported_at', '>=', since)]))
    .execute();
  const open = cases.filter((c) => OPEN.includes(c.status));
  let lastOpen = 0;
  if (last?.outcome === 'fail') {
    const linked = await db.selectFrom('inspection_cases').select('case_id').where('inspection_id', '=', last.id).where('resolution', '=', 'reported').execute();
    const ids = new Set(linked.map((l) => l.case_id));
    lastOpen = open.filter((c) => ids.has(c.id)).length;
  }
  // Enforcement actions: documents issued (order, notice, decision) for this site, first revisions only.
  const enforcementSince = new Date(now.getTime() - ENFORCEMENT_LOOKBACK_DAYS * DAY_MS).toISOString();
  const enf = await db
    .selectFrom('enforcement_documents as d')
    .innerJoin('enforcement_cases as ec', 'ec.id', 'd.enforcement_case_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ec.site_id', '=', siteId)
    .where('d.revision', '=', 1)
    .where('d.issued_at', '>=', enforcementSince)
    .executeTakeFirst();
  return {
    inspections: insp.length,
    failedInspections: insp.filter((i) => i.outcome === 'fail').length,
    lastInspectionFailed: last?.outcome === 'fail',
    lastInspectionOpenCases: lastOpen,
    openCases: open.length,
    reportedCases: cases.filter((c) => c.reported_at >= since && c.source !== 'self_resolved' && !['cancelled', 'merged'].includes(c.status)).length,
    enforcementActions: Number(enf?.n ?? 0),
    lastInspectedAt: lastEver ? new Date(lastEver).toISOString() : null,
  };
}

/**
 * Recomputes one site's grade and next inspection due date; records a grade change when the
 * grade moves. Runs inside the caller's transaction (after an inspection, or from the job that
 * follows case changes).
 */
export async function regradeSite(db: Db, clock: Clock, siteId: string): Promise<{ grade: Grade; changed: boolean; nextDueAt: string }> {
  const now = clock.now();
  const at = now.toISOString();
  const site = await db.selectFrom('sites').select(['id', 'subdistrict_id', 'committee_id', 'kind', 'created_at']).where('id', '=', siteId).executeTakeFirstOrThrow();
  const current = await db.selectFrom('site_compliance').select(['grade', 'grade_since']).where('site_id', '=', siteId).executeTakeFirst();
  const { lastInspectedAt, ...inputs } = await gatherInputs(db, siteId, now);
  const { grade, reasons } = gradeFor(inputs);
  const days = (await intervalsFor(db, site.subdistrict_id))[site.kind][grade];
  const due = nextDueAt(lastInspectedAt, new Date(site.created_at).toISOString(), days);
  const changed = current?.grade !== grade;
  const values = {
    site_id: site.id, subdistrict_id: site.subdistrict_id, committee_id: site.committee_id, site_kind: site.kind, grade,
    grade_since: changed ? at : current!.grade_since, last_inspected_at: lastInspectedAt, next_due_at: due, updated_at: at,
  };
  coverageChanged(site.subdistrict_id);
  await db
    .insertInto('site_compliance')
    .values(values)
    .onConflict((oc) => oc.column('site_id').doUpdateSet({
      committee_id: values.committee_id, grade, grade_since: values.grade_since, last_inspected_at: lastInspectedAt, next_due_at: due, updated_at: at,
    }))
    .execute();
  if (changed) {
    await db
      .insertInto('site_grade_changes')
      .values({
        id: newId(), site_id: site.id, subdistrict_id: site.subdistrict_id, committee_id: site.committee_id,
        from_grade: current?.grade ?? null, to_grade: grade, reason: JSON.stringify({ reasons, inputs }), changed_at: at,
      })
      .execute();
  }
  return { grade, changed, nextDueAt: due };
}

/** After an interval change: moves next_due_at of every graded site of that kind and grade. */
export async function rescheduleGrade(db: Db, subdistrictId: string, kind: SiteKind, grade: Grade, days: number): Promise<number> {
  coverageChanged(subdistrictId);
  const rows = await db
    .selectFrom('site_compliance as c')
    .innerJoin('sites as s', 's.id', 'c.site_id')
    .select(['c.site_id', 'c.last_inspected_at', 's.created_at'])
    .where('c.subdistrict_id', '=', subdistrictId)
    .where('c.site_kind', '=', kind)
    .where('c.grade', '=', grade)
    .execute();
  for (const r of rows) {
    await db
      .updateTable('site_compliance')
      .set({ next_due_at: nextDueAt(r.last_inspected_at, new Date(r.created_at).toISOString(), days) })
      .where('site_id', '=', r.site_id)
      .execute();
  }
  return rows.length;
}

/** Sites whose cases or enforcement ladders changed since `since` (for the grade job). */
export async function sitesWithCaseChanges(db: Db, since: string, until: string): Promise<string[]> {
  const cases = await db
    .selectFrom('cases')
    .select('site_id')
    .distinct()
    .where('site_id', 'is not', null)
    .where('updated_at', '>', since)
    .where('updated_at', '<=', until)
    .execute();
  const ladders = await db
    .selectFrom('enforcement_cases')
    .select('site_id')
    .distinct()
    .where('site_id', 'is not', null)
    .where('updated_at', '>', since)
    .where('updated_at', '<=', until)
    .execute();
  return [...new Set([...cases, ...ladders].map((r) => r.site_id!))];
}
