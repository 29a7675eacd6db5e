import { type Kysely, sql } from 'kysely';
import { isPostgres } from './_dialect.js';

/**
 * PostgreSQL only. A case photo or enforcement step must name an existing case event; since
 * case_events is partitioned by month of `at` (2026-12-04T1950-monthly-partitions), that rule is a
 * constraint trigger which looked the event up by id alone: one index probe in EVERY month's
 * partition, a year of history making it twelve, ten years a hundred and twenty, on every handled
 * case (its rectification photo is linked in the same statement as its event).
 *
 * The event a link names is nearly always the one written in the same statement, at the present
 * moment: the look-up first tries the partitions of the day around now (pruned at execution, now()
 * being stable), and only when the event is not there, all of them. The rule is the same; only the
 * common case is cheaper. Frozen in time: the function is written out here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql.raw(`
    create or replace function case_event_referenced_exists() returns trigger language plpgsql set search_path from current as $$
    begin
      if new.event_id is null then return null; end if;
      if exists (select 1 from case_events where id = new.event_id and at >= now() - interval '1 day' and at < now() + interval '1 day') then
        return null;
      end if;
      if not exists (select 1 from case_events where id = new.event_id) then
        raise exception using errcode = 'foreign_key_violation', table = tg_table_name,
          message = format('insert or update on table "%s" violates foreign key "%s_event_id_fkey"', tg_table_name, tg_table_name),
          detail = format('Key (event_id)=(%s) is not present in table "case_events".', new.event_id);
      end if;
      return null;
    end $$`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql.raw(`
    create or replace function case_event_referenced_exists() returns trigger language plpgsql set search_path from current as $$
    begin
      if new.event_id is not null and not exists (select 1 from case_events where id = new.event_id) then
        raise exception using errcode = 'foreign_key_violation', table = tg_table_name,
          message = format('insert or update on table "%s" violates foreign key "%s_event_id_fkey"', tg_table_name, tg_table_name),
          detail = format('Key (event_id)=(%s) is not present in table "case_events".', new.event_id);
      end if;
      return null;
    end $$`).execute(db);
}
