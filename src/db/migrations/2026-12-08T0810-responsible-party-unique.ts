import { type Kysely, sql } from 'kysely';

// A responsible party (管理责任人) is one per subdistrict, kind and name: sites and enforcement cases
// share it. Two requests naming the same new party at once each inserted one; the unique index
// makes the second share the first's. Parties already doubled are merged into the earliest-created
// (ties: the smallest id), whose row the sites and enforcement cases of the others now point at.
export async function up(db: Kysely<any>): Promise<void> {
  const keeper = sql`(
    select k.id from responsible_parties k
    where k.subdistrict_id = d.subdistrict_id and k.kind = d.kind and k.name = d.name
    order by k.created_at, k.id limit 1
  )`;
  const doubled = sql`(
    select d.id, ${keeper} as keeper_id from responsible_parties d
  )`;
  await sql`
    update sites set responsible_party_id = (select m.keeper_id from ${doubled} m where m.id = sites.responsible_party_id)
    where responsible_party_id in (select m.id from ${doubled} m where m.id <> m.keeper_id)`.execute(db);
  await sql`
    update enforcement_cases set party_id = (select m.keeper_id from ${doubled} m where m.id = enforcement_cases.party_id)
    where party_id in (select m.id from ${doubled} m where m.id <> m.keeper_id)`.execute(db);
  await sql`delete from responsible_parties where id in (select m.id from ${doubled} m where m.id <> m.keeper_id)`.execute(db);
  await db.schema.dropIndex('responsible_parties_sub_name_ix').execute();
  await db.schema
    .createIndex('responsible_parties_sub_kind_name_uq')
    .on('responsible_parties')
    .columns(['subdistrict_id', 'kind', 'name'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('responsible_parties_sub_kind_name_uq').execute();
  await db.schema.createIndex('responsible_parties_sub_name_ix').on('responsible_parties').columns(['subdistrict_id', 'name']).execute();
}
