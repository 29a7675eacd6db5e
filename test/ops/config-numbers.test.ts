import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';

/** Every numeric variable readConfig reads (docs/configuration.md). */
const NUMERIC = [
  'PORT', 'METRICS_PORT', 'SESSION_TTL_HOURS', 'SESSION_IDLE_MINUTES', 'WALL_SESSION_DAYS', 'LOGIN_MAX_FAILURES',
  'LOGIN_LOCK_MINUTES', 'LOGIN_IP_MAX_FAILURES', 'UPLOAD_MAX_BYTES', 'CHECKIN_GEOFENCE_M', 'CHECKIN_MAX_ACCURACY_M',
  'EVIDENCE_MAX_CLOCK_SKEW_MINUTES', 'EVIDENCE_MAX_EXIF_DISTANCE_M', 'CHECKIN_MAX_DEVICE_AGE_HOURS', 'DUPLICATE_RADIUS_M',
  'DUPLICATE_WINDOW_HOURS', 'TERMINAL_SILENCE_MINUTES', 'TERMINAL_RECOVERY_MINUTES', 'LIVE_STREAM_RECHECK_SECONDS',
  'LIVE_STREAM_MAX_MINUTES', 'DB_POOL_MAX', 'DB_STATEMENT_TIMEOUT_MS', 'DB_LOCK_TIMEOUT_MS', 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  'DB_POOL_ACQUIRE_TIMEOUT_MS', 'SQLITE_BUSY_TIMEOUT_MS', 'SHUTDOWN_DRAIN_MS', 'SHUTDOWN_TIMEOUT_MS', 'SIGN_IN_EVENTS_RETENTION_DAYS',
  'UNATTACHED_PHOTO_RETENTION_DAYS',
] as const;

const BASE = { DATA_DIR: '/tmp/closeloop-config-test' };
const read = (env: Record<string, string>) => readConfig({ ...BASE, ...env }, false);
const defaults = read({});

function numbersOf(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersOf);
  return [];
}

/** A plain decimal number, the only spelling a numeric variable accepts. */
const DECIMAL = /^\s*\d+(\.\d+)?\s*$/;

describe('numeric environment variables', () => {
  it('an empty or blank value is unset: the default applies (never 0)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NUMERIC), fc.stringMatching(/^[ \t\r\n]*$/), (name, blank) => {
        expect(read({ [name]: blank })).toEqual(defaults);
      }),
    );
  });

  it('anything but plain decimal digits is refused with one line naming the variable', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.constantFrom('0x50', '1e308', '1e3', 'Infinity', '-Infinity', 'NaN', '12abc', '-5', '+5', '0b1', '0o7', '1_000', '١٢', '5 5', '.5', '5.'),
    ).filter((v) => !DECIMAL.test(v) && v.trim() !== '');
    fc.assert(
      fc.property(fc.constantFrom(...NUMERIC), junk, (name, value) => {
        let error: unknown;
        try {
          read({ [name]: value });
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message.startsWith(`Invalid environment variable ${name}: `)).toBe(true);
        expect(message.split('\n')).toHaveLength(1);
      }),
    );
  });

  it('a decimal number is read as that number, or refused naming the variable when out of range', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NUMERIC), fc.bigInt({ min: 0n, max: 10n ** 20n }), (name, n) => {
        let config: ReturnType<typeof read> | undefined;
        try {
          config = read({ [name]: String(n) });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).toContain(name);
          return;
        }
        expect(numbersOf(config).every(Number.isFinite)).toBe(true);
        if (name === 'PORT') expect(config.port).toBe(Number(n));
      }),
    );
    expect(read({ PORT: '8080' }).port).toBe(8080);
    expect(read({ PORT: ' 8080 ' }).port).toBe(8080);
    expect(read({ LOGIN_LOCK_MINUTES: '1.5' }).login.lockMs).toBe(90_000);
    expect(() => read({ PORT: '65536' })).toThrow(/PORT/);
    expect(() => read({ LOGIN_MAX_FAILURES: '2.5' })).toThrow(/LOGIN_MAX_FAILURES/);
  });
});
