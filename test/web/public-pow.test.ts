import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadingZeroBits as serverZeroBits, powDigest } from '../../src/domain/public-reports/proof-of-work.js';
import { leadingZeroBits, sha256Words, solve } from '../../web/src/public/pow.js';

const hex = (w: Uint32Array) => [...w].map((x) => x.toString(16).padStart(8, '0')).join('');

describe("the public page's proof-of-work solver", () => {
  it('computes SHA-256 exactly as node:crypto does, for any text (multi-block, unicode, empty)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(hex(sha256Words(new TextEncoder().encode(s)))).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('counts leading zero bits as the server does', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(leadingZeroBits(sha256Words(new TextEncoder().encode(s)))).toBe(serverZeroBits(createHash('sha256').update(s).digest()));
      }),
    );
  });

  it('finds a nonce the server accepts', () => {
    for (const challenge of ['abc.16.1.x', 'another-challenge']) {
      const nonce = solve(challenge, 12);
      expect(serverZeroBits(powDigest(challenge, nonce))).toBeGreaterThanOrEqual(12);
    }
  });
});
