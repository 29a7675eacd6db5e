import { COMMON_PASSWORDS } from './common-passwords.js';
import { invalidField } from '../shared/errors.js';

/** ASVS 2.1.1: at least 12 characters. No composition rules (ASVS 2.1.9); a deny-list instead. */
export const MIN_PASSWORD_LENGTH = 12;
const MIN_DISTINCT_CHARACTERS = 5;

/**
 * The demo's published password (README, `closeloop start`). Seeded demo accounts use it; in
 * production it is refused at sign-in and at start-up, and no account may be given it.
 */
export const DEMO_PASSWORDS: readonly string[] = ['closeloop2026'];

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(COMMON_PASSWORDS.split('\n').filter(Boolean));
  return common;
}

export function isDemoPassword(password: string): boolean {
  return DEMO_PASSWORDS.includes(password);
}

/** Why a new password is refused, or null when it may be set. */
export function passwordProblem(password: string, username?: string): string | null {
  const lower = password.toLowerCase();
  if ([...password].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (isDemoPassword(password)) return 'the published demo password; choose another';
  if (commonPasswords().has(lower)) return 'a common or leaked password; choose another';
  if (new Set(lower).size < MIN_DISTINCT_CHARACTERS) return `at least ${MIN_DISTINCT_CHARACTERS} different characters`;
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the username';
  return null;
}

/** Throws validation_failed naming the field when the new password is refused. */
export function assertAcceptablePassword(field: string, password: string, username?: string): void {
  const why = passwordProblem(password, username);
  if (why) throw invalidField(field, why);
}
