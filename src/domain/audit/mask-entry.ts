import type { Actor } from '../auth/actor.js';
import { PHONE_KINDS, seesPhone } from '../auth/personal-data.js';
import { maskContacts } from '../open311/public-text.js';
import { maskIdNumber, maskPhone } from '../service-records/masking.js';

/** A service item's published consultation and complaint lines: an office's numbers, not a person's. */
const PUBLIC_PHONE_KEYS = new Set(['consult_phone', 'complaint_phone', 'consultPhone', 'complaintPhone']);
const PHONE_KEY = /phone/i;
const ID_NUMBER_KEY = /id_?number/i;
/** A resident ID number in free text (a note, a reason). */
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/g;
/** Ids and hashes inside a text (a list of photo ids, a PDF's sha256): never read as a number to mask. */
const IDENTIFIERS = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,})/i;

/**
 * Whether the reader sees an audit entry's snapshots as written. A snapshot holds the row as it
 * was (a staff member's or a unit's phone, a party's contact): only a role that sees every kind of
 * phone number whole (personal-data.ts PHONE_FULL) reads it unmasked; anyone else (a leader, who
 * oversees and calls nobody) reads it as lists and exports show it to them.
 */
export const readsSnapshotsWhole = (actor: Pick<Actor, 'role'>) => PHONE_KINDS.every((k) => seesPhone(actor, k));

/** A snapshot with phone and ID numbers masked: under keys naming them, and in any text as the public pages mask it. */
export function maskSnapshot(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSnapshot(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSnapshot(v, k)]));
  }
  if (typeof value !== 'string') return value;
  if (PUBLIC_PHONE_KEYS.has(key)) return value;
  if (PHONE_KEY.test(key)) return maskPhone(value);
  if (ID_NUMBER_KEY.test(key)) return maskIdNumber(value);
  // Split around ids and hashes (odd parts), which keep every character.
  return value
    .split(IDENTIFIERS)
    .map((part, i) => (i % 2 ? part : maskContacts(part.replace(ID_NUMBER, (m) => maskIdNumber(m) ?? m))))
    .join('');
}
