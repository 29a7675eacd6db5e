/**
 * Content-addressed keys: `ab/cd/<sha256>` for an original, `ab/cd/<sha256>.thumb.jpg` for its
 * thumbnail. Anything else is refused, so a key can never escape the store (no `..`, no `/`).
 */
export const originalKey = (sha256: string) => `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
export const thumbKey = (sha256: string) => `${originalKey(sha256)}.thumb.jpg`;

const KEY_RE = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})(\.thumb\.jpg)?$/;

export function isStorageKey(key: string): boolean {
  const m = KEY_RE.exec(key);
  return !!m && m[3]!.startsWith(m[1]! + m[2]!);
}

export function assertStorageKey(key: string): void {
  if (!isStorageKey(key)) throw new Error(`not a file storage key: ${key}`);
}

/** The SHA-256 an original's bytes must hash to (null for a thumbnail, derived from it). */
export function expectedSha256(key: string): string | null {
  const m = KEY_RE.exec(key);
  return m && !m[4] ? m[3]! : null;
}
