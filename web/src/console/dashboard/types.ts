export type Rate = number | null;
export interface Kpis {
  found: number; reported: number; selfResolved: number; handled: number; closed: number; dueForClosure: number; dueClosed: number; rework: number;
  holds: number; extensions: number; overdueUnhandled: number; closureRate: Rate; onTimeClosureRate: Rate; onTimeHandlingRate: Rate;
  reworkRate: Rate; selfResolvedShare: Rate; medianCloseMinutes: number | null;
}
export interface Summary {
  kpis: Kpis;
  score: number | null;
  grade: string | null;
  open: { open: number; overdueNow: number; onHold: number; extensionsPending: number; byStatus: Record<string, number> };
  /** The enforcement figures, for viewers who may read them (null otherwise): only those the board shows. */
  enforcement?: { overdueFines: number; overdueService: number } | null;
}
export interface RankRow { id: string; name: string; rank: number; score: number | null; grade: string | null; kpis: Kpis }
export interface Rankings { level: 'committee' | 'subdistrict' | 'unit'; rows: RankRow[]; red: string[]; black: string[] }
export interface DailyPoint { day: string; found: number; closed: number; overdue: number; selfResolved: number }
export interface HourPoint { hour: string; found: number; closed: number }
export interface CategoryRow { code: string; zh: string; en: string; found: number; closed: number; overdue: number }
export interface MapSite { id: string; name: string; kind: 'bin_room' | 'institution' | 'shop'; committeeId: string; lng: number; lat: number; grade: string | null; openProblems: number }
export interface FeedCase {
  id: string; number: string; status: string; description: string; reportedAt: string; committeeId: string;
  category: { zh: string; en: string }; thumbUrl: string | null;
}
export interface PointWaits {
  pointId: string; name: string; kind: string; tickets: number; called: number; served: number;
  waitMedianS: number | null; waitP90S: number | null; serviceMedianS: number | null; serviceP90S: number | null;
}
export interface ServicesFigures {
  records: { acceptedToday: number; finishedToday: number; overdue: number };
  ratings: { total: number; good: number; bad: number; goodRate: Rate };
  badRatings: { open: number; pastDue: number };
  terminals: { monitored: number; down: number };
  zones: { grids: number; builtGrids: number; plannedGrids: number; uncoveredGrids: number; builtZones: number; plannedZones: number };
}
export interface ServicesBoardRow extends ServicesFigures { subdistrictId: string; name: string; waits: PointWaits[] }
export interface ServicesBoard { date: string; at: string; ratingWindow: { days: number }; totals: ServicesFigures | null; subdistricts: ServicesBoardRow[] }
