/** Shapes of the window-staff screen's API answers (mirrors src/domain/service-queue and service-records). */
export interface WindowPoint {
  id: string;
  code: string;
  name: string;
  kind: string;
  subdistrictId: string;
}

export interface Ticket {
  id: string;
  pointId: string;
  itemId: string;
  number: string;
  source: 'appointment' | 'walk_in';
  appointmentId: string | null;
  slotStartAt: string | null;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'skipped';
  issuedAt: string;
  calledAt: string | null;
  /** 过号重呼: when a skipped ticket was called again. */
  recalledAt?: string | null;
  calledBy: string | null;
  window: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  recordId: string | null;
  /** The item the ticket was taken for (itemId: the item served, once switched at the window). */
  issuedItemId?: string;
}

export interface Appointment {
  id: string;
  code: string;
  pointId: string;
  itemId: string;
  day: string;
  starts: string;
  ends: string;
  name: string;
  phone: string | null;
  status: 'booked' | 'cancelled' | 'checked_in' | 'no_show';
  ticketId: string | null;
}

export interface Material {
  name: string;
  form: string;
  copies: number;
  eLicenceExempt: boolean;
  deferrable: boolean;
  note: string;
}

export interface CatalogueItem {
  id: string;
  categoryId: string;
  current: {
    version: number;
    effectiveFrom: string;
    nameZh: string;
    nameEn: string;
    materials: Material[];
    promisedLimitDays: number;
    mode: 'direct' | 'separated';
    assistAllowed: boolean;
    proxyAllowed: boolean;
  } | null;
}

export interface ServiceRecord {
  id: string;
  number: string;
  itemId: string;
  itemVersionId: string;
  applicant: { name: string; idNumber: string | null; phone: string | null };
  mode: 'direct' | 'separated';
  status: 'accepted' | 'handed_off' | 'returned' | 'completed' | 'not_accepted' | 'sent_back';
  deferredCount: number;
  dueAt: string;
  /** The queue ticket the record serves (null for a record made without one). */
  ticketId: string | null;
  version: number;
}
