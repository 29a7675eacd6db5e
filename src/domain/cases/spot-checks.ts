import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { CaseTable, SpotCheckState } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict } from '../auth/scope.js';
import { assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { caseDto } from './case-dto.js';
import { parseInput } from './case-input.js';
import { linkPhotos } from './case-photos.js';
import { caseVisibility, loadVisibleCase } from './case-scope.js';
import { appendCaseEvent, eventActor } from './events.js';
import { checkConflict } from './independent-check.js';
import { updateCaseColumns } from './hot-queries.js';

/**
 * Spot checks (抽查) of self-resolved cases (DOMAIN.md §4: "Self-resolved cases carry before/after
 * photos and are spot-checked"). A self-resolved case is closed by its finder on the spot; a share
 * of them, set per subdistrict (default 10 %), is sampled when reported and waits in the
 * operations centre's spot-check queue. The sample is a pure function of the case id, so it is
 * reproducible by an auditor and cannot be steered by the finder.
 */

export const DEFAULT_SPOT_CHECK_PERCENT = 10;

/** Whether a case id falls in a sample of `percent` % (its SHA-256 read as a fraction of 2^32). */
export function inSpotCheckSample(caseId: string, percent: number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const x = createHash('sha256').update(caseId).digest().readUInt32BE(0);
  return x < (percent / 100) * 2 ** 32;
}

export async function spotCheckPercent(db: Db, subdistrictId: string): Promise<number> {
  const row = await db.selectFrom('case_loop_settings').select('spot_check_percent').where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  return row ? Number(row.spot_check_percent) : DEFAULT_SPOT_CHECK_PERCENT;
}

export const SpotCheckSettingsInput = z.strictObject({ spotCheckPercent: z.number().int().min(0).max(100) });

export async function setSpotCheckPercent(db: Db, clock: Clock, actor: Actor, subdistrictId: string, raw: unknown) {
  assertCan(actor, 'cases.settings');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  const input = parseInput(SpotCheckSettingsInput, raw);
  const at = clock.now().toISOString();
  await db
    .insertInto('case_loop_settings')
    .values({ subdistrict_id: subdistrictId, spot_check_percent: input.spotCheckPercent, updated_at: at })
    .onConflict((oc) => oc.column('subdistrict_id').doUpdateSet({ spot_check_percent: input.spotCheckPercent, updated_at: at }))
    .execute();
  return { subdistrictId, spotCheckPercent: input.spotCheckPercent, updatedAt: at };
}

export const SpotCheckInput = z.strictObject({
  version: z.number().int().positive(),
  result: z.enum(['passed', 'failed']),
  note: z.string().trim().max(2000).optional(),
  photoIds: z.array(z.string().min(1)).max(9).default([]),
});
export type SpotCheckInput = z.input<typeof SpotCheckInput>;

/** Records the operations centre's spot check of a sampled self-resolved case (an event on the case). */
export async function recordSpotCheck(db: Db, clock: Clock, actor: Actor, caseId: string, raw: SpotCheckInput) {
  assertCan(actor, 'cases.spot_check');
  const input = parseInput(SpotCheckInput, raw);
  const c = await loadVisibleCase(db, actor, caseId);
  if (c.version !== input.version) throw new DomainError('stale_version', 'The case was changed by someone else; reload it', { current: caseDto(c) });
  if (c.spot_check !== 'pending') {
    throw new DomainError('transition_not_allowed', c.spot_check ? 'the spot check is already recorded' : 'this case was not sampled for a spot check', { spotCheck: c.spot_check ?? null });
  }
  if (await checkConflict(db, actor, c)) throw new DomainError('transition_not_allowed', 'independent check: you resolved this case yourself', { rule: 'independent_check' });
  if (input.result === 'failed' && !input.note) throw new DomainError('validation_failed', 'note: required when the spot check fails', { fields: [{ field: 'note', reason: 'required when the spot check fails' }] });
  if (input.photoIds.length) await assertPhotosUsable(db, actor, input.photoIds, 'photoIds');
  const at = clock.now().toISOString();
  const set: Partial<CaseTable> = { spot_check: input.result, spot_checked_at: at, spot_checked_by: actor.userId, version: c.version + 1, updated_at: at };
  if ((await updateCaseColumns(db, c.id, c.version, set)) !== 1) throw new DomainError('stale_version', 'The case was changed by someone else; reload it');
  const event = await appendCaseEvent(db, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: 'spot_check', fromStatus: c.status, toStatus: c.status,
    actor: eventActor(actor), note: input.note ?? null, photoIds: input.photoIds,
    changes: { spot_check: ['pending', input.result] },
  });
  await linkPhotos(db, c, event.id, input.photoIds, 'evidence');
  return caseDto({ ...c, ...set } as CaseTable);
}

export const SpotCheckQuery = z.strictObject({
  state: z.enum(['pending', 'passed', 'failed']).default('pending'),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The spot-check queue (pending) and its history (passed / failed), newest first. */
export async function listSpotChecks(db: Db, actor: Actor, raw: unknown) {
  assertCan(actor, 'cases.spot_check');
  const q = parseInput(SpotCheckQuery, raw);
  let query = db
    .selectFrom('cases as c')
    .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
    .innerJoin('committees as com', 'com.id', 'c.committee_id')
    .leftJoin('users as u', 'u.id', 'c.reporter_id')
    .select([
      'c.id', 'c.number', 'c.version', 'c.description', 'c.reported_at as reportedAt', 'c.spot_check as spotCheck', 'c.spot_checked_at as spotCheckedAt',
      'cat.name_zh as categoryZh', 'cat.name_en as categoryEn', 'com.name as committeeName', 'u.display_name as finderName',
    ])
    .where(caseVisibility(actor))
    .where('c.spot_check', '=', q.state as SpotCheckState);
  if (q.from) query = query.where('c.reported_at', '>=', new Date(q.from).toISOString());
  if (q.to) query = query.where('c.reported_at', '<', new Date(q.to).toISOString());
  const rows = await query.orderBy('c.id', 'desc').limit(q.limit).execute();
  const photos = await beforeAfterPhotos(db, actor, rows.map((r) => r.id));
  return { items: rows.map((r) => ({ ...r, photos: photos.get(r.id) ?? [] })) };
}

export interface SpotCheckPhoto {
  id: string;
  purpose: 'before' | 'after';
}

/**
 * The before/after photos of the listed cases, in one query for the page, so the checker compares
 * them in the list. Joined to the cases under the same visibility rule as the list itself.
 */
async function beforeAfterPhotos(db: Db, actor: Actor, caseIds: string[]): Promise<Map<string, SpotCheckPhoto[]>> {
  const byCase = new Map<string, SpotCheckPhoto[]>();
  if (!caseIds.length) return byCase;
  const rows = await db
    .selectFrom('case_photos as cp')
    .innerJoin('cases as c', 'c.id', 'cp.case_id')
    .select(['cp.case_id as caseId', 'cp.photo_id as id', 'cp.purpose'])
    .where('cp.case_id', 'in', caseIds)
    .where('cp.purpose', 'in', ['before', 'after'])
    .where(caseVisibility(actor))
    .orderBy('cp.id')
    .execute();
  for (const r of rows) {
    const list = byCase.get(r.caseId) ?? [];
    list.push({ id: r.id, purpose: r.purpose as SpotCheckPhoto['purpose'] });
    byCase.set(r.caseId, list);
  }
  return byCase;
}

export interface SpotCheckKpi {
  selfResolved: number;
  sampled: number;
  pending: number;
  passed: number;
  failed: number;
  /** sampled / self-resolved */
  sampleRate: number | null;
  /** passed / (passed + failed) */
  passRate: number | null;
}

/** The spot-check KPI over self-resolved cases reported in [from, to). */
export async function spotCheckKpi(db: Db, actor: Actor, raw: unknown): Promise<SpotCheckKpi> {
  assertCan(actor, 'dashboard.read');
  const q = parseInput(SpotCheckQuery.pick({ from: true, to: true }), raw);
  let query = db
    .selectFrom('cases as c')
    .select(['c.spot_check as state', (eb) => eb.fn.countAll<number>().as('n')])
    .where(caseVisibility(actor))
    .where('c.source', '=', 'self_resolved');
  if (q.from) query = query.where('c.reported_at', '>=', new Date(q.from).toISOString());
  if (q.to) query = query.where('c.reported_at', '<', new Date(q.to).toISOString());
  const rows = await query.groupBy('c.spot_check').execute();
  const n = (s: SpotCheckState | null) => Number(rows.find((r) => (r.state ?? null) === s)?.n ?? 0);
  const passed = n('passed');
  const failed = n('failed');
  const pending = n('pending');
  const sampled = passed + failed + pending;
  const selfResolved = sampled + n(null);
  return {
    selfResolved, sampled, pending, passed, failed,
    sampleRate: selfResolved ? sampled / selfResolved : null,
    passRate: passed + failed ? passed / (passed + failed) : null,
  };
}
