import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { SITE_KINDS, type SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, scopedCommittees, fullSubdistricts, subdistrictCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { CalendarDay } from '../calendar/day-schema.js';

export const CAMPAIGNS_PAGE_DEFAULT = 20;
export const CAMPAIGNS_PAGE_MAX = 100;


/** A sweep campaign (集中排查), e.g. the seed's two-week sweep of all 71 units and 788 shops. */
export const CampaignInput = z
  .strictObject({
    subdistrictId: z.string().min(1),
    name: z.string().trim().min(1).max(100),
    siteKinds: z.array(z.enum(SITE_KINDS)).min(1).max(3),
    /** Omit for the whole subdistrict. */
    committeeIds: z.array(z.string().min(1)).min(1).max(100).optional(),
    startDate: CalendarDay,
    endDate: CalendarDay,
  })
  .refine((c) => c.startDate <= c.endDate, { path: ['endDate'], message: 'must not be before startDate' });
export type CampaignInput = z.infer<typeof CampaignInput>;

export async function createCampaign(db: Db, clock: Clock, actor: Actor, input: CampaignInput) {
  assertCan(actor, 'campaigns.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  if (input.committeeIds) {
    const found = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', input.subdistrictId).where('id', 'in', input.committeeIds).execute();
    const ok = new Set(found.map((c) => c.id));
    const bad = input.committeeIds.findIndex((c) => !ok.has(c));
    if (bad >= 0) throw invalidField(`committeeIds.${bad}`, 'not a committee of this subdistrict');
  }
  const id = newId();
  await db
    .insertInto('campaigns')
    .values({
      id, subdistrict_id: input.subdistrictId, name: input.name, site_kinds: JSON.stringify(input.siteKinds),
      committee_ids: input.committeeIds ? JSON.stringify(input.committeeIds) : null, start_date: input.startDate,
      end_date: input.endDate, created_by: actor.userId, created_at: clock.now().toISOString(),
    })
    .execute();
  return campaignProgress(db, actor, id);
}

/**
 * Progress = sites in scope inspected within the campaign dates / sites in scope, overall and
 * per committee. A committee cadre sees the part of a campaign in their committee.
 */
export async function campaignProgress(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'coverage.read');
  const c = await db.selectFrom('campaigns').selectAll().where('id', '=', id).where(subdistrictCondition(actor, 'subdistrict_id')).executeTakeFirst();
  if (!c) throw notFound('Campaign', id);
  const kinds = JSON.parse(c.site_kinds) as SiteKind[];
  let committees = c.committee_ids ? (JSON.parse(c.committee_ids) as string[]) : null;
  if (!fullSubdistricts(actor).includes(c.subdistrict_id)) {
    const mine = scopedCommittees(actor);
    committees = (committees ?? mine).filter((x) => mine.includes(x));
    if (!committees.length) throw notFound('Campaign', id);
  }
  const inspected = db
    .selectFrom('inspections')
    .select('site_id')
    .distinct()
    .where('subdistrict_id', '=', c.subdistrict_id)
    .where('local_date', '>=', c.start_date)
    .where('local_date', '<=', c.end_date);
  let q = db
    .selectFrom('sites as s')
    .innerJoin('committees as cm', 'cm.id', 's.committee_id')
    .leftJoin(inspected.as('x'), 'x.site_id', 's.id')
    .select([
      's.committee_id as committeeId', 'cm.name as committeeName', 's.kind',
      (eb) => eb.fn.countAll<number>().as('sites'),
      (eb) => eb.fn.count<number>('x.site_id').as('inspected'),
    ])
    .where('s.subdistrict_id', '=', c.subdistrict_id)
    .where('s.status', '=', 'active')
    .where('s.kind', 'in', kinds);
  if (committees) q = q.where('s.committee_id', 'in', committees);
  const rows = (await q.groupBy(['s.committee_id', 'cm.name', 's.kind']).orderBy('cm.name').execute()).map((r) => ({
    ...r, sites: Number(r.sites), inspected: Number(r.inspected),
  }));
  const sites = rows.reduce((n, r) => n + r.sites, 0);
  const inspectedN = rows.reduce((n, r) => n + r.inspected, 0);
  return {
    id: c.id, subdistrictId: c.subdistrict_id, name: c.name, siteKinds: kinds, committeeIds: committees,
    startDate: c.start_date, endDate: c.end_date, createdAt: c.created_at,
    sites, inspected: inspectedN, progress: sites ? inspectedN / sites : 0, byCommittee: rows,
  };
}

/**
 * Campaigns with their progress, the latest start first, in pages (`after` → `nextCursor`). A
 * campaign limited to committees outside a cadre's scope is not listed, so a cadre's page can hold
 * fewer than `limit`.
 */
export async function listCampaigns(db: Db, actor: Actor, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'coverage.read');
  const limit = pageLimit(page.limit, CAMPAIGNS_PAGE_DEFAULT, CAMPAIGNS_PAGE_MAX);
  let q = db.selectFrom('campaigns').select(['id', 'start_date']).where(subdistrictCondition(actor, 'subdistrict_id'));
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['start_date', 'id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.start_date, r.id],
  );
  return { items: await progressOfVisible(db, actor, shown.map((r) => r.id)), nextCursor };
}

/** The campaigns in the actor's scope running on a day (all of them: the dashboard shows each). */
export async function runningCampaigns(db: Db, actor: Actor, day: string, subdistrictId?: string) {
  assertCan(actor, 'coverage.read');
  let q = db.selectFrom('campaigns').select('id').where(subdistrictCondition(actor, 'subdistrict_id')).where('start_date', '<=', day).where('end_date', '>=', day);
  if (subdistrictId) q = q.where('subdistrict_id', '=', subdistrictId);
  const rows = await q.orderBy('start_date', 'desc').orderBy('id', 'desc').execute();
  return progressOfVisible(db, actor, rows.map((r) => r.id));
}

async function progressOfVisible(db: Db, actor: Actor, ids: string[]) {
  const items = [];
  for (const id of ids) {
    try {
      items.push(await campaignProgress(db, actor, id));
    } catch (e) {
      // a campaign limited to committees outside this cadre's scope is simply not listed
      if (!(e instanceof DomainError && e.code === 'not_found')) throw e;
    }
  }
  return items;
}
