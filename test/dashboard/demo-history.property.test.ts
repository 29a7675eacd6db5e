import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Ctx, generateCases } from '../../src/domain/dashboard/seed/case-year.js';
import { seededRandom } from '../../src/domain/shared/random.js';
import { historyCtx } from '../helpers/history-ctx.js';

// The synthetic history behind the demo and the benchmarks: a desk opened at any hour shows work in
// progress, and handling units work days, not nights (unless a deadline forces them).
const ctx: Ctx = historyCtx;
const HOUR = 3_600_000;
const shanghaiHour = (iso: string) => Math.floor(Date.parse(iso) / HOUR + 8) % 24;
const anyNow = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));

describe('the synthetic case history', () => {
  it('has cases still open whatever the hour it is generated at', () => {
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { cases } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 28, casesPerDay: 60, now });
        expect(cases.some((c) => c.status === 'closed')).toBe(true);
        expect(cases.filter((c) => c.status !== 'closed' && c.status !== 'cancelled').length).toBeGreaterThan(0);
        expect(cases.every((c) => Date.parse(c.reported_at) <= now.getTime())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('has a case still open even where nearly everything is fixed on the spot and few are reported', () => {
    // Shops and units only (90 % fixed on the spot) and a thin day: the morning after can find every
    // reported case closed; the generator must still leave one in progress.
    const quiet: Ctx = { ...ctx, sites: ctx.sites.filter((x) => x.kind !== 'bin_room') };
    fc.assert(
      fc.property(fc.nat(), anyNow, fc.integer({ min: 2, max: 12 }), (seed, now, perDay) => {
        const { cases, events } = generateCases(seededRandom(seed), quiet, 'sub', 'T', { days: 3, casesPerDay: perDay, now });
        if (!cases.some((c) => c.source !== 'self_resolved' && c.status !== 'cancelled')) return;
        const open = cases.filter((c) => c.status !== 'closed' && c.status !== 'cancelled');
        expect(open.length).toBeGreaterThan(0);
        // The stalled case's events match its row: its last event leads to the status it shows.
        for (const c of open) {
          const mine = events.filter((e) => e.case_id === c.id).sort((a, b) => (a.at < b.at ? -1 : 1));
          expect(mine.at(-1)!.to_status).toBe(c.status);
          expect(mine.every((e) => Date.parse(e.at) <= now.getTime())).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('dispatches as the desk does, and only someone the live app lets handle a unit’s cases handles them', () => {
    const info = ctx.unitInfo!;
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { cases, events } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 5, casesPerDay: 40, now });
        const byId = new Map(cases.map((c) => [c.id, c]));
        for (const e of events.filter((x) => x.action === 'handle')) {
          const c = byId.get(e.case_id)!;
          const unit = info.get(c.assigned_unit_id!)!;
          expect(ctx.handlers.get(c.assigned_unit_id!)).toContain(e.actor_user_id);
          expect(['handler', 'cadre', 'enforcement']).toContain(e.actor_role);
          // A committee's unit takes its own committee's problems; containers go to a property company.
          const site = ctx.sites.find((s) => s.id === c.site_id)!;
          if (unit.kind === 'committee') expect(unit.committeeId).toBe(site.committee_id);
          const code = ctx.categories.find((k) => k.id === c.category_id)!.code;
          if (code.startsWith('A04')) expect(unit.kind).toBe('property_company');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('handles in the night only when the deadline or lateness forces it', () => {
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { events } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 10, casesPerDay: 40, now });
        for (const e of events.filter((x) => x.action === 'handle')) {
          const h = shanghaiHour(e.at);
          if (h >= 8 && h < 19) continue;
          const due = (JSON.parse(e.changes) as { stage_due_at: [string, string] }).stage_due_at[0];
          // At the last minute before the deadline, or after it (a late case).
          expect(Date.parse(e.at), `${e.case_id} handled at ${e.at}, due ${due}`).toBeGreaterThanOrEqual(Date.parse(due) - 60_000);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("finds problems in the newspaper's proportions, with categories that fit the place and descriptions a person would write", () => {
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { cases } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 28, casesPerDay: 60, now });
        const kindOf = new Map(ctx.sites.map((x) => [x.id, x.kind]));
        const cat = new Map(ctx.categories.map((c) => [c.id, c]));
        for (const c of cases) {
          expect(cat.get(c.category_id)!.siteKinds).toContain(kindOf.get(c.site_id!));
          expect(c.description).toContain(cat.get(c.category_id)!.nameZh!);
          expect(c.reporter_role).toBe(ctx.roles!.get(c.reporter_id!));
          // Patrols find on the bin-room rounds; citizens' and cameras' reports are entered by the operators.
          if (c.source === 'citizen' || c.source === 'camera') expect(c.reporter_role).toBe('operator');
          else if (kindOf.get(c.site_id!) === 'bin_room') expect(c.reporter_role).toBe('patrol');
        }
        // Bin-room rounds: 1,517 fixed on the spot to 337 reported by the patrols (4.5 : 1).
        const rooms = cases.filter((c) => kindOf.get(c.site_id!) === 'bin_room');
        const fixed = rooms.filter((c) => c.source === 'self_resolved').length;
        const reported = rooms.filter((c) => c.source === 'patrol').length;
        expect(fixed / reported).toBeGreaterThan(3.3);
        expect(fixed / reported).toBeLessThan(6.2);
        // Events carry their actor's real role; a share of the self-resolved is queued for a spot check.
        const { events } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 3, casesPerDay: 60, now });
        for (const e of events) expect(e.actor_role).toBe(e.actor_user_id ? ctx.roles!.get(e.actor_user_id) : 'system');
        const selfs = cases.filter((c) => c.source === 'self_resolved');
        const sampled = selfs.filter((c) => c.spot_check === 'pending').length / selfs.length;
        expect(sampled).toBeGreaterThan(0.05);
        expect(sampled).toBeLessThan(0.16);
        // Shops and units are swept too.
        expect(cases.some((c) => kindOf.get(c.site_id!) === 'shop' && c.source === 'self_resolved')).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
