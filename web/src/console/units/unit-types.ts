/** A handling unit as GET /api/handling-units answers it (contactPhone masked for roles that do not call units). */
export interface HandlingUnitRow {
  id: string;
  subdistrictId: string;
  committeeId: string | null;
  kind: UnitKind;
  name: string;
  nameEn: string | null;
  contactName: string | null;
  contactPhone: string | null;
  status: UnitStatus;
}

export const UNIT_KINDS = ['property_company', 'sanitation_company', 'committee', 'enforcement_team'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const UNIT_STATUSES = ['active', 'retired'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
