import type { Migration } from 'kysely';
import * as m0900 from './2026-11-26T0900-registry-and-auth.js';

/**
 * Every migration, listed by hand in order. Names are ISO-date prefixed; a migration, once
 * shipped, is never edited — add a new one.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T0900-registry-and-auth': m0900,
};
