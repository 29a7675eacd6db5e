import type { Db } from '../../db/index.js';
import { verifyChain } from '../cases/verify-chain.js';
import { verifyAuditChain } from './verify-audit.js';

export interface ChainsReport {
  ok: boolean;
  /** One line a chain: `✓ …, chain intact` or `✗ …: first broken link at seq N (event …) — problem: detail`. */
  lines: string[];
}

/**
 * Recomputes every subdistrict's case-event chain (or one subdistrict's, by code) and, for the
 * whole database, the administrative audit chain: what `closeloop audit verify` prints and what
 * `closeloop restore` checks on the restored copy (a database not yet set up has no subdistricts:
 * just the audit chain). Throws on an unknown subdistrict code.
 */
export async function verifyAllChains(db: Db, o: { subdistrictCode?: string } = {}): Promise<ChainsReport> {
  let q = db.selectFrom('subdistricts').select(['id', 'code', 'name']).orderBy('code');
  if (o.subdistrictCode) q = q.where('code', '=', o.subdistrictCode);
  const subs = await q.execute();
  if (o.subdistrictCode && !subs.length) throw new Error(`Unknown subdistrict code ${o.subdistrictCode}`);
  const lines: string[] = [];
  let ok = true;
  for (const s of subs) {
    const r = await verifyChain(db, s.id);
    ok &&= r.ok;
    const b = r.broken;
    lines.push(b ? `✗ ${s.code} ${s.name}: first broken link at seq ${b.seq}${b.eventId ? ` (event ${b.eventId})` : ''} — ${b.problem}: ${b.detail}` : `✓ ${s.code} ${s.name}: ${r.events} events, chain intact`);
  }
  if (!o.subdistrictCode) {
    const a = await verifyAuditChain(db);
    ok &&= a.ok;
    const b = a.broken;
    lines.push(b ? `✗ audit log: first broken link at seq ${b.seq}${b.entryId ? ` (entry ${b.entryId})` : ''} — ${b.problem}: ${b.detail}` : `✓ audit log: ${a.entries} entries, chain intact`);
  }
  return { ok, lines };
}
