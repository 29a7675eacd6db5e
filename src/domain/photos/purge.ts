import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { PhotoCitationList } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { FileStore } from '../storage/file-store.js';
import { ORPHAN_FILE_GRACE_MS } from '../storage/orphans.js';

/** Photos examined per round trip: the reference checks below read each table once per batch. */
export const PURGE_BATCH = 500;

export interface PurgeUnattachedResult {
  /** Photo rows deleted. */
  photos: number;
  /** Files (originals and thumbnails) deleted from the store: none while another row has the same content. */
  files: number;
}

type Candidate = { id: string; sha256: string; created_at: string };

/** Whether a JSON array of photo ids (case events, enforcement steps, inspection answers) names one of `ids`. */
function citedIn(json: string | null | undefined, ids: Set<string>, out: Set<string>) {
  if (!json) return;
  try {
    for (const id of JSON.parse(json) as unknown[]) if (typeof id === 'string' && ids.has(id)) out.add(id);
  } catch {
    // An unreadable array cannot prove a photo unused: keep every candidate it might name.
    for (const id of ids) if (json.includes(id)) out.add(id);
  }
}

/** The record lists photo_citations mirrors (one row per photo id, kept by triggers in the same statement). */
const LIST_COLUMNS: Record<PhotoCitationList, { table: 'case_events' | 'enforcement_steps' | 'inspection_answers'; column: 'photo_ids' | 'after_photo_ids' }> = {
  'case_events.photo_ids': { table: 'case_events', column: 'photo_ids' },
  'enforcement_steps.photo_ids': { table: 'enforcement_steps', column: 'photo_ids' },
  'inspection_answers.photo_ids': { table: 'inspection_answers', column: 'photo_ids' },
  'inspection_answers.after_photo_ids': { table: 'inspection_answers', column: 'after_photo_ids' },
};

/**
 * The look-ups `referenced` runs for a batch of photo ids, each answered by an index (checkins'
 * photo columns, photo_citations' photo_id): exported so a test can show their plans.
 */
export function citationLookups(db: Db, ids: string[]) {
  return {
    checkins: db.selectFrom('checkins').select(['photo_id', 'last_photo_id']).where((eb) => eb.or([eb('photo_id', 'in', ids), eb('last_photo_id', 'in', ids)])),
    lists: db.selectFrom('photo_citations').select('photo_id').distinct().where('photo_id', 'in', ids),
    unreadable: db.selectFrom('photo_citations').select(['list', 'record_id']).distinct().where('photo_id', 'is', null),
  };
}

/**
 * The candidates some record refers to, beyond case_photos and evidence_photo_uses (checked in
 * SQL): a check-in's photo, and the JSON photo lists of case events, enforcement steps and
 * inspection answers. Those lists are mirrored into case_photos / evidence_photo_uses when the
 * record is written; they are read here as well so that a purge never rests on that mirror alone.
 * The lists are found through photo_citations, which the database itself keeps in step with each
 * list (triggers): an index look-up per batch instead of a LIKE scan of every table. A list that
 * is not a readable JSON array is read and judged here, as before.
 */
async function referenced(db: Db, batch: Candidate[]): Promise<Set<string>> {
  const ids = batch.map((c) => c.id);
  const idSet = new Set(ids);
  const out = new Set<string>();
  const q = citationLookups(db, ids);
  for (const c of await q.checkins.execute()) {
    if (idSet.has(c.photo_id)) out.add(c.photo_id);
    if (c.last_photo_id && idSet.has(c.last_photo_id)) out.add(c.last_photo_id);
  }
  for (const r of await q.lists.execute()) if (r.photo_id) out.add(r.photo_id);
  for (const u of await q.unreadable.execute()) {
    const { table, column } = LIST_COLUMNS[u.list];
    const row = await db.selectFrom(table).select(sql<string>`${sql.ref(column)}`.as('list')).where('id', '=', u.record_id).executeTakeFirst();
    citedIn(row?.list, idSet, out);
  }
  return out;
}

/**
 * Deletes photos uploaded more than `olderThanDays` ago that nothing refers to (uploaded for a
 * report never sent, a retake, a test), and then their files, unless another photo row (another
 * uploader's copy) or an enforcement document has the same content. A photo any record cites —
 * a case or its events, a check-in, an inspection, an enforcement step, an evidence use — is
 * never deleted. Rows go first, each batch in one statement that checks the case and evidence
 * links again; a file whose delete fails is only an orphan file, never a row without its file.
 */
export async function purgeUnattachedPhotos(
  db: Db,
  clock: Clock,
  files: FileStore,
  o: { olderThanDays: number; batchSize?: number },
): Promise<PurgeUnattachedResult> {
  const cutoff = new Date(clock.now().getTime() - o.olderThanDays * 86_400_000).toISOString();
  const size = o.batchSize ?? PURGE_BATCH;
  const result: PurgeUnattachedResult = { photos: 0, files: 0 };
  let after: { created_at: string; id: string } | null = null;
  for (;;) {
    const cursor: { created_at: string; id: string } | null = after;
    const batch: Candidate[] = await db
      .selectFrom('photos')
      .select(['id', 'sha256', 'created_at'])
      .where('created_at', '<', cutoff)
      .$if(cursor !== null, (q) => q.where((eb) => eb.or([eb('created_at', '>', cursor!.created_at), eb.and([eb('created_at', '=', cursor!.created_at), eb('id', '>', cursor!.id)])])))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_photos').select('case_photos.id').whereRef('case_photos.photo_id', '=', 'photos.id'))))
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('evidence_photo_uses as u').select('u.id').whereRef('u.sha256', '=', 'photos.sha256').whereRef('u.photo_id', '=', 'photos.id'))))
      .orderBy('created_at')
      .orderBy('id')
      .limit(size)
      .execute();
    if (!batch.length) break;
    const last = batch[batch.length - 1]!;
    after = { created_at: last.created_at, id: last.id };
    const cited = await referenced(db, batch);
    const unused = batch.filter((c) => !cited.has(c.id)).map((c) => c.id);
    if (unused.length) {
      const deleted = await db
        .deleteFrom('photos')
        .where('id', 'in', unused)
        .where('created_at', '<', cutoff)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_photos').select('case_photos.id').whereRef('case_photos.photo_id', '=', 'photos.id'))))
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('evidence_photo_uses as u').select('u.id').whereRef('u.sha256', '=', 'photos.sha256').whereRef('u.photo_id', '=', 'photos.id'))))
        .returning(['sha256', 'storage_key', 'thumb_key'])
        .execute();
      result.photos += deleted.length;
      result.files += await deleteOrphanFiles(db, clock, files, deleted);
    }
    if (batch.length < size) break;
  }
  return result;
}

/**
 * Deletes the files of deleted photo rows whose content no remaining row (photo or document) has.
 * A file written or renewed within ORPHAN_FILE_GRACE_MS is left (to the orphan sweep): an upload
 * of the same bytes by someone else may have found it there (putOnce renews it) and not yet
 * committed its row.
 */
async function deleteOrphanFiles(db: Db, clock: Clock, files: FileStore, deleted: { sha256: string; storage_key: string; thumb_key: string | null }[]): Promise<number> {
  const cutoff = clock.now().getTime() - ORPHAN_FILE_GRACE_MS;
  const shas = [...new Set(deleted.map((d) => d.sha256))];
  if (!shas.length) return 0;
  const kept = new Set((await db.selectFrom('photos').select('sha256').where('sha256', 'in', shas).execute()).map((r) => r.sha256));
  for (const r of await db.selectFrom('enforcement_documents').select('pdf_sha256').where('pdf_sha256', 'in', shas).execute()) kept.add(r.pdf_sha256);
  let n = 0;
  const done = new Set<string>();
  for (const d of deleted) {
    if (kept.has(d.sha256) || done.has(d.sha256)) continue;
    done.add(d.sha256);
    for (const key of [d.storage_key, d.thumb_key]) {
      if (!key) continue;
      const st = await files.stat(key);
      if (!st || st.modifiedAt.getTime() >= cutoff) continue;
      await files.delete(key);
      n++;
    }
  }
  return n;
}

