import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { parseFlags } from '../evidence/photo-checks.js';
import { notFound } from '../shared/errors.js';

export type TimelineEntry =
  | { type: 'checkin'; at: string; id: string; by: string; status: string; method: string; repeats: number; flags: number; offSiteReason: string | null }
  | { type: 'missed_checkin'; at: string; id: string; window: string }
  | { type: 'inspection'; at: string; id: string; by: string; outcome: string; failed: number; checklistVersion: number; flags: number }
  | { type: 'case'; at: string; id: string; number: string; status: string; source: string; description: string }
  | { type: 'grade_change'; at: string; id: string; from: string | null; to: string; reasons: string[] }
  | { type: 'enforcement'; at: string; id: string; enforcementCaseId: string; step: string; stage: string; result: string | null };

/**
 * One timeline per site: check-ins, missed windows, inspections, cases, enforcement steps and
 * grade changes, newest first.
 */
export async function siteTimeline(db: Db, actor: Actor, siteId: string, limit = 100) {
  assertCan(actor, 'patrols.read');
  const site = await db
    .selectFrom('sites as s')
    .leftJoin('site_compliance as sc', 'sc.site_id', 's.id')
    .select(['s.id', 's.name', 's.kind', 's.committee_id as committeeId', 'sc.grade', 'sc.grade_since as gradeSince', 'sc.last_inspected_at as lastInspectedAt', 'sc.next_due_at as nextDueAt'])
    .where('s.id', '=', siteId)
    .where(scopeCondition(actor, 's.subdistrict_id', 's.committee_id'))
    .executeTakeFirst();
  if (!site) throw notFound('Site', siteId);
  const entries: TimelineEntry[] = [];
  const checkins = await db
    .selectFrom('checkins as k').innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.first_at', 'u.display_name', 'k.status', 'k.method', 'k.repeat_count', 'k.evidence_flags', 'k.off_site_reason'])
    .where('k.site_id', '=', siteId).orderBy('k.first_at', 'desc').limit(limit).execute();
  for (const c of checkins)
    entries.push({ type: 'checkin', at: c.first_at, id: c.id, by: c.display_name, status: c.status, method: c.method, repeats: c.repeat_count, flags: parseFlags(c.evidence_flags).length, offSiteReason: c.off_site_reason });
  const misses = await db.selectFrom('checkin_misses').select(['id', 'window_end_at', 'window_key'])
    .where('site_id', '=', siteId).where('subject', '=', 'site').orderBy('window_end_at', 'desc').limit(limit).execute();
  for (const m of misses) entries.push({ type: 'missed_checkin', at: m.window_end_at, id: m.id, window: m.window_key });
  const inspections = await db
    .selectFrom('inspections as i').innerJoin('users as u', 'u.id', 'i.inspector_id').innerJoin('checklists as cl', 'cl.id', 'i.checklist_id')
    .select(['i.id', 'i.recorded_at', 'u.display_name', 'i.outcome', 'i.failed_count', 'cl.version', 'i.evidence_flags'])
    .where('i.site_id', '=', siteId).orderBy('i.recorded_at', 'desc').limit(limit).execute();
  for (const i of inspections)
    entries.push({ type: 'inspection', at: i.recorded_at, id: i.id, by: i.display_name, outcome: i.outcome, failed: i.failed_count, checklistVersion: i.version, flags: parseFlags(i.evidence_flags).length });
  const cases = await db.selectFrom('cases').select(['id', 'reported_at', 'number', 'status', 'source', 'description'])
    .where('site_id', '=', siteId).orderBy('reported_at', 'desc').limit(limit).execute();
  for (const c of cases) entries.push({ type: 'case', at: c.reported_at, id: c.id, number: c.number, status: c.status, source: c.source, description: c.description });
  const grades = await db.selectFrom('site_grade_changes').select(['id', 'changed_at', 'from_grade', 'to_grade', 'reason'])
    .where('site_id', '=', siteId).orderBy('changed_at', 'desc').limit(limit).execute();
  for (const g of grades)
    entries.push({ type: 'grade_change', at: g.changed_at, id: g.id, from: g.from_grade, to: g.to_grade, reasons: (JSON.parse(g.reason) as { reasons: string[] }).reasons });
  // Newest first; UUIDv7 ids break ties between records of the same instant.
  const steps = await db
    .selectFrom('enforcement_steps as st').innerJoin('enforcement_cases as ec', 'ec.id', 'st.enforcement_case_id')
    .select(['st.id', 'st.at', 'st.enforcement_case_id', 'st.kind', 'st.to_stage', 'st.result'])
    .where('ec.site_id', '=', siteId).orderBy('st.at', 'desc').limit(limit).execute();
  for (const st of steps)
    entries.push({ type: 'enforcement', at: st.at, id: st.id, enforcementCaseId: st.enforcement_case_id, step: st.kind, stage: st.to_stage, result: st.result });
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return {
    site: { ...site, grade: site.grade ?? null },
    items: entries.slice(0, limit),
  };
}
