import { type Kysely, sql } from 'kysely';
import { isPostgres } from './_dialect.js';

/**
 * Enforcement documents' PDFs move to the shared file store (local folder or S3), stored like
 * photos under the key of their SHA-256 (`pdf_sha256`), so the bytes are no longer a column of
 * the database. `pdf` becomes optional: documents issued before keep their bytes there until
 * `closeloop storage migrate` has copied them into the store; new documents leave it null.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await setPdfNullable(db, true);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Only possible while every document still holds its bytes in the database.
  await setPdfNullable(db, false);
}

async function setPdfNullable(db: Kysely<any>, nullable: boolean) {
  if (isPostgres(db)) {
    await sql.raw(`alter table enforcement_documents alter column pdf ${nullable ? 'drop' : 'set'} not null`).execute(db);
    return;
  }
  // SQLite cannot drop NOT NULL in place: the table is copied aside, created again from its own
  // stored DDL without the constraint, refilled and its indexes recreated, in one transaction.
  const [from, to] = nullable ? ['"pdf" blob not null', '"pdf" blob'] : ['"pdf" blob', '"pdf" blob not null'];
  await db.transaction().execute(async (trx) => {
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    const ddl = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'enforcement_documents'`.execute(trx)).rows[0]!.sql;
    const at = ddl.indexOf(`${from},`);
    if (at === -1) throw new Error(`enforcement_documents: ${from} not found in its DDL`);
    const indexes = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'enforcement_documents' and sql is not null`.execute(trx)).rows;
    await sql.raw('create table enforcement_documents__copy as select * from enforcement_documents').execute(trx);
    await sql.raw('drop table enforcement_documents').execute(trx);
    await sql.raw(ddl.slice(0, at) + to + ddl.slice(at + from.length)).execute(trx);
    await sql.raw('insert into enforcement_documents select * from enforcement_documents__copy').execute(trx);
    await sql.raw('drop table enforcement_documents__copy').execute(trx);
    for (const ix of indexes) await sql.raw(ix.sql).execute(trx);
  });
}
