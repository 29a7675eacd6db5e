import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { ServicePointTable } from '../../db/schema.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { isPublicHoliday, isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import { isoWeekday, pointSessions, sessionsOn } from '../service-queue/slots.js';
import { listCategories } from '../services-catalogue/catalogue.js';
import type { MaterialSpec } from '../services-catalogue/item-input.js';
import { versionInEffect } from '../services-catalogue/versions.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { BAD_RATING_MAX_LEVEL } from '../service-ratings/rating-input.js';

/**
 * What a point's public page (no account) shows: name, kind, address, opening sessions today and
 * the next six days, and the items it offers grouped by category with each guide's summary. No
 * staff, no records, no personal data; a point still planned or closed says so and offers nothing.
 * Its days follow the booking rule ({@link sessionsOn}), so the page shows what can be booked: a
 * working day its weekday's sessions (a weekend make-up workday, 调休, with none of its own
 * Monday's), an ordinary weekend day its own, a public holiday none.
 */

export interface PublicDay {
  date: string;
  weekday: number;
  /** A public holiday: the point is closed whatever its weekly sessions say. */
  holiday: boolean;
  sessions: { starts: string; ends: string }[];
}

async function loadPublicPoint(db: Db, code: string): Promise<ServicePointTable> {
  const p = await db.selectFrom('service_points').selectAll().where('code', '=', code).executeTakeFirst();
  if (!p) throw notFound('Service point', code);
  return p;
}

export async function publicPoint(db: Db, clock: Clock, code: string) {
  const p = await loadPublicPoint(db, code);
  const today = shanghaiDate(clock.now());
  const last = addDays(today, 6);
  const open = p.status === 'built';
  const [sessions, overrides, subdistrict, categories, items, ratings] = await Promise.all([
    pointSessions(db, p.id),
    loadOverrides(db, today, last, p.subdistrict_id),
    db.selectFrom('subdistricts').select(['name', 'name_en']).where('id', '=', p.subdistrict_id).executeTakeFirstOrThrow(),
    listCategories(db),
    open ? offeredItems(db, p.id, today) : Promise.resolve([]),
    publicRatings(db, p.id, clock.now()),
  ]);
  const days: PublicDay[] = [];
  for (let i = 0; i < 7; i++) {
    const date = addDays(today, i);
    const weekday = isoWeekday(date);
    const holiday = !isWorkingDay(date, overrides) && (weekday < 6 || isPublicHoliday(date, overrides));
    days.push({
      date, weekday, holiday,
      sessions: open ? sessionsOn(date, sessions, overrides).map((s) => ({ starts: s.starts, ends: s.ends })) : [],
    });
  }
  const grouped = categories
    .map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, items: items.filter((i) => i.categoryId === c.id).map(({ categoryId: _, ...i }) => i) }))
    .filter((c) => c.items.length > 0);
  return {
    id: p.id, code: p.code, name: p.name, kind: p.kind, status: p.status, building: p.building, address: p.address, lng: p.lng, lat: p.lat,
    phone: p.phone, staffed: p.staffed === 1, builtOn: p.built_on, targetOn: p.target_on, closedOn: p.closed_on,
    subdistrict: { name: subdistrict.name, nameEn: subdistrict.name_en },
    today, days, weekly: sessions.map(({ weekday, starts, ends }) => ({ weekday, starts, ends })), categories: grouped, itemCount: items.length, ratings,
  };
}

/** The days of ratings a point's public page sums up. */
export const PUBLIC_RATING_DAYS = 90;

/**
 * 好差评 made public (国办发〔2019〕51号: results are published): a point's ratings of the last
 * `PUBLIC_RATING_DAYS` days and its 好评率 — counts only, never a rater, a comment or a person.
 * Ratings voided on appeal are left out.
 */
async function publicRatings(db: Db, pointId: string, now: Date) {
  const from = new Date(now.getTime() - PUBLIC_RATING_DAYS * 86_400_000).toISOString();
  const row = await db
    .selectFrom('service_ratings')
    .select((eb) => [eb.fn.countAll<number>().as('total'), sql<number>`sum(case when level > ${BAD_RATING_MAX_LEVEL} then 1 else 0 end)`.as('good')])
    .where('point_id', '=', pointId)
    .where('rated_at', '>=', from)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  const total = Number(row?.total ?? 0);
  const good = Number(row?.good ?? 0);
  return { days: PUBLIC_RATING_DAYS, total, good, goodRate: total ? good / total : null };
}

/** The items a point offers with the guide in effect on `date` (items without one yet are left out). */
async function offeredItems(db: Db, pointId: string, date: string) {
  const rows = await db
    .selectFrom('service_point_items as pi')
    .innerJoin('service_items as i', 'i.id', 'pi.item_id')
    .innerJoin('service_item_versions as v', 'v.item_id', 'i.id')
    .select([
      'i.id', 'i.category_id', 'i.sort_order', 'i.impl_code', 'v.version', 'v.effective_from', 'v.name_zh', 'v.name_en', 'v.promised_limit_days',
      'v.legal_limit_days', 'v.fee', 'v.visits', 'v.materials', 'v.channels', 'v.mode',
    ])
    .where('pi.point_id', '=', pointId)
    .where('i.active', '=', 1)
    .where('v.effective_from', '<=', date)
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const cur = latest.get(r.id);
    if (!cur || r.effective_from > cur.effective_from || (r.effective_from === cur.effective_from && r.version > cur.version)) latest.set(r.id, r);
  }
  return [...latest.values()]
    .sort((a, b) => a.sort_order - b.sort_order || a.impl_code.localeCompare(b.impl_code))
    .map((v) => {
      const materials = JSON.parse(v.materials) as MaterialSpec[];
      return {
        id: v.id, categoryId: v.category_id, nameZh: v.name_zh, nameEn: v.name_en, promisedLimitDays: v.promised_limit_days,
        legalLimitDays: v.legal_limit_days, fee: v.fee, visits: v.visits, materialCount: materials.length,
        noMaterials: materials.every((m) => m.eLicenceExempt), channels: JSON.parse(v.channels) as string[], mode: v.mode,
      };
    });
}

/** The 办事指南 of one item the point offers, as in effect today (materials, conditions, limits, fees, phones). */
export async function publicPointItem(db: Db, clock: Clock, code: string, itemId: string) {
  const p = await loadPublicPoint(db, code);
  const offered = await db.selectFrom('service_point_items').select('item_id').where('point_id', '=', p.id).where('item_id', '=', itemId).executeTakeFirst();
  if (!offered || p.status !== 'built') throw notFound('Service item at this point', itemId);
  const v = await versionInEffect(db, itemId, shanghaiDate(clock.now()));
  if (!v) throw notFound('Service item at this point', itemId);
  const materials = (JSON.parse(v.materials) as MaterialSpec[]).map((m) => ({
    name: m.name, form: m.form, copies: m.copies, eLicenceExempt: m.eLicenceExempt, deferrable: m.deferrable, note: m.note,
  }));
  return {
    id: itemId, version: v.version, effectiveFrom: v.effective_from, nameZh: v.name_zh, nameEn: v.name_en, itemType: v.item_type,
    department: v.department, conditions: v.conditions, materials, steps: JSON.parse(v.steps) as { name: string; days: number }[],
    legalLimitDays: v.legal_limit_days, promisedLimitDays: v.promised_limit_days, fee: v.fee, placesHours: v.places_hours, visits: v.visits,
    citywide: v.citywide === 1, mode: v.mode, channels: JSON.parse(v.channels) as string[], assistAllowed: v.assist_allowed === 1,
    proxyAllowed: v.proxy_allowed === 1, consultPhone: v.consult_phone, complaintPhone: v.complaint_phone, faq: v.faq,
  };
}
