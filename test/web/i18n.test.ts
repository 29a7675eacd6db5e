import { describe, expect, it } from 'vitest';
import en from '../../web/src/shared/i18n/en.js';
import zh from '../../web/src/shared/i18n/zh.js';

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

const zhKeys = flatten(zh as Tree);
const enKeys = flatten(en as Tree);

describe('translations', () => {
  it('zh and en have exactly the same keys', () => {
    expect([...enKeys.keys()].sort()).toEqual([...zhKeys.keys()].sort());
    expect(zhKeys.size).toBeGreaterThan(100);
  });

  it('no value is empty', () => {
    for (const [lang, keys] of [['zh', zhKeys], ['en', enKeys]] as const) {
      const empty = [...keys].filter(([, v]) => !v.trim()).map(([k]) => `${lang}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('interpolations use the same variables in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zhKeys) expect(vars(enKeys.get(k) ?? ''), k).toEqual(vars(v));
  });

  it('the Chinese texts are Chinese (a sample of keys that must differ from English)', () => {
    for (const k of ['signIn.submit', 'nav.sites', 'kinds.bin_room', 'errors.invalid_credentials', 'excel.failed']) {
      expect(zhKeys.get(k)).toMatch(/[\u4e00-\u9fff]/);
      expect(enKeys.get(k)).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
