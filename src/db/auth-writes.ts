/**
 * Who-is-signed-in changes, as the database driver sees them, for the session cache
 * (domain/auth/session-cache.ts).
 *
 * Every statement either engine's driver runs passes through `noteStatement`: a write that can
 * change what a session resolves to — a session ended, rotated or re-timed, a user's status,
 * role, subdistrict, unit, name or password flag, a scope granted or removed — moves the process's
 * generation on, and every cached session read before it is read again. Seeing the SQL text rather
 * than trusting each caller to remember the cache catches every such write, raw SQL included.
 * A transaction that wrote one moves it on again when it commits or rolls back, so a session read
 * by another request between the write and the commit is not kept.
 *
 * Writes that change nothing a session resolves to are left out, or the cache would be emptied
 * all day: a new session (nothing cached can be about it), a session's idle clock
 * (`last_seen_at`, written by the cache's own caller, which updates its entry), and a sign-in's
 * failed-password counter.
 *
 * Other instances hear of such writes from PostgreSQL (the `auth changed` trigger NOTIFYs at
 * commit; server/live-feed.ts listens and calls `authChanged`).
 */
let generation = 0;

export const authGeneration = (): number => generation;

/** Every cached session of this process is to be read again (a change heard from another instance, or a lost connection). */
export function authChanged(): void {
  generation++;
}

const AUTH_TABLE_WRITE = /\b(?:update|delete\s+from|insert\s+into)\s+"?(?:sessions|users|user_scopes)"?[\s(]/i;
const HARMLESS = [
  /^insert into "sessions" /,
  /^update "sessions" set "last_seen_at" = (?:\$1|\?) where "id" = (?:\$2|\?)$/,
  /^update "users" set "failed_logins" = (?:\$1|\?), "locked_until" = (?:\$2|\?) where "id" = (?:\$3|\?)$/,
];

/**
 * The answer for texts seen before: the hot paths run the same few hundred texts all day, some of
 * them kilobytes long (the case transition's one statement), and a regular expression over each on
 * every run was about 0.5 % of the server's CPU. Bounded: emptied when it holds too many.
 */
const known = new Map<string, boolean>();
const KNOWN_MAX = 5_000;

/** Whether a statement's text writes something a resolved session depends on. */
export function isAuthWrite(sql: string): boolean {
  let answer = known.get(sql);
  if (answer === undefined) {
    answer = AUTH_TABLE_WRITE.test(sql) && !HARMLESS.some((re) => re.test(sql));
    if (known.size >= KNOWN_MAX) known.clear();
    known.set(sql, answer);
  }
  return answer;
}

/**
 * Called by a driver connection for each statement it runs. Returns the connection's new "wrote
 * an auth change in this transaction" flag: set by such a write, cleared (with one more move of
 * the generation) by the COMMIT or ROLLBACK that ends the transaction.
 */
export function noteStatement(sql: string, dirty: boolean): boolean {
  if (dirty && /^\s*(?:commit|rollback)\b/i.test(sql)) {
    generation++;
    return false;
  }
  if (isAuthWrite(sql)) {
    generation++;
    return true;
  }
  return dirty;
}

/**
 * Writes of other connections on the same SQLite file (the command line, a restore, a second
 * process): this process's driver never sees their SQL. SQLite's `PRAGMA data_version` changes on a
 * connection whenever another connection has committed since it was last read, so a change of it
 * moves the generation on (any write at all: nothing cached is assumed to have survived it).
 * PostgreSQL's other connections are heard through the auth trigger's NOTIFY instead.
 */
const otherWriters = new WeakMap<object, () => void>();

/** Registers how to ask a SQLite handle's connection whether another connection wrote since last asked. */
export function watchOtherWriters(db: object, dataVersion: () => unknown): void {
  let seen = dataVersion();
  otherWriters.set(db, () => {
    const now = dataVersion();
    if (now !== seen) {
      seen = now;
      generation++;
    }
  });
}

/** Moves the generation on if another connection wrote to `db`'s SQLite file since the last call (a no-op elsewhere). */
export function noticeOtherWriters(db: object): void {
  otherWriters.get(db)?.();
}
