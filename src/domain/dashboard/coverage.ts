import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { shanghaiDate } from '../checkins/local-time.js';
import { coverageBoard } from '../coverage/board.js';
import { addTotals, type CoverageTotals, subdistrictTotals } from '../coverage/coverage-memo.js';
import { fullSubdistricts } from '../auth/scope.js';
import { runningCampaigns } from '../coverage/campaigns.js';
import type { Clock } from '../shared/clock.js';
import { resolveSlice } from './slice.js';

/**
 * Totals by kind of site. A viewer who sees whole subdistricts gets the sum of each subdistrict's
 * remembered totals (coverage-memo.ts: a citywide answer recomputes only subdistricts that changed);
 * a committee-scoped viewer or a committee slice is computed directly.
 */
async function coverageTotals(db: Db, clock: Clock, actor: Actor, f: { subdistrictId?: string; committeeId?: string }, today: string): Promise<CoverageTotals> {
  const whole = fullSubdistricts(actor);
  const partial = actor.scope.some((s) => s.committeeId !== null);
  const subs = f.subdistrictId ? [f.subdistrictId] : whole;
  if (f.committeeId || (partial && !f.subdistrictId) || !subs.every((s) => whole.includes(s))) {
    return (await coverageBoard(db, clock, actor, { ...f, from: today, to: today })).totals;
  }
  const sum: CoverageTotals = {};
  for (const sub of subs) {
    addTotals(sum, await subdistrictTotals(db, sub, today, clock.now().getTime(), async () => (await coverageBoard(db, clock, actor, { subdistrictId: sub, from: today, to: today })).totals));
  }
  return sum;
}

/**
 * Coverage (巡查点位全覆盖) for the dashboard, from the patrol engineer's own functions: today's
 * bin-room check-in windows covered vs due, shops and units inspected vs due in their grade's
 * period, and the progress of running sweeps. The rate is covered / due (null when nothing is due).
 */
export async function dashboardCoverage(db: Db, clock: Clock, actor: Actor, f: { subdistrictId?: string; committeeId?: string }) {
  assertCan(actor, 'dashboard.read');
  assertCan(actor, 'coverage.read');
  await resolveSlice(db, actor, f);
  const today = shanghaiDate(clock.now());
  const totals = await coverageTotals(db, clock, actor, f, today);
  const kinds = Object.fromEntries(Object.entries(totals).map(([kind, t]) => [kind, { ...t, rate: t.due ? t.covered / t.due : null }]));
  const campaigns = (await runningCampaigns(db, actor, today, f.subdistrictId)).map((c) => ({ id: c.id, name: c.name, sites: c.sites, inspected: c.inspected, progress: c.progress, endDate: c.endDate }));
  return { date: today, kinds, campaigns };
}
