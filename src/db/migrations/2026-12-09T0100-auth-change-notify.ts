import { type Kysely, sql } from 'kysely';
import { isPostgres } from './_dialect.js';

// Resolved sessions are cached for a moment by each instance. On PostgreSQL every instance must
// hear at once when one of them ends a session, rotates it, disables a user or changes a role or
// scope: these triggers NOTIFY `closeloop_auth_<schema>` at commit (one notice per transaction;
// PostgreSQL folds identical ones). A session's idle clock (last_seen_at), a new session and a
// sign-in's failure counter change nothing cached and stay silent. SQLite is one process: its
// driver sees the writes itself.
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create or replace function closeloop_auth_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('closeloop_auth_' || tg_table_schema, '');
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger sessions_auth_changed_update after update on sessions for each row
    when (old.token_hash is distinct from new.token_hash or old.rotate_pending is distinct from new.rotate_pending
      or old.expires_at is distinct from new.expires_at or old.kind is distinct from new.kind or old.user_id is distinct from new.user_id)
    execute function closeloop_auth_changed()`.execute(db);
  await sql`create trigger sessions_auth_changed_delete after delete on sessions for each statement execute function closeloop_auth_changed()`.execute(db);
  await sql`
    create trigger users_auth_changed_update after update on users for each row
    when (old.status is distinct from new.status or old.role is distinct from new.role or old.subdistrict_id is distinct from new.subdistrict_id
      or old.handling_unit_id is distinct from new.handling_unit_id or old.must_change_password is distinct from new.must_change_password
      or old.display_name is distinct from new.display_name or old.username is distinct from new.username)
    execute function closeloop_auth_changed()`.execute(db);
  await sql`create trigger users_auth_changed_delete after delete on users for each statement execute function closeloop_auth_changed()`.execute(db);
  await sql`create trigger user_scopes_auth_changed after insert or update or delete on user_scopes for each statement execute function closeloop_auth_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop trigger if exists sessions_auth_changed_update on sessions`.execute(db);
  await sql`drop trigger if exists sessions_auth_changed_delete on sessions`.execute(db);
  await sql`drop trigger if exists users_auth_changed_update on users`.execute(db);
  await sql`drop trigger if exists users_auth_changed_delete on users`.execute(db);
  await sql`drop trigger if exists user_scopes_auth_changed on user_scopes`.execute(db);
  await sql`drop function if exists closeloop_auth_changed()`.execute(db);
}
