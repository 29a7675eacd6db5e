/** 一网通办 front desk: appointments (预约), slot counters and queue tickets (取号). */

export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** Why the office cancelled a booking: a holiday entered on its day, its point closed, its session removed, its item no longer offered there. */
export const APPOINTMENT_CANCEL_REASONS = ['holiday', 'point_closed', 'session_removed', 'item_withdrawn'] as const;
export type AppointmentCancelReason = (typeof APPOINTMENT_CANCEL_REASONS)[number];
export const TICKET_STATUSES = ['waiting', 'called', 'serving', 'done', 'skipped'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_SOURCES = ['walk_in', 'appointment'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export interface ServiceSlotBookingTable {
  point_id: string;
  /** 'YYYY-MM-DD' (Asia/Shanghai) */
  day: string;
  /** 'HH:MM' the session starts */
  starts: string;
  booked: number;
}

export interface ServiceAppointmentTable {
  id: string;
  /** Short code the citizen shows at the window (not a secret). */
  code: string;
  /** sha256 of the link token that views or cancels the booking. */
  token_hash: string;
  subdistrict_id: string;
  committee_id: string | null;
  point_id: string;
  item_id: string;
  day: string;
  starts: string;
  ends: string;
  slot_start_at: string;
  name: string;
  /** Stored whole (the window may call the citizen back), shown masked. */
  phone: string;
  status: AppointmentStatus;
  booked_at: string;
  cancelled_at: string | null;
  checked_in_at: string | null;
  checked_in_by: string | null;
  no_show_at: string | null;
  ticket_id: string | null;
  /** Why the office cancelled the booking; null: the citizen cancelled it (or it is not cancelled). */
  cancel_reason?: AppointmentCancelReason | null;
}

export interface ServiceTicketCounterTable {
  point_id: string;
  day: string;
  prefix: string;
  last: number;
}

export interface ServiceTicketTable {
  id: string;
  subdistrict_id: string;
  committee_id: string | null;
  point_id: string;
  item_id: string;
  day: string;
  /** Order of issue at the point that day (1, 2, …). */
  seq: number;
  prefix: string;
  /** As printed: prefix + per-prefix number, e.g. A007. */
  number: string;
  source: TicketSource;
  appointment_id: string | null;
  slot_start_at: string | null;
  status: TicketStatus;
  issued_at: string;
  issued_by: string | null;
  called_at: string | null;
  called_by: string | null;
  window: string | null;
  started_at: string | null;
  finished_at: string | null;
  skipped_at: string | null;
  /** 过号重呼: when a skipped ticket was called again (its holder came back); called_at stays the first call. */
  recalled_at?: string | null;
  record_id: string | null;
  /** The item the ticket was issued for when the window switched it to another (item_id: the item served); null: never switched. */
  issued_item_id?: string | null;
}

/** Ticket statuses in which the window may switch the ticket's item (the applicant is at the window). */
export const ITEM_SWITCH_STATUSES = ['called', 'serving'] as const satisfies readonly TicketStatus[];

/** A switch of a ticket's item at the window: who, when, from, to. */
export interface ServiceTicketItemChangeTable {
  id: string;
  ticket_id: string;
  subdistrict_id: string;
  point_id: string;
  from_item_id: string;
  to_item_id: string;
  ticket_status: (typeof ITEM_SWITCH_STATUSES)[number];
  changed_by: string;
  changed_at: string;
}
