import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts } from '../auth/scope.js';
import { packageCoversYear } from '../calendar/working-days.js';
import type { Clock } from '../shared/clock.js';

/** The roles a subdistrict cannot run its loop without: report, file and dispatch, handle, enforce. */
export const ESSENTIAL_ROLES: readonly Role[] = ['operator', 'patrol', 'handler', 'enforcement'];
/** Enforcement documents are issued by two officers with certificate numbers (DOMAIN.md). */
export const MIN_CERTIFIED_OFFICERS = 2;

export type SetupItemKey =
  | 'committees' | 'binRoomPlates' | 'responsibleParties' | 'categories'
  | 'essentialRoles' | 'certifiedOfficers' | 'unitsStaffed' | 'committeeCadres'
  | 'nextYearCalendar' | 'robotWebhook';

export interface SetupItem {
  key: SetupItemKey;
  done: boolean;
  /** How many things are missing (0 when done), or the figure the item is about. */
  missing: number;
  /** Names of what is missing, at most a few (role ids, committee or unit names). */
  examples: string[];
  /** Console page where it is fixed. */
  to: string;
}

export interface SubdistrictSetup {
  subdistrictId: string;
  name: string;
  items: SetupItem[];
  done: number;
  total: number;
}

const EXAMPLES = 5;
const item = (key: SetupItemKey, missing: string[] | number, to: string, done = (Array.isArray(missing) ? missing.length : missing) === 0): SetupItem => ({
  key, done, missing: Array.isArray(missing) ? missing.length : missing, examples: Array.isArray(missing) ? missing.slice(0, EXAMPLES) : [], to,
});

/** Year of a date in Shanghai. */
const shanghaiYear = (d: Date) => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(d));

/**
 * An administrator's setup checklist, per subdistrict they administer in full: is the registry
 * complete (committees, QR plates on bin rooms, a responsible party on every site, case categories),
 * are the people there (each essential role, two certified enforcement officers, staff in every
 * handling unit, a cadre in every committee), is next year's working-day calendar known, and is the
 * WeCom robot set. Each item says how many things are missing, names a few, and links the page
 * that fixes them.
 */
export async function setupChecklist(db: Db, clock: Clock, actor: Actor, opts: { globalRobot: boolean }): Promise<SubdistrictSetup[]> {
  assertCan(actor, 'setup.read');
  const subs = fullSubdistricts(actor);
  if (!subs.length) return [];
  const nextYear = shanghaiYear(clock.now()) + 1;
  const calendarKnown = packageCoversYear(nextYear);

  const [names, committees, plates, parties, categories, staff, units, cadres, overrides, robots] = await Promise.all([
    db.selectFrom('subdistricts').select(['id', 'name']).where('id', 'in', subs).orderBy('code').execute(),
    db.selectFrom('committees').select(['subdistrict_id', sql<number>`count(*)`.as('n')]).where('subdistrict_id', 'in', subs).groupBy('subdistrict_id').execute(),
    db.selectFrom('sites').select(['subdistrict_id', 'name']).where('subdistrict_id', 'in', subs).where('kind', '=', 'bin_room')
      .where('status', '=', 'active').where('qr_code', 'is', null).orderBy('name').execute(),
    db.selectFrom('sites').select(['subdistrict_id', 'name']).where('subdistrict_id', 'in', subs).where('status', '=', 'active')
      .where('responsible_party_id', 'is', null).orderBy('name').execute(),
    db.selectFrom('case_categories').select(['subdistrict_id', sql<number>`count(*)`.as('n')]).where('subdistrict_id', 'in', subs)
      .where('active', '=', 1).where('level', '=', 'standard').groupBy('subdistrict_id').execute(),
    db.selectFrom('users as u').innerJoin('user_scopes as us', 'us.user_id', 'u.id')
      .select(['us.subdistrict_id', 'u.role', 'u.cert_number', 'u.id']).distinct()
      .where('us.subdistrict_id', 'in', subs).where('u.status', '=', 'active').execute(),
    db.selectFrom('handling_units as h').leftJoin('users as u', (j) => j.onRef('u.handling_unit_id', '=', 'h.id').on('u.status', '=', 'active'))
      .select(['h.subdistrict_id', 'h.name', sql<number>`count(u.id)`.as('n')]).where('h.subdistrict_id', 'in', subs).where('h.status', '=', 'active')
      .groupBy(['h.subdistrict_id', 'h.id', 'h.name']).orderBy('h.name').execute(),
    db.selectFrom('committees as c')
      .select(['c.subdistrict_id', 'c.name'])
      .where('c.subdistrict_id', 'in', subs)
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('user_scopes as us').innerJoin('users as u', 'u.id', 'us.user_id').select('u.id')
          .whereRef('us.committee_id', '=', 'c.id').where('u.role', '=', 'cadre').where('u.status', '=', 'active'),
      )))
      .orderBy('c.name').execute(),
    calendarKnown ? Promise.resolve([]) : db.selectFrom('calendar_overrides').select(['subdistrict_id']).distinct()
      .where('date', '>=', `${nextYear}-01-01`).where('date', '<=', `${nextYear}-12-31`).execute(),
    db.selectFrom('notification_webhooks').select('subdistrict_id').where('subdistrict_id', 'in', subs).where('enabled', '=', 1).execute(),
  ]);

  const count = (rows: { subdistrict_id: string; n: number | string }[], s: string) => Number(rows.find((r) => r.subdistrict_id === s)?.n ?? 0);
  const namesIn = (rows: { subdistrict_id: string | null; name: string }[], s: string) => rows.filter((r) => r.subdistrict_id === s).map((r) => r.name);
  const globalCalendar = overrides.some((o) => o.subdistrict_id === null);

  return names.map(({ id, name }) => {
    const people = staff.filter((u) => u.subdistrict_id === id);
    const missingRoles = ESSENTIAL_ROLES.filter((r) => !people.some((u) => u.role === r));
    const certified = new Set(people.filter((u) => u.role === 'enforcement' && u.cert_number).map((u) => u.id)).size;
    const calendarDone = calendarKnown || globalCalendar || overrides.some((o) => o.subdistrict_id === id);
    const items: SetupItem[] = [
      item('committees', count(committees, id) ? 0 : 1, '/sites'),
      item('binRoomPlates', namesIn(plates, id), '/sites?kind=bin_room'),
      item('responsibleParties', namesIn(parties, id), '/sites'),
      item('categories', count(categories, id) ? 0 : 1, '/catalogue'),
      item('essentialRoles', [...missingRoles], '/staff'),
      item('certifiedOfficers', Math.max(0, MIN_CERTIFIED_OFFICERS - certified), '/staff'),
      item('unitsStaffed', units.filter((u) => u.subdistrict_id === id && Number(u.n) === 0).map((u) => u.name), '/staff'),
      item('committeeCadres', namesIn(cadres, id), '/staff'),
      { ...item('nextYearCalendar', calendarDone ? 0 : 1, '/calendar'), examples: [String(nextYear)] },
      item('robotWebhook', opts.globalRobot || robots.some((r) => r.subdistrict_id === id) ? 0 : 1, '/notifications'),
    ];
    return { subdistrictId: id, name, items, done: items.filter((i) => i.done).length, total: items.length };
  });
}
