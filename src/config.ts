import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Everything else receives a Config.
 * Fails fast, naming the variable that is wrong.
 */
const EnvSchema = z.object({
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  PHOTO_DIR: z.string().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().positive().default(30),
  MAP_TILE_URL: z.string().default(''),
  MAP_TILE_CRS: z.enum(['wgs84', 'gcj02']).default('gcj02'),
  WECOM_WEBHOOK_URL: z.string().default(''),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  CHECKIN_GEOFENCE_M: z.coerce.number().positive().max(1000).default(50),
  CHECKIN_MAX_ACCURACY_M: z.coerce.number().positive().max(5000).default(100),
  EVIDENCE_MAX_CLOCK_SKEW_MINUTES: z.coerce.number().positive().default(120),
  EVIDENCE_MAX_EXIF_DISTANCE_M: z.coerce.number().positive().default(200),
  CHECKIN_MAX_DEVICE_AGE_HOURS: z.coerce.number().positive().max(24 * 14).default(24),
  DUPLICATE_RADIUS_M: z.coerce.number().int().min(1).max(2000).default(100),
  DUPLICATE_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
});

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string };

export interface Config {
  database: DatabaseConfig;
  dataDir: string;
  photoDir: string;
  host: string;
  port: number;
  logLevel: string;
  sessionTtlMs: number;
  cookieSecure: boolean;
  login: { maxFailures: number; lockMs: number; ipMaxFailures: number; windowMs: number };
  map: { tileUrl: string; tileCrs: 'wgs84' | 'gcj02' };
  wecomWebhookUrl: string;
  uploadMaxBytes: number;
  /** Reporting: open cases of the same category this close and this recent are offered as duplicates. */
  duplicates: { radiusM: number; windowHours: number };
  /** Check-in geofence and photo evidence checks (see src/domain/checkins/geofence.ts). */
  patrol: { geofenceM: number; maxAccuracyM: number; evidenceMaxSkewMs: number; evidenceMaxExifDistanceM: number; maxDeviceAgeMs: number };
}

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid environment variable ${String(issue?.path.join('.'))}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let database: DatabaseConfig;
  if (e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { kind: 'postgres', url: e.DATABASE_URL };
  } else if (e.DATABASE_URL && e.DATABASE_URL.startsWith('sqlite:')) {
    database = { kind: 'sqlite', file: path.resolve(e.DATABASE_URL.slice('sqlite:'.length)) };
  } else if (e.DATABASE_URL) {
    throw new ConfigError('Invalid environment variable DATABASE_URL: expected postgres://… or sqlite:<file>');
  } else {
    database = { kind: 'sqlite', file: path.join(dataDir, 'closeloop.db') };
  }
  return {
    database,
    dataDir,
    photoDir: path.resolve(e.PHOTO_DIR ?? path.join(dataDir, 'photos')),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: e.COOKIE_SECURE === 'true',
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockMs: e.LOGIN_LOCK_MINUTES * 60_000,
      ipMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      windowMs: 15 * 60_000,
    },
    map: { tileUrl: e.MAP_TILE_URL, tileCrs: e.MAP_TILE_CRS },
    wecomWebhookUrl: e.WECOM_WEBHOOK_URL,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    duplicates: { radiusM: e.DUPLICATE_RADIUS_M, windowHours: e.DUPLICATE_WINDOW_HOURS },
    patrol: {
      geofenceM: e.CHECKIN_GEOFENCE_M,
      maxAccuracyM: e.CHECKIN_MAX_ACCURACY_M,
      evidenceMaxSkewMs: e.EVIDENCE_MAX_CLOCK_SKEW_MINUTES * 60_000,
      evidenceMaxExifDistanceM: e.EVIDENCE_MAX_EXIF_DISTANCE_M,
      maxDeviceAgeMs: e.CHECKIN_MAX_DEVICE_AGE_HOURS * 3600_000,
    },
  };
}
