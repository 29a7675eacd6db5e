import { describe, expect, it } from 'vitest';
import { FIELD_APP_STRINGS } from '../../web/src/shared/i18n/field-app.js';

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

describe('field app (inbox, QR, report here) translations', () => {
  const zh = flatten(FIELD_APP_STRINGS.zh as Tree);
  const en = flatten(FIELD_APP_STRINGS.en as Tree);
  it('have the same keys, no empty values and the same {{variables}} in both languages; zh is Chinese, en is not', () => {
    expect([...en.keys()].sort()).toEqual([...zh.keys()].sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zh) {
      expect(v.trim(), `zh:${k}`).not.toBe('');
      expect(vars(en.get(k)!), k).toEqual(vars(v));
      expect(v, `zh:${k}`).toMatch(/[\u4e00-\u9fff]/);
      expect(en.get(k), `en:${k}`).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
