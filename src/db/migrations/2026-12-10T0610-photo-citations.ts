import { type Kysely, sql } from 'kysely';
import { inList, isPostgres } from './_dialect.js';

/**
 * The unattached-photos purge (src/domain/photos/purge.ts) must know whether any record cites a
 * photo. Case events, enforcement steps and inspection answers keep their photos as JSON arrays
 * in text columns, which no index of either engine can search by element: the purge scanned all
 * of those tables with LIKE for every batch. `photo_citations` holds one row per (list, record,
 * photo id), written by triggers in the same statement as the list itself (insert, update of the
 * list, delete), so it cannot miss a write path the way an application-maintained mirror could.
 * A list that is not a readable JSON array gets one row with a null photo_id: the purge reads
 * that list itself, as it did before. Existing rows are copied on the way up.
 * Check-ins name their photos in plain columns: those get indexes. So does a document's PDF hash,
 * which the purge and the orphan-file sweep (src/domain/storage/orphans.ts) look up by content.
 *
 * Frozen in time: the lists are copied here, not imported.
 */
const LISTS: readonly (readonly [table: string, column: string])[] = [
  ['case_events', 'photo_ids'],
  ['enforcement_steps', 'photo_ids'],
  ['inspection_answers', 'photo_ids'],
  ['inspection_answers', 'after_photo_ids'],
];
const listName = (t: string, c: string) => `${t}.${c}`;
const triggerName = (t: string, c: string, op: string) => `photo_citations_${t}_${c}_${op}`;
const syncFunction = (c: string) => `photo_citations_sync_${c}`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('photo_citations')
    // Null: the list is not a readable JSON array (the purge parses it itself).
    .addColumn('photo_id', 'text')
    .addColumn('list', 'text', (c) => c.notNull().check(inList('list', LISTS.map(([t, c]) => listName(t, c)))))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('photo_citations_photo_ix').on('photo_citations').columns(['photo_id']).execute();
  await db.schema.createIndex('photo_citations_record_ix').on('photo_citations').columns(['list', 'record_id']).execute();
  await db.schema.createIndex('checkins_photo_ix').on('checkins').columns(['photo_id']).execute();
  await db.schema.createIndex('checkins_last_photo_ix').on('checkins').columns(['last_photo_id']).execute();
  await db.schema.createIndex('enforcement_documents_pdf_sha_ix').on('enforcement_documents').columns(['pdf_sha256']).execute();
  if (isPostgres(db)) await upPostgres(db);
  else await upSqlite(db);
}

async function upPostgres(db: Kysely<any>) {
  await sql.raw(`
    create function photo_citations_add(p_list text, p_record text, p_raw text) returns void language plpgsql set search_path from current as $$
    declare arr jsonb;
    begin
      if p_raw is null or p_raw = '[]' then return; end if;
      -- What the app writes (a JSON array of plain id strings: no quote, backslash or control character
      -- inside) is valid JSON by its shape alone: read
      -- it without the exception block below, whose subtransaction costs more than the rest together.
      if p_raw ~ '^\\[("[^"\\\\[:cntrl:]]*"(,"[^"\\\\[:cntrl:]]*")*)?\\]$' then
        insert into photo_citations (photo_id, list, record_id)
          select distinct e, p_list, p_record from jsonb_array_elements_text(p_raw::jsonb) e;
        return;
      end if;
      begin
        arr := p_raw::jsonb;
      exception when others then
        arr := null;
      end;
      if arr is null or jsonb_typeof(arr) <> 'array' then
        insert into photo_citations (photo_id, list, record_id) values (null, p_list, p_record);
      else
        insert into photo_citations (photo_id, list, record_id)
          select distinct e #>> '{}', p_list, p_record from jsonb_array_elements(arr) e where jsonb_typeof(e) = 'string';
      end if;
    end $$`).execute(db);
  // One trigger function per list column, reading it as new.<column> (not the whole row as JSON);
  // tg_argv[0]: the list's name (tg_table_name would be a partition's name).
  for (const column of [...new Set(LISTS.map(([, c]) => c))]) {
    await sql.raw(`
      create function ${syncFunction(column)}() returns trigger language plpgsql set search_path from current as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          delete from photo_citations where list = tg_argv[0] and record_id = old.id;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          perform photo_citations_add(tg_argv[0], new.id, new.${column});
        end if;
        return null;
      end $$`).execute(db);
  }
  for (const [t, c] of LISTS) {
    const run = `execute function ${syncFunction(c)}('${listName(t, c)}')`;
    // WHEN: a record without photos (most case events) never enters the function at all.
    await sql.raw(`create trigger ${triggerName(t, c, 'ins')} after insert on ${t} for each row when (new.${c} is not null and new.${c} <> '[]') ${run}`).execute(db);
    await sql.raw(`create trigger ${triggerName(t, c, 'upd')} after update of ${c}, id on ${t} for each row when (old.${c} is distinct from new.${c} or old.id is distinct from new.id) ${run}`).execute(db);
    await sql.raw(`create trigger ${triggerName(t, c, 'del')} after delete on ${t} for each row when (old.${c} is not null and old.${c} <> '[]') ${run}`).execute(db);
    await sql.raw(`select photo_citations_add('${listName(t, c)}', id, ${c}) from ${t} where ${c} <> '[]'`).execute(db);
  }
}

/** SQLite: json_each over the list when it is a JSON array; one null row when it is not. */
function sqliteInserts(t: string, c: string, row: string, from = '', where = '') {
  const list = listName(t, c);
  const isArray = `coalesce(case when json_valid(${row}.${c}) then json_type(${row}.${c}) end, '') = 'array'`;
  return [
    `insert into photo_citations (photo_id, list, record_id)
       select distinct j.value, '${list}', ${row}.id from ${from ? `${from}, ` : ''}json_each(case when ${isArray} then ${row}.${c} else '[]' end) j
       where j.type = 'text'${where ? ` and ${where}` : ''}`,
    `insert into photo_citations (photo_id, list, record_id)
       select null, '${list}', ${row}.id ${from ? `from ${from} ` : ''}where ${row}.${c} is not null and ${row}.${c} <> '[]' and not ${isArray}${where ? ` and ${where}` : ''}`,
  ];
}

async function upSqlite(db: Kysely<any>) {
  for (const [t, c] of LISTS) {
    const list = listName(t, c);
    const forget = `delete from photo_citations where list = '${list}' and record_id = old.id`;
    await sql.raw(`create trigger ${triggerName(t, c, 'ins')} after insert on ${t} for each row when new.${c} is not null and new.${c} <> '[]' begin ${sqliteInserts(t, c, 'new').join('; ')}; end`).execute(db);
    await sql.raw(`create trigger ${triggerName(t, c, 'upd')} after update of ${c}, id on ${t} for each row when old.${c} is not new.${c} or old.id is not new.id begin ${forget}; ${sqliteInserts(t, c, 'new').join('; ')}; end`).execute(db);
    await sql.raw(`create trigger ${triggerName(t, c, 'del')} after delete on ${t} for each row when old.${c} is not null and old.${c} <> '[]' begin ${forget}; end`).execute(db);
    for (const stmt of sqliteInserts(t, c, 'r', `${t} r`, `r.${c} <> '[]'`)) await sql.raw(stmt).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [t, c] of LISTS) {
    for (const op of ['ins', 'upd', 'del']) await sql.raw(`drop trigger ${triggerName(t, c, op)}${isPostgres(db) ? ` on ${t}` : ''}`).execute(db);
  }
  if (isPostgres(db)) {
    for (const c of new Set(LISTS.map(([, col]) => col))) await sql.raw(`drop function ${syncFunction(c)}()`).execute(db);
    await sql.raw('drop function photo_citations_add(text, text, text)').execute(db);
  }
  await db.schema.dropIndex('enforcement_documents_pdf_sha_ix').execute();
  await db.schema.dropIndex('checkins_last_photo_ix').execute();
  await db.schema.dropIndex('checkins_photo_ix').execute();
  await db.schema.dropTable('photo_citations').execute();
}
