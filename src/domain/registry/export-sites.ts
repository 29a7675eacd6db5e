import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { writeLedger } from '../shared/xlsx.js';
import {
  PARTY_KIND_LABELS,
  SITE_COLUMNS,
  SITE_KIND_LABELS,
  type SiteColumnKey,
  formatDisposalHours,
} from './site-ledger-columns.js';
import { type Site, type SiteFilter, listSites } from './sites.js';

const PAGE = 5000;

/** Every site matching the filter in the actor's scope (listSites applies the scope). */
export async function allSites(db: Db, actor: Actor, filter: SiteFilter): Promise<Site[]> {
  const out: Site[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listSites(db, actor, filter, { after, limit: PAGE });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    after = page.nextCursor;
  }
}

export function siteToLedgerRow(s: Site): Record<SiteColumnKey, string | number | null> {
  const party = s.responsibleParty;
  return {
    name: s.name,
    kind: SITE_KIND_LABELS[s.kind],
    address: s.address,
    committee: s.committeeName,
    gridCode: s.gridCode,
    lng: s.lng,
    lat: s.lat,
    disposalHours: formatDisposalHours(s.disposalHours),
    qrCode: s.qrCode,
    partyName: party?.name ?? null,
    partyKind: party?.kind ? PARTY_KIND_LABELS[party.kind] : null,
    contactName: party?.contactName ?? null,
    contactPhone: party?.contactPhone ?? null,
  };
}

/** The site ledger (.xlsx) of what the actor may see; the same columns the import reads. */
export async function exportSites(db: Db, actor: Actor, filter: SiteFilter = {}): Promise<{ bytes: Buffer; count: number }> {
  assertCan(actor, 'registry.export');
  const sites = await allSites(db, actor, filter);
  const bytes = await writeLedger('点位台账', SITE_COLUMNS, sites.map(siteToLedgerRow));
  return { bytes, count: sites.length };
}
