import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer tokens handed to the public (rating and booking links, tracking links, terminal tokens):
 * only their SHA-256 (hex) is stored, so whoever reads the database or a backup cannot act with them.
 */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
/** 18 random bytes as base64url: 24 characters. */
export const newToken = () => randomBytes(18).toString('base64url');
