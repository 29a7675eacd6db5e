import { describe, expect, it } from 'vitest';
import { CONSOLE_STRINGS } from '../../web/src/shared/i18n/console.js';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

describe('console page translations', () => {
  const zh = flatten(CONSOLE_STRINGS.zh as Tree);
  const en = flatten(CONSOLE_STRINGS.en as Tree);
  it('have the same keys, no empty values and the same {{variables}} in both languages', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zh) {
      expect(v.trim(), `zh:${k}`).not.toBe('');
      expect(en.get(k)!.trim(), `en:${k}`).not.toBe('');
      expect(vars(en.get(k)!), k).toEqual(vars(v));
    }
  });
  it('Chinese texts are Chinese and English texts are not', () => {
    for (const k of ['nav.catalogue', 'catalogue.title', 'inbox.title', 'webhook.title', 'newCase.title', 'history.title', 'coverage.intervals', 'tokens.title']) {
      expect(zh.get(k)).toMatch(/[\u4e00-\u9fff]/);
      expect(en.get(k)).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
