/** Shapes of the 一网通办 API (mirrors src/domain/services-* and service-*; kept by hand like shared/types.ts). */
export const POINT_KINDS = ['centre', 'branch', 'committee_window', 'building_window', 'self_service_zone', 'terminal'] as const;
export const POINT_STATUSES = ['planned', 'built', 'closed'] as const;
export const RECORD_STATUSES = ['accepted', 'handed_off', 'returned', 'completed', 'not_accepted', 'sent_back'] as const;
export const ITEM_CHANNELS = ['counter', 'mobile_window', 'terminal', 'online'] as const;
export const ITEM_MODES = ['direct', 'separated'] as const;
export const MATERIAL_FORMS = ['original', 'copy', 'original_and_copy'] as const;
export const DELIVERIES = ['on_site', 'post', 'electronic'] as const;
export const RESOLUTIONS = ['rectify', 'explain'] as const;

export type PointKind = (typeof POINT_KINDS)[number];
export type PointStatus = (typeof POINT_STATUSES)[number];
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export type ItemChannel = (typeof ITEM_CHANNELS)[number];
export type ItemMode = (typeof ITEM_MODES)[number];
export type MaterialForm = (typeof MATERIAL_FORMS)[number];
export type Delivery = (typeof DELIVERIES)[number];

export interface MaterialSpec {
  name: string;
  form: MaterialForm;
  copies: number;
  eLicenceExempt: boolean;
  deferrable: boolean;
  note: string;
}
export interface StepSpec {
  name: string;
  days: number;
  countsTowardLimit: boolean;
}

/** The fields of a published 办事指南 (one version). */
export interface Guide {
  nameZh: string;
  nameEn: string;
  itemType: string;
  department: string;
  legalBasis: string;
  conditions: string;
  materials: MaterialSpec[];
  steps: StepSpec[];
  legalLimitDays: number;
  promisedLimitDays: number;
  fee: string;
  placesHours: string;
  visits: number;
  citywide: boolean;
  mode: ItemMode;
  channels: ItemChannel[];
  assistAllowed: boolean;
  proxyAllowed: boolean;
  consultPhone: string;
  complaintPhone: string;
  faq: string;
  effectiveFrom: string;
}
export interface ItemVersion extends Guide {
  id: string;
  itemId: string;
  version: number;
  createdAt: string;
}
export interface ServiceItem {
  id: string;
  categoryId: string;
  basicCode: string;
  implCode: string;
  latestVersion: number;
  active: boolean;
  current: ItemVersion | null;
}
export interface ServiceItemDetail extends ServiceItem {
  versions: ItemVersion[];
}
export interface ServiceCategory {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  ticketPrefix: string;
  items: ServiceItem[];
}
export interface Catalogue {
  date: string;
  categories: ServiceCategory[];
  itemCount: number;
}

export interface ServicePoint {
  id: string;
  subdistrictId: string;
  committeeId: string | null;
  gridId: string | null;
  kind: PointKind;
  code: string;
  name: string;
  building: string | null;
  address: string;
  lng: number;
  lat: number;
  phone: string | null;
  staffed: boolean;
  status: PointStatus;
  plannedOn: string | null;
  targetOn: string | null;
  builtOn: string | null;
  closedOn: string | null;
  version: number;
}
export interface PointDetail extends ServicePoint {
  sessions: { id: string; weekday: number; starts: string; ends: string; capacity: number }[];
  itemIds: string[];
  staff: { id: string; displayName: string; role: string }[];
}
export interface ServiceGrid {
  id: string;
  subdistrictId: string;
  code: string;
  name: string;
  lng: number;
  lat: number;
}
export interface GridCoverageRow extends ServiceGrid {
  subdistrictName: string;
  state: 'built' | 'planned' | 'uncovered';
  builtZones: number;
  plannedZones: number;
  plannedTarget: string | null;
  coveredBy: boolean;
}
export interface GridCoverage {
  asOf: string;
  by: string;
  totals: {
    grids: number;
    subdistricts: number;
    builtGrids: number;
    plannedGrids: number;
    uncoveredGrids: number;
    builtZones: number;
    plannedZones: number;
    coveredByDate: number;
    everyGridCoveredBy: boolean;
  };
  grids: GridCoverageRow[];
}
export interface LifeCircle {
  itemId: string;
  distanceM: number;
  /** 全市通办: any point counts; otherwise only those of the site's own subdistrict. */
  citywide: boolean;
  points: { id: string; name: string; kind: PointKind; lng: number; lat: number }[];
  sites: { total: number; covered: number; share: number | null };
  committees: { id: string; name: string; sites: number; coveredSites: number; lng: number; lat: number; nearestM: number | null; covered: boolean }[];
  uncoveredSites: { id: string; name: string; committeeId: string; lng: number; lat: number }[];
}

export interface MaterialReceipt {
  index: number;
  received: boolean;
  deferred: boolean;
}
export interface ServiceRecord {
  id: string;
  number: string;
  subdistrictId: string;
  committeeId: string | null;
  pointId: string;
  itemId: string;
  itemVersionId: string;
  staffId: string;
  applicant: { name: string; idNumber: string | null; phone: string | null };
  agent: { name: string; idNumber: string | null; authorizationRef: string | null } | null;
  assistRole: 'none' | 'assist' | 'proxy';
  materials: MaterialReceipt[];
  deferredCount: number;
  mode: ItemMode;
  status: RecordStatus;
  resultReason: string | null;
  acceptedAt: string;
  dueAt: string;
  handedOffAt: string | null;
  returnedAt: string | null;
  decidedAt: string | null;
  onTime: boolean | null;
  delivery: Delivery | null;
  deliveredAt: string | null;
  version: number;
  overdue: boolean;
}
export interface Reveal {
  id: string;
  field: 'applicant' | 'agent';
  reason: string;
  at: string;
  userName: string;
}

export interface Rating {
  id: string;
  /** Null for an anonymous rating, except to the desk (the person rated would find the rater on the record). */
  recordId: string | null;
  pointId: string;
  itemId: string;
  staffId: string;
  level: number;
  scores: { efficiency?: number; skill?: number; attitude?: number };
  comment: string | null;
  named: boolean;
  channel: string;
  ratedAt: string;
  voidedAt: string | null;
  caseId: string | null;
  caseNumber: string | null;
  caseStatus: string | null;
  dueAt: string | null;
  callbackAt: string | null;
  resolution: 'rectify' | 'explain' | null;
  onTime: boolean | null;
  appealAt: string | null;
  appealUpheld: boolean | null;
  feedback: string | null;
}
export const CONTACT_CHANNELS = ['phone', 'sms', 'visit', 'wechat'] as const;
export const CONTACT_OUTCOMES = ['reached', 'unreachable', 'declined'] as const;
export interface FollowupContact {
  id: string;
  at: string;
  by: string | null;
  byName: string | null;
  channel: (typeof CONTACT_CHANNELS)[number];
  outcome: (typeof CONTACT_OUTCOMES)[number];
  note: string;
}
export interface Followup {
  /** Whom the 回访 calls: whole for the assignee and the desk while it is open, masked otherwise; nothing for an anonymous rater. */
  rater: { named: boolean; name: string | null; phone: string | null; masked: boolean };
  ratingId: string;
  caseId: string;
  caseStatus: string;
  caseVersion: number;
  named: boolean;
  dueAt: string;
  callbackAt: string | null;
  callbackNote: string | null;
  /** Every 回访 contact, in order (callbackAt is the first's). */
  contacts?: FollowupContact[];
  resolution: 'rectify' | 'explain' | null;
  resolvedAt: string | null;
  onTime: boolean | null;
  appealReason: string | null;
  appealAt: string | null;
  appealDecidedAt: string | null;
  appealUpheld: boolean | null;
  feedback: string | null;
  feedbackAt: string | null;
}
export interface RatingKpi {
  due: number;
  onTime: number;
  rate: number | null;
  open: number;
  target: number;
}

/** A row of GET /api/services/reports/waiting-times (src/domain/service-queue/waiting-figures.ts): a point's day, over all items (itemId null) or one. */
export interface WaitingFigure {
  pointId: string;
  itemId: string | null;
  day: string;
  tickets: number;
  walkIns: number;
  called: number;
  served: number;
  skipped: number;
  waitMedianS: number | null;
  waitP90S: number | null;
  serviceMedianS: number | null;
  serviceP90S: number | null;
  appointments: number;
  checkedIn: number;
  noShows: number;
  cancelled: number;
  selfService: number;
}
export interface WaitingFigures {
  from: string;
  to: string;
  nextCursor: string | null;
  byItem: WaitingFigure[];
  byPoint: WaitingFigure[];
}

/** GET /api/services/ratings/ranking (src/domain/service-ratings/ranking.ts). */
export const RANKING_DIMENSIONS = ['point', 'staff', 'item'] as const;
export type RankingDimension = (typeof RANKING_DIMENSIONS)[number];
export interface RankingEntry {
  id: string;
  name: string;
  nameEn: string | null;
  ratings: number;
  good: number;
  bad: number;
  goodRate: number | null;
  averageLevel: number | null;
  scores: { efficiency: number | null; skill: number | null; attitude: number | null };
  badOpen: number;
  rank: number | null;
  bottom: boolean;
  bottomLastMonth: boolean;
  talk: boolean;
}
export interface RatingRanking {
  month: string;
  previousMonth: string;
  by: RankingDimension;
  from: string;
  to: string;
  minRatings: number;
  entries: RankingEntry[];
}
export interface ServiceSettings {
  badRatingDays: number;
  ratingWindowDays: number;
  noShowGraceMinutes: number;
}

export const isBadRating = (level: number) => level <= 2;

export const TERMINAL_LIST_STATES = ['down', 'up', 'unmonitored'] as const;
export type TerminalListState = (typeof TERMINAL_LIST_STATES)[number];
/** A self-service terminal or zone with its health, as `GET /api/services/terminals` lists it. */
export interface TerminalStatus {
  pointId: string;
  code: string;
  name: string;
  kind: PointKind;
  subdistrictId: string;
  committeeId: string | null;
  state: TerminalListState;
  downReason: 'silence' | 'fault' | null;
  downSince: string | null;
  tokenIssuedAt: string | null;
  lastSeenAt: string | null;
  lastHeartbeatAt: string | null;
  lastFaultAt: string | null;
  faultCode: string | null;
  faultText: string | null;
  appVersion: string | null;
  openCase: { id: string; number: string; status: string } | null;
}
export interface TerminalPage {
  totals: { points: number; up: number; down: number; unmonitored: number };
  items: TerminalStatus[];
  nextCursor: string | null;
}
