import { parseHours } from '../../shared/format';
import type { PartyKind, Site, SiteKind } from '../../shared/types';

export interface SiteFormState {
  kind: SiteKind;
  name: string;
  address: string;
  committeeId: string;
  gridCode: string;
  lng: string;
  lat: string;
  hours: string;
  qrCode: string;
  partyName: string;
  partyKind: PartyKind;
  contactName: string;
  contactPhone: string;
}

export const EMPTY_SITE: SiteFormState = {
  kind: 'bin_room', name: '', address: '', committeeId: '', gridCode: '', lng: '', lat: '', hours: '07:00-09:00, 18:00-20:00',
  qrCode: '', partyName: '', partyKind: 'property_company', contactName: '', contactPhone: '',
};

export function fromSite(s: Site): SiteFormState {
  const p = s.responsibleParty;
  return {
    kind: s.kind, name: s.name, address: s.address, committeeId: s.committeeId, gridCode: s.gridCode ?? '',
    lng: String(s.lng), lat: String(s.lat), hours: (s.disposalHours ?? []).map(([a, b]) => `${a}-${b}`).join(', '),
    qrCode: s.qrCode ?? '', partyName: p?.name ?? '', partyKind: p?.kind ?? 'property_company',
    contactName: p?.contactName ?? '', contactPhone: p?.contactPhone ?? '',
  };
}

const orNull = (s: string) => (s.trim() ? s.trim() : null);
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** The request body (SiteInput for a new site, SitePatch for an edit), or the field that is malformed. */
export function toBody(f: SiteFormState, version: number | null): { body: Record<string, unknown> } | { badField: 'disposalHours' } {
  let disposalHours: [string, string][] | null = null;
  if (f.kind === 'bin_room' && f.hours.trim()) {
    disposalHours = parseHours(f.hours);
    if (!disposalHours) return { badField: 'disposalHours' };
  }
  const body: Record<string, unknown> = {
    name: f.name,
    address: f.address,
    committeeId: f.committeeId,
    gridCode: orNull(f.gridCode),
    lng: num(f.lng),
    lat: num(f.lat),
    disposalHours,
    qrCode: orNull(f.qrCode),
    responsibleParty: f.partyName.trim()
      ? { name: f.partyName.trim(), kind: f.partyKind, contactName: orNull(f.contactName), contactPhone: orNull(f.contactPhone) }
      : null,
  };
  if (version === null) body.kind = f.kind;
  else body.version = version;
  return { body };
}
