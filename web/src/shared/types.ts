/** Shapes the API returns (mirrors src/domain; kept by hand because the web build is separate). */
export type SiteKind = 'bin_room' | 'institution' | 'shop';
export type SiteStatus = 'active' | 'retired';
export type PartyKind = 'property_company' | 'shop_operator' | 'unit';
export type Role = 'admin' | 'operator' | 'patrol' | 'cadre' | 'enforcement' | 'handler' | 'leader';

export const SITE_KINDS: SiteKind[] = ['bin_room', 'institution', 'shop'];
export const PARTY_KINDS: PartyKind[] = ['property_company', 'shop_operator', 'unit'];
export const ROLES: Role[] = ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'];

export interface ScopeEntry {
  subdistrictId: string;
  committeeId: string | null;
}
export interface Places {
  subdistricts: { id: string; code: string; name: string; nameEn: string; districtName: string; districtNameEn: string }[];
  committees: { id: string; subdistrictId: string; code: string; name: string; nameEn: string }[];
  grids: { id: string; committeeId: string; code: string; name: string }[];
}
export interface Me {
  user: { id: string; username: string; displayName: string; role: Role; handlingUnitId: string | null; scope: ScopeEntry[]; mustChangePassword?: boolean };
  permissions: string[];
  places: Places;
}
export interface ResponsibleParty {
  id?: string;
  name: string;
  kind: PartyKind;
  contactName: string | null;
  contactPhone: string | null;
}
export interface Site {
  id: string;
  subdistrictId: string;
  committeeId: string;
  committeeName: string;
  committeeNameEn: string;
  gridId: string | null;
  gridCode: string | null;
  kind: SiteKind;
  name: string;
  address: string;
  lng: number;
  lat: number;
  disposalHours: [string, string][] | null;
  qrCode: string | null;
  status: SiteStatus;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  responsibleParty: ResponsibleParty | null;
}
export interface Marker {
  id: string;
  kind: SiteKind;
  name: string;
  lng: number;
  lat: number;
  status: SiteStatus;
  committeeId: string;
}
export interface Page<T> {
  items: T[];
  total?: number;
  nextCursor: string | null;
}
export interface Staff {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  role: Role;
  subdistrictId: string | null;
  handlingUnitId: string | null;
  status: 'active' | 'disabled';
  lockedUntil: string | null;
  createdAt: string;
  scopes: { subdistrictId: string; committeeId: string | null; committeeName: string | null }[];
}
export interface ClientConfig {
  map: { tileUrl: string; tileCrs: 'wgs84' | 'gcj02' };
  /** The check-in geofence (CHECKIN_GEOFENCE_M, CHECKIN_MAX_ACCURACY_M); absent from an older server. */
  checkin?: { geofenceM: number; maxAccuracyM: number };
}
