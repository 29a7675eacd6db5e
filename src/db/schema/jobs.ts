/** One row per background job: who runs it now, until when, and the fence of that tenure. */
export interface JobLeaseTable {
  name: string;
  holder: string;
  /** Grows by one at each takeover; a write made under an older fence is refused. */
  fence: number;
  expires_ms: number;
  last_success_ms: number | null;
}

/** A token bucket shared by every instance (e.g. one WeCom robot's messages a minute). */
export interface RateBudgetTable {
  key: string;
  tokens: number;
  refilled_ms: number;
}
