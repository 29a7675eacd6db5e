import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import type { Actor } from './actor.js';
import { assertAcceptablePassword } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { endSessionsOf, renewSession, revokeTokensOf } from './session-lifecycle.js';

/**
 * A person sets their own password (the first sign-in after an administrator created the account
 * or reset its password, or any time). The current password is asked again (ASVS 2.1.5); every
 * other session of the person ends and this one gets a new id. The caller owns the transaction.
 */
export async function changeOwnPassword(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  sessionToken: string | null,
) {
  const user = await db.selectFrom('users').select(['password_hash', 'username']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) throw invalidField('currentPassword', 'is not your current password');
  if (input.newPassword === input.currentPassword) throw invalidField('newPassword', 'must differ from the current password');
  assertAcceptablePassword('newPassword', input.newPassword, user.username);
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(input.newPassword), must_change_password: 0, updated_at: clock.now().toISOString() })
    .where('id', '=', actor.userId)
    .execute();
  const endedSessions = await endSessionsOf(db, actor.userId, sessionToken);
  // A token minted by whoever had the old password goes with it.
  await revokeTokensOf(db, clock.now().toISOString(), actor.userId);
  const renewed = sessionToken ? await renewSession(db, clock, sessionToken) : null;
  return { endedSessions, renewed };
}
