/** One row per background job: who runs it now, until when, and the fence of that tenure. */
export interface JobLeaseTable {
  name: string;
  holder: string;
  /** Grows by one at each takeover; a write made under an older fence is refused. */
  fence: number;
  expires_ms: number;
  last_success_ms: number | null;
  /** When the row was first taken: a job that never succeeded counts its lag from it. */
  first_taken_ms: number | null;
}

/** A token bucket shared by every instance (e.g. one WeCom robot's messages a minute). */
export interface RateBudgetTable {
  key: string;
  tokens: number;
  refilled_ms: number;
}

/** Requests counted in one fixed window for one client of one bucket, shared by every instance. */
export interface RateLimitHitTable {
  bucket: string;
  /** Keyed hash of the client (an address, a key id): never the address itself. */
  client_hash: string;
  window_start_ms: number;
  hits: number;
  /** When the row carries nothing any more (the window's end); purged after it. */
  expires_ms: number;
}
