import { newId } from '../../src/domain/shared/ids.js';
import type { TestDatabaseHandle } from './db.js';

/**
 * Two copies of a user (same role, same password), each scoped to one committee of the
 * subdistrict: `own` to `committeeId`, `other` to the subdistrict's first other committee (by
 * code). For tests of who hears of a case by role. Usernames are `${usernamePrefix}-own` and
 * `${usernamePrefix}-other`, created `at` (the test clock's now); the display name is the template's unless `displayName` gives one.
 * Answers the two new users' ids.
 */
export async function usersScopedToCommittees(
  db: TestDatabaseHandle['db'],
  like: { userId: string; subdistrictId: string; committeeId: string; at: Date },
  usernamePrefix: string,
  displayName?: (k: 'own' | 'other') => string,
): Promise<{ own: string; other: string }> {
  const at = like.at.toISOString();
  const template = await db.selectFrom('users').selectAll().where('id', '=', like.userId).executeTakeFirstOrThrow();
  const other = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', like.subdistrictId).where('id', '!=', like.committeeId).orderBy('code').executeTakeFirstOrThrow();
  const ids = { own: '', other: '' };
  for (const [k, committeeId] of [['own', like.committeeId], ['other', other.id]] as const) {
    const id = newId();
    const name = displayName ? { display_name: displayName(k) } : {};
    await db.insertInto('users').values({ ...template, ...name, id, username: `${usernamePrefix}-${k}`, phone: null, created_at: at, updated_at: at } as never).execute();
    await db.insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: like.subdistrictId, committee_id: committeeId } as never).execute();
    ids[k] = id;
  }
  return ids;
}
