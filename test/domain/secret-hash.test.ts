import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret } from '../../src/domain/auth/tokens.js';

describe('the stored hash of a bearer secret', () => {
  it('is the SHA-256 of its UTF-8 text in hex, for issued secrets and any other text', () => {
    const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    for (let i = 0; i < 50; i++) {
      const secret = newSecret('cls');
      expect(hashSecret(secret)).toBe(sha256(secret));
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('会', '话', '😀', '\u0000'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 200 }), (s) => {
        expect(hashSecret(s)).toBe(sha256(s));
      }),
      { numRuns: 500 },
    );
  });
});
