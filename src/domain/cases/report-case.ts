import type { Db } from '../../db/index.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import type { CaseCategoryTable, CaseTable } from '../../db/schema.js';
import { firstOverrideWindow, type PreloadedOverrides } from '../calendar/deadlines.js';
import { overridesColumn, preloadedOverrides } from '../calendar/preload.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { isSystemOnlyCategory } from '../catalogue/system-only.js';
import { canSeeCommittee } from '../auth/scope.js';
import { recordPhotoUses, reusedPhotos } from '../evidence/photo-checks.js';
import { notify } from '../notifications/notify.js';
import { assertBeforeAfterDiffer, assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { newIdFor } from '../shared/ids.js';
import { caseDto } from './case-dto.js';
import { ReportInput, insideChina, parseInput } from './case-input.js';
import { caseNumberArgs, nextCaseNumber, pgCaseNumber } from './case-number.js';
import { KEYS_SCOPE } from '../open311/versions.js';
import { type CaseWrite, NeedsTransaction, appendCaseEvent, eventActor, oneStatementOrTransaction } from './events.js';
import { categoryById, subdistrictPrefix } from './hot-queries.js';
import { sourceRule } from './lifecycle.js';
import { inSpotCheckSample, spotCheckPercent } from './spot-checks.js';
import { stageColumns } from './stage-deadlines.js';

/** What a report reads of its category. */
const CATEGORY_FIELDS = [
  'id', 'subdistrict_id', 'active', 'level', 'code', 'site_kinds', 'severity', 'name_zh', 'name_en', 'file_hours', 'dispatch_hours', 'handle_hours', 'check_hours', 'limit_mode', 'check_by',
] as const;
type ReportCategory = Pick<CaseCategoryTable, (typeof CATEGORY_FIELDS)[number]>;

/**
 * A report at a site reads, in one statement: the site, its subdistrict's case-number prefix, the
 * chosen category (cat_ columns, null when there is no such category) and the calendar overrides
 * of the site's subdistrict (and global ones) for the dates [from, to] its first deadline needs.
 */
const siteAndCategory = prepared((db: Db, id: string, categoryId: string, from: string, to: string) => {
  return db
    .selectFrom('sites as s')
    .innerJoin('subdistricts as d', 'd.id', 's.subdistrict_id')
    .leftJoin('case_categories as cat', (j) => j.on('cat.id', '=', categoryId))
    .select(['s.id', 's.subdistrict_id', 's.committee_id', 's.grid_id', 's.kind', 's.status', 'd.code as sub_code', 'd.case_prefix as sub_case_prefix'])
    .select(CATEGORY_FIELDS.map((f) => `cat.${f} as cat_${f}` as const))
    .select(overridesColumn(db, 's.subdistrict_id', from, to).as('cal_overrides'))
    // The integrations' keys counter, for the webhook enqueue of the report's event (key-cache.ts).
    .select((eb) => eb.selectFrom('open311_versions').select('version').where('scope', '=', KEYS_SCOPE).as('keys_version'))
    .where('s.id', '=', id);
});
const insertCase = preparedInsert('cases');

/**
 * PostgreSQL: the case row with its number taken from the day's counter in the same statement (the
 * case write of a report in ONE statement, see events.ts), keyed by the row's columns. The columns
 * are bound in name order; kept per list of present columns in the row's own order (the same all
 * day), with where each bound value sits in the row, so a report neither sorts the names nor reads
 * its 48 columns by computed name again.
 */
const pgInserts = new Map<string, { ctes: string; sql: string; order: number[] }>();
function pgReportWrite(row: CaseTable, prefix: string, at: Date): CaseWrite {
  const keys = Object.keys(row);
  const values = Object.values(row) as unknown[];
  const present: number[] = [];
  for (let i = 0; i < keys.length; i++) if (keys[i] !== 'number' && values[i] !== undefined) present.push(i);
  const seen = present.map((i) => keys[i]).join(',');
  let write = pgInserts.get(seen);
  if (!write) {
    const order = [...present].sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    const cols = order.map((i) => keys[i]);
    let n = 0;
    const p = (type?: string) => `$${++n}${type ? `::${type}` : ''}`;
    const counter = pgCaseNumber((type = 'text') => p(type));
    const placeholders = cols.map(() => p());
    write = { ctes: counter.cte, sql: `insert into cases (number, ${cols.join(', ')}) values (${counter.number}, ${placeholders.join(', ')}) returning id, number`, order };
    if (pgInserts.size < 100) pgInserts.set(seen, write);
  }
  return { ctes: write.ctes, sql: write.sql, parameters: [...caseNumberArgs(row.subdistrict_id, prefix, at), ...write.order.map((i) => values[i])] };
}

interface Place {
  subdistrictId: string;
  committeeId: string;
  gridId: string | null;
  siteId: string | null;
  siteKind: string | null;
  /** Read with the site (undefined = read separately). */
  prefetched?: { category: ReportCategory | undefined; sub: { code: string; case_prefix: string | null }; preloaded: PreloadedOverrides; keysVersion: string };
}

async function placeOf(db: Db, actor: Actor, input: ReportInput, now: Date): Promise<Place> {
  if (input.siteId) {
    const window = firstOverrideWindow(now);
    const site = (await siteAndCategory.first(db, input.siteId, input.categoryId, window.from, window.to)) as Record<string, unknown> | undefined;
    if (!site || site.status !== 'active' || !canSeeCommittee(actor, site.subdistrict_id as string, site.committee_id as string)) throw invalidField('siteId', 'unknown site');
    const category = site.cat_id === null || site.cat_id === undefined ? undefined : (Object.fromEntries(CATEGORY_FIELDS.map((f) => [f, site[`cat_${f}`]])) as ReportCategory);
    // SQLite hands the JSON back as text, PostgreSQL parsed.
    return {
      subdistrictId: site.subdistrict_id as string, committeeId: site.committee_id as string, gridId: site.grid_id as string | null, siteId: site.id as string, siteKind: site.kind as string,
      prefetched: { category, sub: { code: site.sub_code as string, case_prefix: site.sub_case_prefix as string | null }, preloaded: preloadedOverrides(site.cal_overrides, window), keysVersion: String(site.keys_version ?? 0) },
    };
  }
  if (!input.committeeId) throw invalidField('committeeId', 'required when no siteId is given');
  const committee = await db.selectFrom('committees').select(['id', 'subdistrict_id']).where('id', '=', input.committeeId).executeTakeFirst();
  if (!committee || !canSeeCommittee(actor, committee.subdistrict_id, committee.id)) throw invalidField('committeeId', 'unknown committee');
  let gridId: string | null = null;
  if (input.gridId) {
    const grid = await db.selectFrom('grids').select(['id', 'committee_id']).where('id', '=', input.gridId).executeTakeFirst();
    if (!grid || grid.committee_id !== committee.id) throw invalidField('gridId', 'unknown grid for this committee');
    gridId = grid.id;
  }
  return { subdistrictId: committee.subdistrict_id, committeeId: committee.id, gridId, siteId: null, siteKind: null };
}

/**
 * Reports a problem (any source). Self-resolved cases are created closed, with before and after
 * photos. Atomically: in the caller's transaction, or given the database itself, in ONE statement
 * on PostgreSQL when it can be (number, case, event, notice), else in a transaction of its own.
 */
export async function reportCase(db: Db, clock: Clock, actor: Actor, raw: ReportInput) {
  return oneStatementOrTransaction(db, (d, alone) => fileReport(d, clock, actor, raw, alone));
}

/** `alone`: PostgreSQL outside a transaction, every write in the event's statement (NeedsTransaction if not possible). */
async function fileReport(db: Db, clock: Clock, actor: Actor, raw: ReportInput, alone: boolean) {
  const input = parseInput(ReportInput, raw);
  assertCan(actor, 'cases.read');
  const rule = sourceRule(input.source);
  if (!rule.roles.includes(actor.role)) {
    throw new DomainError('forbidden', `Role ${actor.role} may not report cases from source ${input.source}`, { field: 'source', allowed: rule.roles });
  }
  // A self-resolved case records its photos' uses: more than one statement.
  if (alone && rule.startsAs === 'closed') throw new NeedsTransaction('a self-resolved case records its photos');
  if (!insideChina(input.lng, input.lat)) throw invalidField('lng', 'outside China');
  const now = clock.now();
  const place = await placeOf(db, actor, input, now);
  const category = place.prefetched ? place.prefetched.category : await categoryById.first(db, input.categoryId);
  if (!category || category.subdistrict_id !== place.subdistrictId || category.active !== 1) throw invalidField('categoryId', 'unknown category');
  if (category.level !== 'standard') throw invalidField('categoryId', 'choose a working standard, not a class or sub-class');
  if (isSystemOnlyCategory(category)) throw invalidField('categoryId', 'only the system opens cases of this category');
  const kinds = JSON.parse(category.site_kinds) as string[];
  if (place.siteKind && kinds.length && !kinds.includes(place.siteKind)) {
    throw invalidField('categoryId', `this standard applies to ${kinds.join(', ')}, not to a ${place.siteKind}`);
  }
  const selfResolved = rule.startsAs === 'closed';
  if (selfResolved) {
    if (!input.photoIds.length) throw invalidField('photoIds', 'a self-resolved case needs a before photo');
    if (!input.afterPhotoIds.length) throw invalidField('afterPhotoIds', 'a self-resolved case needs an after photo');
  } else if (input.afterPhotoIds.length) {
    throw invalidField('afterPhotoIds', 'only self-resolved cases carry after photos');
  }
  if (input.photoIds.length) await assertPhotosUsable(db, actor, input.photoIds, 'photoIds');
  if (input.afterPhotoIds.length) {
    await assertPhotosUsable(db, actor, input.afterPhotoIds, 'afterPhotoIds');
    await assertBeforeAfterDiffer(db, input.photoIds, input.afterPhotoIds);
  }

  const at = now.toISOString();
  const sub = place.prefetched?.sub ?? (await subdistrictPrefix.first(db, place.subdistrictId));
  if (!sub) throw new Error(`subdistrict ${place.subdistrictId} is missing`);
  const prefix = sub.case_prefix ?? `S${sub.code}`;
  // On its own, the number is taken in the event's statement (the counter row locked only while it runs).
  const number = alone ? '' : await nextCaseNumber(db, place.subdistrictId, prefix, now);
  const status = selfResolved ? 'closed' : 'reported';
  const stage = await stageColumns(db, place.subdistrictId, category, status, now, place.prefetched?.preloaded);
  const row: CaseTable = {
    id: newIdFor(clock), subdistrict_id: place.subdistrictId, committee_id: place.committeeId, grid_id: place.gridId, site_id: place.siteId,
    category_id: category.id, number, source: input.source, status, pending_request: null, requested_due_at: null,
    description: input.description, lng: input.lng, lat: input.lat, reporter_id: actor.userId, reporter_role: actor.role,
    assigned_unit_id: null, assigned_user_id: selfResolved ? actor.userId : null, merged_into_id: null, status_reason: null,
    rework_count: 0, redispatch_count: 0, reopen_count: 0, extension_count: 0, overdue_count: 0, version: 1,
    reported_at: at, filed_at: null, dispatched_at: null, handled_at: selfResolved ? at : null, closed_at: selfResolved ? at : null,
    cancelled_at: null, ...stage, handle_due_at: null, handled_on_time: selfResolved ? 1 : null, closed_on_time: selfResolved ? 1 : null,
    updated_at: at,
  };
  // 抽查: a share of self-resolved cases waits for the operations centre's spot check, and so does
  // every one whose before or after picture (same sha256) already backs another record — another
  // case's proof, a check-in, an inspection: flagged for review, as those are, not refused.
  const reused: Awaited<ReturnType<typeof reusedPhotos>> = selfResolved ? await reusedPhotos(db, [...input.photoIds, ...input.afterPhotoIds]) : [];
  if (selfResolved && (reused.length || inSpotCheckSample(row.id, await spotCheckPercent(db, row.subdistrict_id)))) row.spot_check = 'pending';
  if (!alone) await insertCase.run(db, row);
  if (selfResolved) await recordPhotoUses(db, clock, row.subdistrict_id, 'case', row.id, [...input.photoIds, ...input.afterPhotoIds], reused.photos);
  // Notify before the event: appending it locks the chain head until commit (see transition-case.ts).
  const urgent = !selfResolved && category.severity === 'urgent';
  if (urgent && alone) throw new NeedsTransaction('the urgent notice names the case number');
  if (urgent) {
    await notify(db, clock, {
      subdistrictId: row.subdistrict_id, recipients: { roles: ['operator'], committeeId: row.committee_id }, kind: 'case_urgent', caseId: row.id,
      message: { key: 'case_urgent', params: { number, categoryZh: category.name_zh, categoryEn: category.name_en, description: input.description } }, dedupeKey: `urgent:${row.id}`,
    });
  }
  const appended = await appendCaseEvent(db, clock, {
    subdistrictId: row.subdistrict_id, caseId: row.id, action: selfResolved ? 'self_resolve' : 'report', fromStatus: null, toStatus: status,
    actor: eventActor(actor), deviceAt: input.deviceAt ?? null, keysVersion: place.prefetched?.keysVersion,
    gps: { lng: input.lng, lat: input.lat, accuracy: input.accuracy ?? null }, note: input.description,
    photoIds: [...input.photoIds, ...input.afterPhotoIds],
    changes: {
      status: [null, status], ...(row.spot_check ? { spot_check: [null, row.spot_check] } : {}),
      ...(reused.length ? { reusedPhotos: [null, reused.map((f) => ({ photoId: f.photoId, ...f.detail }))] } : {}),
    },
    links: {
      committeeId: row.committee_id,
      photos: [...input.photoIds.map((photoId) => ({ photoId, purpose: 'before' as const })), ...input.afterPhotoIds.map((photoId) => ({ photoId, purpose: 'after' as const }))],
    },
  }, alone ? pgReportWrite(row, prefix, now) : undefined, alone ? {} : undefined);
  if (alone) row.number = String(appended.written?.number);
  return caseDto(row);
}
