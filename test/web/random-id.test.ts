import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../web/src/shared/random-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('random ids on a page that is not a secure context (plain HTTP on a LAN: no crypto.randomUUID)', () => {
  afterEach(() => vi.unstubAllGlobals());
  const insecure = () => vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(a: T) => webcrypto.getRandomValues(a as never) as T });

  it('are version-4 UUIDs from getRandomValues, and do not repeat', () => {
    insecure();
    expect((globalThis.crypto as { randomUUID?: unknown }).randomUUID).toBeUndefined();
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = randomId();
      expect(id).toMatch(UUID_V4);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
  });

  it('carry the bytes the CSPRNG gave, but for the version and variant bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => (a.set(bytes), a) });
        const hex = randomId().replaceAll('-', '');
        const got = Uint8Array.from(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));
        for (let i = 0; i < 16; i++) {
          const mask = i === 6 ? 0x0f : i === 8 ? 0x3f : 0xff;
          expect(got[i]! & mask).toBe(bytes[i]! & mask);
        }
        expect(got[6]! >> 4).toBe(4);
        expect(got[8]! >> 6).toBe(2);
      }),
    );
  });

  it('is what every web app uses for its ids: no other source calls crypto.randomUUID', () => {
    const root = path.join(import.meta.dirname, '../../web/src');
    const callers = (fs.readdirSync(root, { recursive: true }) as string[])
      .filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('random-id.ts'))
      .filter((f) => /\brandomUUID\b/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(callers).toEqual([]);
  });
});
