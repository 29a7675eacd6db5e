import type { Db } from '../../../src/db/index.js';

/** The committee and subdistrict a demo user is scoped to (a cadre's committee, say). */
export function scopeOf(db: Db, username: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['s.committee_id', 's.subdistrict_id'])
    .where('u.username', '=', username)
    .executeTakeFirstOrThrow();
}
