import { type Kysely, sql } from 'kysely';

// The district an audit entry belongs to, for scoped search. An entry without a subdistrict was
// shown to every reader as instance-wide, so in a deployment of several districts one district
// administrator's changes (with the names and phone numbers in their before/after) were read by
// every other district's auditors. `district_id` scopes such entries to their district; an entry
// with neither column is instance-wide (a setting of the whole instance).
//
// The column is kept out of the entry's hash (src/domain/audit/audit-hash.ts lists the hashed
// fields): it is scoping metadata derived from hashed fields (the subdistrict's district, else the
// actor's), and the entries written before this migration keep verifying as they were.
//
// Existing entries get it by the rule new ones follow, as the registry stands today: the district of
// the entry's subdistrict; else, for an entry of a person, the one district their scope reaches into
// (none when it reaches into several or none); the instance-wide changes (global calendar overrides
// and the holiday package, the service catalogue, the longest token lifetime, jobs run by hand) and
// the entries of the system and the command line stay instance-wide.

const INSTANCE_WIDE_ACTIONS = ['settings.token_lifetime', 'import.service_catalogue', 'job.run'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('district_id', 'text').execute();
  await sql`
    update audit_log set district_id = (select s.district_id from subdistricts s where s.id = audit_log.subdistrict_id)
    where subdistrict_id is not null`.execute(db);
  await sql`
    update audit_log set district_id = (
      select case when count(distinct s.district_id) = 1 then min(s.district_id) end
      from user_scopes us join subdistricts s on s.id = us.subdistrict_id
      where us.user_id = audit_log.actor_user_id)
    where subdistrict_id is null and actor_user_id is not null
      and action not like 'calendar.%' and substr(action, 1, 13) <> 'service_item.'
      and action not in (${sql.join(INSTANCE_WIDE_ACTIONS)})`.execute(db);
  await db.schema.createIndex('audit_log_district_ix').on('audit_log').columns(['district_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_district_ix').execute();
  await db.schema.alterTable('audit_log').dropColumn('district_id').execute();
}
