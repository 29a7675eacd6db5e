import type { Db } from '../../db/index.js';
import { DEMO_PASSWORDS } from './password-policy.js';
import { verifyPassword } from './passwords.js';

/** The demo's accounts (src/domain/demo): checked by name whatever their hash. */
const DEMO_USERNAMES = ['admin', 'operator', 'leader', 'patrol1', 'cadre01', 'enforcer1', 'handler1', 'xx-admin', 'district-admin'];

/**
 * Active accounts that still open with a demo password, for the production start-up check.
 * Bounded: argon2 is slow on purpose, so only the demo's account names and hashes shared by
 * several accounts (the seeder gives every demo account one hash) are tried — an account made
 * through the API cannot get a demo password (password-policy.ts refuses it).
 */
export async function accountsWithDemoPassword(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select(['username', 'password_hash']).where('status', '=', 'active').execute();
  const byHash = new Map<string, string[]>();
  for (const r of rows) byHash.set(r.password_hash, [...(byHash.get(r.password_hash) ?? []), r.username]);
  const found: string[] = [];
  for (const [hash, names] of byHash) {
    if (names.length < 2 && !names.some((n) => DEMO_USERNAMES.includes(n))) continue;
    for (const pw of DEMO_PASSWORDS) {
      if (await verifyPassword(hash, pw)) {
        found.push(...names);
        break;
      }
    }
  }
  return found.sort();
}
