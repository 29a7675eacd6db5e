/** The catalogue as GET /api/catalogue returns it (mirrors src/domain/catalogue/catalogue.ts). */
export type Level = 'class' | 'subclass' | 'standard';
export type UnitKind = 'property_company' | 'sanitation_company' | 'committee' | 'enforcement_team';
export type LimitMode = 'working' | 'calendar';
export type Severity = 'low' | 'normal' | 'high' | 'urgent';
export type SiteKind = 'bin_room' | 'institution' | 'shop';

export const UNIT_KINDS: UnitKind[] = ['property_company', 'sanitation_company', 'committee', 'enforcement_team'];
export const LIMIT_MODES: LimitMode[] = ['working', 'calendar'];
export const SEVERITIES: Severity[] = ['low', 'normal', 'high', 'urgent'];
export const SITE_KINDS: SiteKind[] = ['bin_room', 'shop', 'institution'];
export const CHILD_LEVEL: Record<Level, Level | null> = { class: 'subclass', subclass: 'standard', standard: null };

export interface Category {
  id: string;
  subdistrictId: string;
  parentId: string | null;
  level: Level;
  code: string;
  nameZh: string;
  nameEn: string;
  defaultUnitKind: UnitKind | null;
  fileHours: number;
  dispatchHours: number;
  handleHours: number;
  checkHours: number;
  limitMode: LimitMode;
  severity: Severity;
  siteKinds: SiteKind[];
  sortOrder: number;
  active: boolean;
  version: number;
}
export type CategoryNode = Category & { children: CategoryNode[] };

/** The editable part of a category, as strings for the inputs. */
export interface CategoryForm {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultUnitKind: UnitKind | '';
  fileHours: string;
  dispatchHours: string;
  handleHours: string;
  checkHours: string;
  limitMode: LimitMode;
  severity: Severity;
  siteKinds: SiteKind[];
  active: boolean;
}

export const HOUR_FIELDS = ['fileHours', 'dispatchHours', 'handleHours', 'checkHours'] as const;

export function formOf(c: Category): CategoryForm {
  return {
    code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, defaultUnitKind: c.defaultUnitKind ?? '',
    fileHours: String(c.fileHours), dispatchHours: String(c.dispatchHours), handleHours: String(c.handleHours), checkHours: String(c.checkHours),
    limitMode: c.limitMode, severity: c.severity, siteKinds: c.siteKinds, active: c.active,
  };
}

/** A new entry starts from its parent's limits (a standard usually narrows its sub-class). */
export function blankForm(parent: Category | null): CategoryForm {
  return {
    code: parent ? parent.code : '', nameZh: '', nameEn: '', defaultUnitKind: parent?.defaultUnitKind ?? '',
    fileHours: String(parent?.fileHours ?? 2), dispatchHours: String(parent?.dispatchHours ?? 2),
    handleHours: String(parent?.handleHours ?? 24), checkHours: String(parent?.checkHours ?? 8),
    limitMode: parent?.limitMode ?? 'working', severity: parent?.severity ?? 'normal', siteKinds: parent?.siteKinds ?? [], active: true,
  };
}

/** The JSON body fields shared by create and edit; hours are sent as numbers (the server names a bad one). */
export function bodyOf(f: CategoryForm) {
  return {
    code: f.code.trim(), nameZh: f.nameZh.trim(), nameEn: f.nameEn.trim(), defaultUnitKind: f.defaultUnitKind || null,
    fileHours: Number(f.fileHours), dispatchHours: Number(f.dispatchHours), handleHours: Number(f.handleHours), checkHours: Number(f.checkHours),
    limitMode: f.limitMode, severity: f.severity, siteKinds: f.siteKinds,
  };
}

export function findNode(tree: CategoryNode[], id: string | null): CategoryNode | null {
  if (!id) return null;
  for (const n of tree) {
    if (n.id === id) return n;
    const hit = findNode(n.children, id);
    if (hit) return hit;
  }
  return null;
}
