/** One field action captured on the phone, waiting to be sent (or set aside for the person). */
export type OutboxState = 'pending' | 'conflict' | 'attention';

export interface OutboxPhoto {
  /** Placeholder string used in `body` wherever the uploaded photo's id goes. */
  token: string;
  blob: Blob;
  name: string;
  /** Original EXIF time/GPS read before re-encoding (the server keeps them as fallbacks). */
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
  /** Set once uploaded; a retry then skips the upload. */
  uploadedId?: string;
}

/** The server's answer to a refused action, kept so the person can see it and fix the action. */
export interface OutboxError {
  status: number;
  code: string;
  message: string;
  /** Field-level reasons (validation_failed), e.g. offSiteReason required outside the geofence. */
  fields?: { field: string; reason: string; rule?: string; params?: Record<string, string | number> }[];
  /** The rest of the server's details (e.g. the geofence verdict). */
  details?: unknown;
}

export interface OutboxItem {
  /** Auto-increment: the order of capture, which is the order of sending. */
  seq?: number;
  /**
   * The user id of the person signed in when it was captured: only their session sends it, only
   * they see it (owner.ts). Absent on actions kept by an app version from before owners.
   */
  owner?: string | null;
  /** Stable Idempotency-Key generated at capture; every retry sends the same key. */
  key: string;
  /** Short human label ("打卡 · 虹桥一居 3号垃圾房"). */
  label: string;
  method: 'POST';
  path: string;
  body: unknown;
  photos: OutboxPhoto[];
  /** Device time and position at capture. */
  capturedAt: string;
  position: { lat: number; lng: number; accuracyM: number } | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: OutboxError | null;
  /** For conflicts: the server's current state of the thing the action was about. */
  serverState: unknown;
}

export interface OutboxStore {
  add(item: OutboxItem): Promise<number>;
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  remove(seq: number): Promise<void>;
}

/** What the network answered for one request (status 0 = no answer). */
export interface SendResult {
  status: number;
  body: unknown;
}

export interface OutboxTransport {
  uploadPhoto(p: OutboxPhoto): Promise<SendResult>;
  send(item: OutboxItem, body: unknown): Promise<SendResult>;
  /** The server's current state for a conflicted action (e.g. GET the case), or null. */
  currentState(item: OutboxItem): Promise<unknown>;
}
