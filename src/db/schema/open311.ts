import type { DeliveryStatus } from './notifications.js';

/** Open311 GeoReport v2: integration keys, the Open311 side of a case, idempotency records. */

export const OPEN311_KEY_KINDS = ['open311', 'hotline'] as const;
export type Open311KeyKind = (typeof OPEN311_KEY_KINDS)[number];
/** Which cases a key's webhook hears of: those filed with the key, or every case the key may read. */
export const WEBHOOK_SCOPES = ['own', 'readable'] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];
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
  webhook_scope: WebhookScope;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  /** Last request that carried the key (written at most once a minute). */
  last_used_at: string | null;
}

export interface Open311RequestTable {
  case_id: string;
  subdistrict_id: string;
  /** null: filed from the public report page. */
  key_id: string | null;
  channel: Open311Channel;
  /**
   * SHA-256 (hex, hashToken) of the unguessable tracking token (tokens/{token}; the reporter's proof
   * on the public page). The token itself is never stored here: it is handed out once, kept only
   * in the filing's open311_idempotency row for a retry (see Open311IdempotencyTable.token).
   */
  token_hash: string;
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
  abusive_at: string | null;
  abusive_by: string | null;
  /** Keyed hash of the client address a public report came from (never the address); null for keyed integrations. */
  client_hash: string | null;
  /** The reporter's answer to the fix, from the tracking page. */
  feedback: PublicFeedback | null;
  feedback_at: string | null;
  created_at: string;
}

export const PUBLIC_FEEDBACK = ['confirmed', 'contested'] as const;
export type PublicFeedback = (typeof PUBLIC_FEEDBACK)[number];

/** The server secret that signs proof-of-work challenges (one row, shared by every instance). */
export interface PublicReportSecretTable {
  id: string;
  secret: string;
  created_at: string;
}

/** Proof-of-work challenges already used: a replay is refused. Rows past expires_at can be dropped. */
export interface PublicPowSpentTable {
  challenge_id: string;
  expires_at: string;
}

export interface Open311IdempotencyTable {
  /** The key id, or 'web' for the public page. */
  scope: string;
  idem_key: string;
  case_id: string;
  request_hash: string;
  /**
   * The filing's plain tracking token, so that a retry within the replay window is answered with
   * the same token (open311_requests keeps only its hash). The retention job deletes the row, and so
   * the token, once the window is over (src/domain/retention/purge.ts). Null only if no token was
   * given out (never, since the token hash migration).
   */
  token: string | null;
  created_at: string;
}

/** One signed webhook delivery of a public change to one integration (outbox row; see src/jobs/open311-webhooks.ts). */
export interface Open311DeliveryTable {
  id: string;
  key_id: string;
  subdistrict_id: string;
  case_id: string;
  /** The case event = the update_id sent. */
  event_id: string;
  /** Unused (the URL is the key's at send time); kept so the outbox shares the WeCom claim code. */
  url: string | null;
  /** JSON: the update's fields (the body is rendered from it at send time). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  claimed_until: string | null;
  last_error: string | null;
  /** HTTP status of the last answer (null: no answer — refused, timeout, network error). */
  response_code: number | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A change counter of what Open311 caches per process (scope: a subdistrict id, or `keys`). */
export interface Open311VersionTable {
  scope: string;
  version: number;
}
