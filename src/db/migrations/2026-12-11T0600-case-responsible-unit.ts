import { type Kysely, sql } from 'kysely';

// The unit a case is answerable to, kept on the case row: the dashboard's folded figures count a
// case dispatched to a person by name and no unit (a committee cadre named alone, a 差评 sent to
// whoever served) against that person's unit, but the live figures (超期未处置, the open gauges)
// and the unit filter of the dashboard and the case desk read `assigned_unit_id`, empty for such a
// case. Every dispatch now writes `responsible_unit_id`; the cases dispatched before get it by the
// same rule as it is on this date: the unit named, else the person's handling unit, else the
// committee's own unit for a cadre or the subdistrict's enforcement team for an officer (the first
// by id). A case never dispatched (reported, filed, 自发自处) has none.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('responsible_unit_id', 'text', (c) => c.references('handling_units.id')).execute();
  await backfillResponsibleUnits(db);
  // The unit's live figures and the desk's unit filter: by unit, then status (as cases_unit_status_ix).
  await db.schema.createIndex('cases_responsible_status_ix').on('cases').columns(['responsible_unit_id', 'status', 'id']).execute();
}

/** The unit each case dispatched so far is answerable to, by the rule of this date. */
export async function backfillResponsibleUnits(db: Kysely<any>): Promise<void> {
  await sql`update cases set responsible_unit_id = assigned_unit_id where assigned_unit_id is not null`.execute(db);
  await sql`
    update cases set responsible_unit_id = (
      select coalesce(p.handling_unit_id, case
        when p.role = 'cadre' then (select min(hu.id) from handling_units hu
          where hu.subdistrict_id = cases.subdistrict_id and hu.kind = 'committee' and hu.committee_id = cases.committee_id)
        when p.role = 'enforcement' then (select min(hu.id) from handling_units hu
          where hu.subdistrict_id = cases.subdistrict_id and hu.kind = 'enforcement_team')
        end)
      from users p where p.id = cases.assigned_user_id)
    where assigned_unit_id is null and assigned_user_id is not null and dispatched_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_responsible_status_ix').execute();
  await db.schema.alterTable('cases').dropColumn('responsible_unit_id').execute();
}
