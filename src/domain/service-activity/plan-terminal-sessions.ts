import type { Db } from '../../db/index.js';
import type { ServiceTerminalSessionTable } from '../../db/schema/services.js';
import { addDays } from '../calendar/office-hours.js';
import { shanghaiInstant } from '../checkins/local-time.js';
import { idAt } from '../dashboard/seed/synthetic-ids.js';
import type { Random } from '../shared/random.js';

const SEC = 1000;
const MIN = 60 * SEC;

/** A built self-service terminal or zone and the items it offers. */
export interface TerminalPoint {
  id: string;
  subdistrict_id: string;
  committee_id: string | null;
  built_on: string | null;
  closed_on: string | null;
  items: string[];
}

/** The subdistrict's built terminals and self-service zones with what they offer. */
export async function loadTerminalPoints(db: Db, subdistrictId: string): Promise<TerminalPoint[]> {
  const points = await db
    .selectFrom('service_points')
    .select(['id', 'subdistrict_id', 'committee_id', 'built_on', 'closed_on'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('kind', 'in', ['terminal', 'self_service_zone'])
    .where('built_on', 'is not', null)
    .orderBy('id')
    .execute();
  if (!points.length) return [];
  const offered = await db.selectFrom('service_point_items').select(['point_id', 'item_id']).where('point_id', 'in', points.map((p) => p.id)).orderBy('item_id').execute();
  return points.map((p) => ({ ...p, items: offered.filter((o) => o.point_id === p.id).map((o) => o.item_id) }));
}

/**
 * What residents did at the terminals, day by day up to `now`: a few to a few dozen sessions a day
 * between 08:00 and 21:00 (fewer at weekends), most done in about three minutes with no materials
 * (the newspaper's residence permit), some walked away from half-way. Client ids are the
 * terminal's own, unique per terminal.
 */
export function planTerminalSessions(r: Random, points: readonly TerminalPoint[], o: { from: string; today: string; now: Date }): ServiceTerminalSessionTable[] {
  const out: ServiceTerminalSessionTable[] = [];
  const now = o.now.getTime();
  for (const p of points) {
    if (!p.items.length) continue;
    let n = 0;
    for (let day = o.from; day <= o.today; day = addDays(day, 1)) {
      if (!p.built_on || day < p.built_on || (p.closed_on && day >= p.closed_on)) continue;
      const weekday = new Date(`${day}T12:00:00+08:00`).getUTCDay();
      const count = weekday === 0 || weekday === 6 ? r.int(2, 12) : r.int(8, 30);
      const open = shanghaiInstant(day, '08:00').getTime();
      const starts = Array.from({ length: count }, () => open + r.int(0, 13 * 60) * MIN + r.int(0, 59) * SEC).sort((a, b) => a - b);
      for (const start of starts) {
        const abandoned = r.chance(0.08);
        const length = abandoned ? r.int(20, 120) * SEC : (r.chance(0.85) ? r.int(110, 260) : r.int(260, 720)) * SEC;
        if (start + length > now) continue;
        n++;
        out.push({
          id: idAt(start, r), point_id: p.id, subdistrict_id: p.subdistrict_id, committee_id: p.committee_id, client_id: `T${String(n).padStart(7, '0')}`,
          item_id: r.pick(p.items), day, started_at: new Date(start).toISOString(), finished_at: new Date(start + length).toISOString(),
          outcome: abandoned ? 'abandoned' : 'done', received_at: new Date(start + length + r.int(1, 20) * SEC).toISOString(),
        });
      }
    }
  }
  return out;
}
