import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every numeric variable goes through here. An empty (or blank) value counts as unset, so its
 * default applies: a `PORT=` line in an env file meant "no port given", never port 0, and
 * `DB_STATEMENT_TIMEOUT_MS=` never "no timeout". Otherwise the value must be plain decimal digits
 * (a decimal point only where the setting allows fractions) inside the setting's range: `0x50`,
 * `1e308`, `12abc`, `Infinity` are errors naming the variable, not numbers nobody wrote.
 */
interface NumberRule {
  default: number;
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound (a positive duration: `gt: 0`) */
  gt?: number;
  max: number;
  /** fractions allowed (`1.5` hours); default whole numbers only */
  decimal?: boolean;
}

function numberVar(rule: NumberRule) {
  const kind = rule.decimal ? 'a number' : 'a whole number';
  const range = rule.gt !== undefined ? `above ${rule.gt} and up to ${rule.max}` : `from ${rule.min ?? 0} to ${rule.max}`;
  const expected = `expected ${kind} ${range}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = raw?.trim() ?? '';
      if (v === '') return rule.default;
      const n = (rule.decimal ? /^\d+(\.\d+)?$/ : /^\d+$/).test(v) ? Number(v) : Number.NaN;
      const low = rule.gt !== undefined ? n > rule.gt : n >= (rule.min ?? 0);
      if (!Number.isFinite(n) || !low || n > rule.max) {
        ctx.addIssue({ code: 'custom', message: `${expected}, got "${raw}"` });
        return z.NEVER;
      }
      return n;
    });
}

const int = (def: number, min: number, max: number) => numberVar({ default: def, min, max });
/** A positive amount (a duration, a distance) that may have a fraction. */
const positive = (def: number, max: number) => numberVar({ default: def, gt: 0, max, decimal: true });

/** Ceiling of the millisecond timeouts: a day (PostgreSQL's own limit is about 24 days). */
const DAY_MS = 86_400_000;

/**
 * The only reader of process.env. Everything else receives a Config.
 * Fails fast, naming the variable that is wrong.
 */
const EnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  PHOTO_DIR: z.string().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  NODE_ENV: z.string().optional(),
  SESSION_TTL_HOURS: positive(12, 24 * 366),
  SESSION_IDLE_MINUTES: positive(30, 7 * 24 * 60),
  SESSION_CACHE_MS: int(2000, 0, 60_000),
  WALL_SESSION_DAYS: positive(7, 30),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  HSTS: z.enum(['true', 'false']).optional(),
  LOGIN_MAX_FAILURES: int(5, 1, 1000),
  LOGIN_LOCK_MINUTES: positive(15, 7 * 24 * 60),
  LOGIN_IP_MAX_FAILURES: int(30, 1, 1_000_000),
  MAP_TILE_URL: z.string().default(''),
  MAP_TILE_CRS: z.enum(['wgs84', 'gcj02']).default('gcj02'),
  WECOM_WEBHOOK_URL: z.string().default(''),
  PUBLIC_URL: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'expected the public address, like https://closeloop.example.cn').optional(),
  OUTBOUND_ALLOW_HOSTS: z.string().default(''),
  OUTBOUND_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  UPLOAD_MAX_BYTES: int(10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  CHECKIN_GEOFENCE_M: positive(50, 1000),
  CHECKIN_MAX_ACCURACY_M: positive(100, 5000),
  EVIDENCE_MAX_CLOCK_SKEW_MINUTES: positive(120, 30 * 24 * 60),
  EVIDENCE_MAX_EXIF_DISTANCE_M: positive(200, 100_000),
  CHECKIN_MAX_DEVICE_AGE_HOURS: positive(24, 24 * 14),
  DUPLICATE_RADIUS_M: int(100, 1, 2000),
  DUPLICATE_WINDOW_HOURS: int(72, 1, 24 * 30),
  TERMINAL_SILENCE_MINUTES: int(15, 2, 24 * 60),
  TERMINAL_RECOVERY_MINUTES: int(30, 0, 24 * 60),
  LIVE_STREAM_RECHECK_SECONDS: positive(15, 3600),
  LIVE_STREAM_MAX_MINUTES: positive(60, 24 * 60),
  // Operations (docs/operations.md)
  DATABASE_READ_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional(),
  DB_POOL_MAX: int(10, 1, 500),
  DB_STATEMENT_TIMEOUT_MS: int(30_000, 0, DAY_MS),
  DB_LOCK_TIMEOUT_MS: int(5_000, 0, DAY_MS),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000, 0, DAY_MS),
  DB_POOL_ACQUIRE_TIMEOUT_MS: int(10_000, 0, DAY_MS),
  SQLITE_BUSY_TIMEOUT_MS: int(5_000, 0, DAY_MS),
  TRUSTED_PROXIES: z.string().default(''),
  SHUTDOWN_DRAIN_MS: int(5_000, 0, DAY_MS),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 1_000, DAY_MS),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: int(0, 0, 65535),
  SIGN_IN_EVENTS_RETENTION_DAYS: int(180, 1, 36_500),
  UNATTACHED_PHOTO_RETENTION_DAYS: int(30, 1, 36_500),
  STORAGE_BACKEND: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.string().default(''),
  S3_BUCKET: z.string().default(''),
  S3_REGION: z.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  S3_ACCESS_KEY_ID: z.string().default(''),
  S3_SECRET_ACCESS_KEY: z.string().default(''),
  S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/, 'a folder like photos or city/photos').default(''),
});

/** Where photo originals and thumbnails are stored (see src/domain/storage). */
export type StorageConfig =
  | { kind: 'local'; dir: string }
  | { kind: 's3'; endpoint: string; bucket: string; region: string; forcePathStyle: boolean; accessKeyId: string; secretAccessKey: string; prefix: string };

export type DatabaseConfig =
  | {
      kind: 'sqlite';
      file: string;
      busyTimeoutMs?: number;
      synchronous?: SqliteSynchronous;
      /** With file ':memory:', a serialized database (`db.serialize()`) to start from instead of an empty one. */
      image?: Buffer;
    }
  | { kind: 'postgres'; url: string; schema?: string; pool?: PostgresPoolSettings };

/** Connection settings of a PostgreSQL pool (src/db/index.ts applies them to every connection). */
export interface PostgresPoolSettings {
  max: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  /** How long a query waits for a connection of a full pool (or for a new one to connect) before failing; 0 or absent = no limit. */
  acquireTimeoutMs?: number;
}

export interface Config {
  database: DatabaseConfig;
  dataDir: string;
  photoDir: string;
  /** File storage: the local photo folder (default) or an S3-compatible bucket shared by instances. */
  storage: StorageConfig;
  host: string;
  port: number;
  logLevel: string;
  /** json: one JSON record per line (production, pipes); pretty: one short line per request (a terminal). */
  logFormat: 'json' | 'pretty';
  /** NODE_ENV=production: the demo's published passwords are refused at sign-in and start-up. */
  production: boolean;
  /** A session ends this long after sign-in (SESSION_TTL_HOURS) … */
  sessionTtlMs: number;
  /** … or after this long without a request (SESSION_IDLE_MINUTES), whichever comes first. */
  sessionIdleMs: number;
  /** How long a resolved session may be reused without reading it again (SESSION_CACHE_MS; 0 = never); any change to it empties the cache sooner (db/auth-writes.ts). */
  sessionCacheMs: number;
  /** A wall display session (no idle limit) ends this long after it was set up (WALL_SESSION_DAYS). */
  wallSessionMs: number;
  cookieSecure: boolean;
  /** Served over HTTPS: send Strict-Transport-Security (HSTS, by default as COOKIE_SECURE). */
  hsts: boolean;
  login: { maxFailures: number; lockMs: number; ipMaxFailures: number; windowMs: number };
  map: { tileUrl: string; tileCrs: 'wgs84' | 'gcj02' };
  wecomWebhookUrl: string;
  /** The address citizens and integrations reach this server at (absolute links in webhooks); null = unknown. */
  publicUrl: string | null;
  /** Webhooks and other outbound requests: https only, no internal address, except these (see outbound-policy.ts). */
  outbound: { allowHosts: string[]; allowHttp: boolean };
  uploadMaxBytes: number;
  /** Reporting: open cases of the same category this close and this recent are offered as duplicates. */
  duplicates: { radiusM: number; windowHours: number };
  /** Check-in geofence and photo evidence checks (see src/domain/checkins/geofence.ts). */
  patrol: { geofenceM: number; maxAccuracyM: number; evidenceMaxSkewMs: number; evidenceMaxExifDistanceM: number; maxDeviceAgeMs: number };
  /** A streaming replica for dashboard and list reads (PostgreSQL only); null = the primary. */
  readDatabase: DatabaseConfig | null;
  /** Addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed; empty = none. */
  trustedProxies: string[];
  shutdown: { drainMs: number; timeoutMs: number };
  metrics: { token: string | null; port: number };
  /** unattachedPhotoDays: a photo no record refers to is purged this long after its upload (src/domain/photos/purge.ts). */
  retention: { signInEventsDays: number; unattachedPhotoDays: number };
  /**
   * Self-service terminals: a terminal silent this long (no heartbeat, no fault report) is down;
   * back up, its outage ends at once and its maintenance case once it has stayed up for recoveryMs.
   */
  terminals: { silenceMs: number; recoveryMs: number };
  /**
   * Open live streams (SSE): the viewer's session and grant are re-checked this often, and before
   * data is sent when the last check is older; a stream ends after maxLifetimeMs (EventSource
   * reconnects and signs in anew).
   */
  liveStream: { recheckMs: number; maxLifetimeMs: number };
}

/**
 * SQLite's fsync policy. FULL (default): a commit is on disk before the answer, also across a
 * power cut. NORMAL: in WAL mode a commit survives a killed process but the last transactions
 * may be lost on a power cut or OS crash; faster, opt-in (SQLITE_SYNCHRONOUS=normal).
 */
export type SqliteSynchronous = 'full' | 'normal';

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTty = Boolean(process.stdout.isTTY)): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid environment variable ${String(issue?.path.join('.'))}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let database: DatabaseConfig;
  const pool: PostgresPoolSettings = {
    max: e.DB_POOL_MAX,
    statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    acquireTimeoutMs: e.DB_POOL_ACQUIRE_TIMEOUT_MS,
  };
  if (e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { kind: 'postgres', url: e.DATABASE_URL, pool };
  } else if (e.DATABASE_URL && e.DATABASE_URL.startsWith('sqlite:')) {
    database = { kind: 'sqlite', file: path.resolve(e.DATABASE_URL.slice('sqlite:'.length)), busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS, synchronous: e.SQLITE_SYNCHRONOUS };
  } else if (e.DATABASE_URL) {
    throw new ConfigError('Invalid environment variable DATABASE_URL: expected postgres://… or sqlite:<file>');
  } else {
    database = { kind: 'sqlite', file: path.join(dataDir, 'closeloop.db'), busyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS, synchronous: e.SQLITE_SYNCHRONOUS };
  }
  const trustedProxies = e.TRUSTED_PROXIES.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of trustedProxies) {
    const [addr, bits, ...rest] = p.split('/');
    const family = net.isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw new ConfigError(`Invalid environment variable TRUSTED_PROXIES: "${p}" is not an address or CIDR`);
    }
  }
  if (e.DATABASE_READ_URL && database.kind !== 'postgres') {
    throw new ConfigError('Invalid environment variable DATABASE_READ_URL: a read replica needs DATABASE_URL=postgres://…');
  }
  const photoDir = path.resolve(e.PHOTO_DIR ?? path.join(dataDir, 'photos'));
  if (e.STORAGE_BACKEND === 's3' && !e.S3_BUCKET) throw new ConfigError('Invalid environment variable S3_BUCKET: required when STORAGE_BACKEND=s3');
  const storage: StorageConfig =
    e.STORAGE_BACKEND === 's3'
      ? {
          kind: 's3', endpoint: e.S3_ENDPOINT, bucket: e.S3_BUCKET, region: e.S3_REGION, forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
          accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY, prefix: e.S3_PREFIX,
        }
      : { kind: 'local', dir: photoDir };
  return {
    database,
    dataDir,
    photoDir,
    storage,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' || !stdoutIsTty ? 'json' : 'pretty'),
    production: e.NODE_ENV === 'production',
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionCacheMs: e.SESSION_CACHE_MS,
    wallSessionMs: e.WALL_SESSION_DAYS * 86400_000,
    cookieSecure: e.COOKIE_SECURE === 'true',
    hsts: (e.HSTS ?? e.COOKIE_SECURE) === 'true',
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockMs: e.LOGIN_LOCK_MINUTES * 60_000,
      ipMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      windowMs: 15 * 60_000,
    },
    map: { tileUrl: e.MAP_TILE_URL, tileCrs: e.MAP_TILE_CRS },
    wecomWebhookUrl: e.WECOM_WEBHOOK_URL,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    outbound: {
      allowHosts: e.OUTBOUND_ALLOW_HOSTS.split(',').map((h) => h.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase()).filter(Boolean),
      allowHttp: e.OUTBOUND_ALLOW_HTTP === 'true',
    },
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    duplicates: { radiusM: e.DUPLICATE_RADIUS_M, windowHours: e.DUPLICATE_WINDOW_HOURS },
    patrol: {
      geofenceM: e.CHECKIN_GEOFENCE_M,
      maxAccuracyM: e.CHECKIN_MAX_ACCURACY_M,
      evidenceMaxSkewMs: e.EVIDENCE_MAX_CLOCK_SKEW_MINUTES * 60_000,
      evidenceMaxExifDistanceM: e.EVIDENCE_MAX_EXIF_DISTANCE_M,
      maxDeviceAgeMs: e.CHECKIN_MAX_DEVICE_AGE_HOURS * 3600_000,
    },
    readDatabase: e.DATABASE_READ_URL ? { kind: 'postgres', url: e.DATABASE_READ_URL, pool } : null,
    trustedProxies,
    shutdown: { drainMs: e.SHUTDOWN_DRAIN_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    metrics: { token: e.METRICS_TOKEN ?? null, port: e.METRICS_PORT },
    retention: { signInEventsDays: e.SIGN_IN_EVENTS_RETENTION_DAYS, unattachedPhotoDays: e.UNATTACHED_PHOTO_RETENTION_DAYS },
    terminals: { silenceMs: e.TERMINAL_SILENCE_MINUTES * 60_000, recoveryMs: e.TERMINAL_RECOVERY_MINUTES * 60_000 },
    liveStream: { recheckMs: e.LIVE_STREAM_RECHECK_SECONDS * 1000, maxLifetimeMs: e.LIVE_STREAM_MAX_MINUTES * 60_000 },
  };
}
