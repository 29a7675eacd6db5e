/** Open311 GeoReport v2: integration keys, the Open311 side of a case, idempotency records. */

export const OPEN311_KEY_KINDS = ['open311', 'hotline'] as const;
export type Open311KeyKind = (typeof OPEN311_KEY_KINDS)[number];
export const OPEN311_CHANNELS = ['open311', 'hotline', 'web'] as const;
export type Open311Channel = (typeof OPEN311_CHANNELS)[number];

/** An integration's API key; only its SHA-256 is stored, the key itself is shown once. */
export interface Open311KeyTable {
  id: string;
  name: string;
  kind: Open311KeyKind;
  key_hash: string;
  /** First characters of the key, so an administrator can tell keys apart. */
  key_prefix: string;
  /** JSON array of subdistrict ids the key may file into. */
  subdistrict_ids: string;
  rate_per_minute: number;
  webhook_url: string | null;
  webhook_secret: string | null;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface Open311RequestTable {
  case_id: string;
  subdistrict_id: string;
  /** null: filed from the public report page. */
  key_id: string | null;
  channel: Open311Channel;
  /** Unguessable tracking token (tokens/{token}; the reporter's proof on the public page). */
  token: string;
  service_code: string;
  address_string: string | null;
  address_id: string | null;
  /** JSON object code → string | string[] */
  attributes: string;
  media_url: string | null;
  /** JSON: the reporter's personal data; never returned by a GET. */
  contact: string;
  abusive: number;
  abusive_reason: string | null;
  created_at: string;
}

export interface Open311IdempotencyTable {
  /** The key id, or 'web' for the public page. */
  scope: string;
  idem_key: string;
  case_id: string;
  request_hash: string;
  created_at: string;
}
