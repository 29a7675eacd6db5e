/** The answers of the public 一网通办 endpoints the point pages read. */
export interface PublicItem {
  id: string;
  nameZh: string;
  nameEn: string;
  promisedLimitDays: number;
  legalLimitDays: number;
  fee: string;
  visits: number;
  materialCount: number;
  noMaterials: boolean;
  channels: string[];
  mode: 'direct' | 'separated';
}

export interface PublicPoint {
  id: string;
  code: string;
  name: string;
  kind: string;
  status: 'planned' | 'built' | 'closed';
  building: string | null;
  address: string;
  phone: string | null;
  staffed: boolean;
  targetOn: string | null;
  closedOn: string | null;
  subdistrict: { name: string; nameEn: string };
  today: string;
  days: { date: string; weekday: number; holiday: boolean; sessions: { starts: string; ends: string }[] }[];
  categories: { id: string; code: string; nameZh: string; nameEn: string; items: PublicItem[] }[];
  itemCount: number;
  /** 好差评 of the last `days` days (voided ones left out); goodRate null without ratings. */
  ratings: { days: number; total: number; good: number; goodRate: number | null };
}

export interface PublicGuide {
  id: string;
  version: number;
  nameZh: string;
  nameEn: string;
  department: string;
  conditions: string;
  materials: { name: string; form: 'original' | 'copy' | 'original_and_copy'; copies: number; eLicenceExempt: boolean; deferrable: boolean; note: string }[];
  legalLimitDays: number;
  promisedLimitDays: number;
  fee: string;
  placesHours: string;
  visits: number;
  mode: 'direct' | 'separated';
  consultPhone: string;
  complaintPhone: string;
}

export interface RatingTarget {
  number: string;
  itemName: string;
  itemNameEn: string;
  pointName: string;
  pointAddress: string;
  acceptedAt: string;
  status: string;
  rated: { level: number; ratedAt: string } | null;
  closesAt: string;
  open: boolean;
}

export interface Slot {
  day: string;
  starts: string;
  ends: string;
  startAt: string;
  capacity: number;
  booked: number;
  left: number;
}

/** A booking as its link shows it (name and phone masked). */
export interface BookingView {
  code: string;
  status: 'booked' | 'cancelled' | 'checked_in' | 'no_show';
  pointId: string;
  pointName: string;
  address: string;
  itemId: string;
  itemName: string | null;
  itemNameEn: string | null;
  day: string;
  starts: string;
  ends: string;
  slotStartAt: string;
  name: string | null;
  phone: string | null;
  cancellable: boolean;
  /** Who cancelled: the citizen by this link, or the office (then `cancelReason` says why). */
  cancelledBy?: 'citizen' | 'office' | null;
  cancelReason?: 'holiday' | 'point_closed' | 'session_removed' | 'item_withdrawn' | null;
}
