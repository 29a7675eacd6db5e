import { randomId } from './random-id.js';
/** Case shapes the API returns (mirrors src/domain/cases; kept by hand because the web build is separate). */
export type CaseStatus = 'reported' | 'filed' | 'dispatched' | 'handled' | 'closed' | 'cancelled' | 'on_hold' | 'merged';
export type CaseSource = 'patrol' | 'self_resolved' | 'checkin' | 'citizen' | 'camera' | 'iot' | 'enforcement';
export type CaseQueue = 'all' | 'to_file' | 'to_dispatch' | 'overdue' | 'to_check' | 'mine';
export type RequiredField = 'reason' | 'note' | 'photoIds' | 'assignee' | 'dueAt' | 'targetCaseId';

export const CASE_STATUSES: CaseStatus[] = ['reported', 'filed', 'dispatched', 'handled', 'on_hold', 'closed', 'cancelled', 'merged'];
export const CASE_SOURCES: CaseSource[] = ['patrol', 'self_resolved', 'checkin', 'citizen', 'camera', 'iot', 'enforcement'];
export const DESK_QUEUES: CaseQueue[] = ['to_file', 'to_dispatch', 'overdue', 'to_check', 'all'];

export interface Label {
  zh: string;
  en: string;
}

export interface CaseListItem {
  id: string;
  number: string;
  status: CaseStatus;
  statusLabel: Label;
  pendingRequest: string | null;
  source: CaseSource;
  description: string;
  lng: number;
  lat: number;
  committeeId: string;
  committeeName: string;
  siteId: string | null;
  siteName: string | null;
  categoryId: string;
  categoryCode: string;
  categoryNameZh: string;
  categoryNameEn: string;
  severity: string;
  assignedUnitId: string | null;
  assignedUnitName: string | null;
  /** The unit the case answers to: the assigned unit, or for a case sent to a person alone, theirs (a committee's cadre: the committee's unit). */
  responsibleUnitId: string | null;
  responsibleUnitName: string | null;
  reportedAt: string;
  stageDueAt: string | null;
  overdueAt: string | null;
  closedAt: string | null;
  reworkCount: number;
  version: number;
}
export interface CasePage {
  items: CaseListItem[];
  nextCursor: string | null;
}

export interface TimelineEvent {
  id: string;
  seq: number;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  at: string;
  deviceAt: string | null;
  lng: number | null;
  lat: number | null;
  accuracy: number | null;
  note: string | null;
  photoIds: string[];
  changes: Record<string, [unknown, unknown]>;
  /** The action's own name (立案, 派遣, 整改完成 …), never the status it led to. */
  label: { kind: 'case' | 'system' | 'enforcement'; zh: string; en: string } | null;
  /** The actor's handling unit when the event was recorded (null for earlier events). */
  actorUnit?: NamedRef | null;
  /** Where a dispatching event sent the case. */
  target?: { unit: NamedRef | null; person: NamedRef | null } | null;
  /** How far a located event was from the site (or the reported position) and the geofence verdict. */
  place?: { distanceM: number; withinFence: boolean | null; reference: 'site' | 'case' } | null;
  /** Device time minus server time, set only when beyond a small tolerance. */
  deviceOffsetMs?: number | null;
}

export interface NamedRef {
  id: string;
  name: string | null;
}

export interface AllowedAction {
  action: string;
  zh: string;
  en: string;
  requires: RequiredField[];
}

export interface CaseDetail {
  id: string;
  number: string;
  status: CaseStatus;
  statusLabel: Label;
  pendingRequest: string | null;
  requestedDueAt: string | null;
  source: CaseSource;
  committeeId: string;
  siteId: string | null;
  categoryId: string;
  description: string;
  lng: number;
  lat: number;
  version: number;
  reportedAt: string;
  stageDueAt: string | null;
  overdueAt: string | null;
  handleDueAt: string | null;
  closedAt: string | null;
  statusReason: string | null;
  reworkCount: number;
  redispatchCount: number;
  category: { code: string; nameZh: string; nameEn: string; severity: string; limitMode: string };
  committee: { name: string; nameEn: string };
  site: { id: string; name: string; kind: string; address: string } | null;
  assignedUnit: { id: string; name: string; kind: string; contactName: string | null; contactPhone: string | null } | null;
  assignedUser: { id: string; name: string } | null;
  reporter: { id: string; name: string; role: string } | null;
  photos: { id: string; eventId: string | null; purpose: string; url: string; thumbUrl: string }[];
  mergedCases: { id: string; number: string; reportedAt: string }[];
  timeline: TimelineEvent[];
  allowedActions: AllowedAction[];
}

export interface DispatchSuggestions {
  caseId: string;
  suggestions: { unitId: string; name: string; kind: string; reason: 'responsible_party' | 'committee' | 'category_default' }[];
  /** Active members of the subdistrict's handling units, offered under their unit. */
  people?: { userId: string; name: string; unitId: string }[];
}

export interface CategoryNode {
  id: string;
  parentId: string | null;
  level: 'class' | 'subclass' | 'standard';
  code: string;
  nameZh: string;
  nameEn: string;
  active: boolean;
  /** Site kinds the category is meant for; empty = every kind. */
  siteKinds?: string[];
  children: CategoryNode[];
}

export interface DuplicateCandidate {
  id: string;
  number: string;
  status: CaseStatus;
  description: string;
  distanceM: number;
  reportedAt: string;
}

export const label = (l: Label, lang: string) => (lang === 'en' ? l.en : l.zh);
export const photoUrl = (id: string) => `/api/photos/${id}`;
export const thumbUrl = (id: string) => `/api/photos/${id}/thumb`;

/** A fresh Idempotency-Key for one user action (reused if the same action is retried). */
/** A fresh idempotency key for one write (the same key on every retry of that write). */
export const idemKey = (): string => randomId();

/** Flattens the catalogue to the leaves a reporter picks from (standards, or sub-classes without any). */
export function leafCategories(tree: CategoryNode[]): { node: CategoryNode; path: CategoryNode[] }[] {
  const out: { node: CategoryNode; path: CategoryNode[] }[] = [];
  const walk = (n: CategoryNode, path: CategoryNode[]) => {
    if (!n.children.length) out.push({ node: n, path });
    for (const c of n.children) walk(c, [...path, n]);
  };
  for (const r of tree) walk(r, []);
  return out;
}
