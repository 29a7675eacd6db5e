import { shanghaiToday, wallToIso } from '../../shared/dates.js';

/**
 * The later service (送达) of a document the party was absent for, as the officer's form sends it
 * to POST /api/enforcement/documents/:id/service (src/domain/enforcement/service.ts): each way of
 * service needs its own evidence and sends nothing of another way.
 */
export type LaterMethod = 'post' | 'electronic_with_consent' | 'public_notice';
export const LATER_METHODS: readonly LaterMethod[] = ['post', 'electronic_with_consent', 'public_notice'];

export interface ServiceValues {
  /** post: the date on the return receipt, YYYY-MM-DD. */
  receivedOn: string;
  trackingNumber: string;
  /** electronic: when it reached the party's system, Shanghai wall time YYYY-MM-DDTHH:mm. */
  deliveredAt: string;
  address: string;
  consent: string;
  /** public notice: the day it was published, YYYY-MM-DD. */
  publishedOn: string;
  medium: string;
  reason: string;
  note: string;
}

export const EMPTY_SERVICE: ServiceValues = { receivedOn: '', trackingNumber: '', deliveredAt: '', address: '', consent: '', publishedOn: '', medium: '', reason: '', note: '' };

/** The fields each way shows, in the order the form shows them. */
export const FIELDS_OF: Record<LaterMethod, readonly Exclude<keyof ServiceValues, 'note'>[]> = {
  post: ['receivedOn', 'trackingNumber'],
  electronic_with_consent: ['consent', 'address', 'deliveredAt'],
  public_notice: ['publishedOn', 'medium', 'reason'],
};

/** A refusal before sending: the field and the message key under enforcement.service.errors. */
export interface ServiceProblem {
  field: keyof ServiceValues;
  key: string;
}

export type ServiceRequest =
  | { ok: true; body: Record<string, string | number> }
  | { ok: false; problems: ServiceProblem[] };

/**
 * The request body for a later service, or what the officer still has to fill in: every field of
 * the chosen way (the server requires them all), no date or time after `now` (dates as days in
 * Shanghai). Dates before the document's issue are the server's to refuse.
 */
export function serviceRequest(method: LaterMethod, values: ServiceValues, version: number, now: Date): ServiceRequest {
  const today = shanghaiToday(now);
  const problems: ServiceProblem[] = [];
  const body: Record<string, string | number> = { method, version };
  for (const field of FIELDS_OF[method]) {
    const value = values[field].trim();
    if (!value) {
      problems.push({ field, key: field });
      continue;
    }
    if (field === 'deliveredAt') {
      const iso = wallToIso(value);
      if (Date.parse(iso) > now.getTime()) problems.push({ field, key: 'future' });
      body[field] = iso;
    } else if ((field === 'receivedOn' || field === 'publishedOn') && value > today) {
      problems.push({ field, key: 'future' });
    } else {
      body[field] = value;
    }
  }
  const note = values.note.trim();
  if (note) body.note = note;
  return problems.length ? { ok: false, problems } : { ok: true, body };
}
