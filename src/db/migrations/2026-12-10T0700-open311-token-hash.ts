import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './_dialect.js';

/**
 * The tracking token of an Open311 request or public report (tokens/{token}, the public tracking
 * link that reads a report and confirms or contests its fix) is stored as its SHA-256 (hex), like
 * every other token handed to the public: `open311_requests.token_hash` replaces `token`.
 *
 * A retry of a filing within the idempotency window must answer with the same token, which the hash
 * cannot give back: the plain token is kept in the filing's `open311_idempotency` row only, which
 * the retention job deletes once the replay window is over. Rows already there get theirs here.
 *
 * Frozen in time: the hash is SHA-256 hex of the token's UTF-8 bytes, computed here with node:crypto
 * (SQLite has none in SQL), in batches of BATCH rows so that a city's table fits in memory.
 */
const BATCH = 500;
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await upOn(db);
  // SQLite migrations run outside a transaction: the rebuild below must not be left half done.
  else await db.transaction().execute(upOn);
}

async function upOn(db: Kysely<any>) {
  await db.schema.alterTable('open311_idempotency').addColumn('token', 'text').execute();
  await sql`update open311_idempotency set token = (select o.token from open311_requests o where o.case_id = open311_idempotency.case_id)`.execute(db);

  await db.schema.alterTable('open311_requests').addColumn('token_hash', 'text').execute();
  await inBatches(db, 'token', async (rows) => rows.map((r) => [r.case_id, sha256(r.value!)]), 'token_hash');
  if (isPostgres(db)) {
    await sql`alter table open311_requests alter column token_hash set not null`.execute(db);
    // Drops the column's unique constraint (and so its index) with it.
    await sql`alter table open311_requests drop column token`.execute(db);
  } else {
    // SQLite cannot drop a column with a UNIQUE constraint: rebuild the table without it.
    await rebuildSqlite(db, 'token_hash text not null', 'token_hash');
  }
  await db.schema.createIndex('open311_requests_token_hash_uq').unique().on('open311_requests').columns(['token_hash']).execute();
}

/**
 * Back to a plain token column. The tokens themselves cannot be recovered from their hashes: a
 * request whose idempotency row still holds its token gets it back, every other request a new
 * token (its old tracking link no longer opens it).
 */
export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await downOn(db);
  else await db.transaction().execute(downOn);
}

async function downOn(db: Kysely<any>) {
  await db.schema.dropIndex('open311_requests_token_hash_uq').execute();
  await db.schema.alterTable('open311_requests').addColumn('token', 'text').execute();
  await sql`update open311_requests set token = (select max(i.token) from open311_idempotency i where i.case_id = open311_requests.case_id)`.execute(db);
  await inBatches(db, 'token', async (rows) => rows.filter((r) => r.value === null).map((r) => [r.case_id, randomBytes(18).toString('base64url')]), 'token');
  if (isPostgres(db)) {
    await sql`alter table open311_requests alter column token set not null`.execute(db);
    await sql`alter table open311_requests add constraint open311_requests_token_key unique (token)`.execute(db);
    await sql`alter table open311_requests drop column token_hash`.execute(db);
  } else {
    await rebuildSqlite(db, 'token text not null unique', 'token');
  }
  await db.schema.alterTable('open311_idempotency').dropColumn('token').execute();
}

/**
 * Walks open311_requests in case_id order, BATCH rows at a time, reading `read` and writing `write`
 * with what `change` gives back ([case_id, value] pairs; one UPDATE … FROM (VALUES …) per batch).
 */
async function inBatches(
  db: Kysely<any>,
  read: string,
  change: (rows: { case_id: string; value: string | null }[]) => Promise<[string, string][]>,
  write: string,
) {
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom('open311_requests').select(['case_id', sql<string | null>`${sql.ref(read)}`.as('value')]).orderBy('case_id').limit(BATCH);
    if (after !== null) q = q.where('case_id', '>', after);
    const rows = (await q.execute()) as { case_id: string; value: string | null }[];
    if (!rows.length) return;
    after = rows[rows.length - 1]!.case_id;
    const pairs = await change(rows);
    if (!pairs.length) continue;
    const values = sql.join(pairs.map(([id, v]) => sql`(${id}, ${v})`));
    await sql`update open311_requests set ${sql.ref(write)} = v.column2 from (values ${values}) as v where open311_requests.case_id = v.column1`.execute(db);
  }
}

/** The SQLite table as it stood before this migration, with `tokenColumn` in the token's place. */
async function rebuildSqlite(db: Kysely<any>, tokenColumn: string, tokenName: string) {
  const columns = [
    'case_id', 'subdistrict_id', 'key_id', 'channel', tokenName, 'service_code', 'address_string', 'address_id', 'attributes', 'media_url', 'contact',
    'abusive', 'abusive_reason', 'created_at', 'client_hash', 'abusive_at', 'abusive_by', 'feedback', 'feedback_at',
  ].join(', ');
  await sql.raw(`create table open311_requests_next (
    case_id text primary key references cases (id),
    subdistrict_id text not null references subdistricts (id),
    key_id text references open311_keys (id),
    channel text not null check (channel in ('open311', 'hotline', 'web')),
    ${tokenColumn},
    service_code text not null,
    address_string text,
    address_id text,
    attributes text not null,
    media_url text,
    contact text not null,
    abusive integer default 0 not null check (abusive in (0, 1)),
    abusive_reason text,
    created_at text not null,
    client_hash text,
    abusive_at text,
    abusive_by text references users (id),
    feedback text check (feedback is null or feedback in ('confirmed', 'contested')),
    feedback_at text
  )`).execute(db);
  await sql.raw(`insert into open311_requests_next (${columns}) select ${columns} from open311_requests`).execute(db);
  await sql`drop table open311_requests`.execute(db);
  await sql`alter table open311_requests_next rename to open311_requests`.execute(db);
  await db.schema.createIndex('open311_requests_key_ix').on('open311_requests').columns(['key_id', 'created_at']).execute();
  await db.schema.createIndex('open311_requests_client_ix').on('open311_requests').columns(['client_hash', 'created_at']).execute();
}
