import crypto, { createHash, randomBytes } from 'node:crypto';

/** A bearer secret: 32 random bytes; only its SHA-256 is stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 in hex in one call where Node has it (crypto.hash, Node ≥ 20.12): every request hashes
 * its session token, and making a Hash object for it was about 1 % of the server's CPU on the
 * case loop. The same digest either way.
 */
const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => createHash('sha256').update(s).digest('hex');

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}
