import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

/**
 * Photos record who uploaded them. Photos that come in over Open311 or the public page are
 * uploaded by one system account: disabled (it can never sign in), without scope, so it can
 * see nothing itself.
 */
export const INTAKE_USERNAME = 'system-open311';

export async function intakeActor(db: Db, clock: Clock, subdistrictId: string): Promise<Actor> {
  let user = await db.selectFrom('users').select(['id']).where('username', '=', INTAKE_USERNAME).executeTakeFirst();
  if (!user) {
    const at = clock.now().toISOString();
    await db
      .insertInto('users')
      .values({
        id: newId(), username: INTAKE_USERNAME, display_name: '公众上报（系统）', phone: null, password_hash: '!', role: 'patrol', subdistrict_id: null,
        handling_unit_id: null, status: 'disabled', failed_logins: 0, locked_until: null, created_at: at, updated_at: at,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .execute();
    user = await db.selectFrom('users').select(['id']).where('username', '=', INTAKE_USERNAME).executeTakeFirstOrThrow();
  }
  return { userId: user.id, username: INTAKE_USERNAME, displayName: '公众上报（系统）', role: 'patrol', subdistrictId, handlingUnitId: null, scope: [] };
}
