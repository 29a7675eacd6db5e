import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateClient } from '../../src/domain/rate-limits/client-address.js';

const SEED = Number(process.env.FC_SEED ?? 20261206);
const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

/** The address in full, and in the shortest form (the longest run of zero groups as `::`), as a client may send it. */
function spellings(g: number[]): string[] {
  const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
  let best = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
  }
  const hex = g.map((x) => x.toString(16));
  const short = best[0]! < 0 ? hex.join(':') : `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0]! + best[1]!).join(':')}`;
  return [full, short, full.toUpperCase()];
}

describe('the client a per-address budget counts', () => {
  it('an IPv6 address counts by its /64, however it is written; the other 64 bits do not matter, the first 64 do', () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        fc.pre(!(a.slice(0, 5).every((x) => x === 0) && a[5] === 0xffff));
        const key = rateClient(spellings(a)[0]!);
        for (const s of spellings(a)) expect(rateClient(s)).toBe(key);
        const sameNet = [...a.slice(0, 4), ...b.slice(4)];
        expect(rateClient(spellings(sameNet)[1]!)).toBe(key);
        const otherNet = [...b.slice(0, 4), ...a.slice(4)];
        if (otherNet.slice(0, 4).join() !== a.slice(0, 4).join()) expect(rateClient(spellings(otherNet)[0]!)).not.toBe(key);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('IPv4 (and IPv4 mapped into IPv6) counts as the address; anything else as it is', () => {
    expect(rateClient('203.0.113.7')).toBe('203.0.113.7');
    expect(rateClient('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateClient('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(rateClient('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(rateClient('2001:db8:1:2::1%eth0')).toBe('2001:db8:1:2::/64');
    expect(rateClient('::1')).toBe('0:0:0:0::/64');
    expect(rateClient('0190a0a0-0000-7000-8000-000000000000')).toBe('0190a0a0-0000-7000-8000-000000000000');
  });
});
