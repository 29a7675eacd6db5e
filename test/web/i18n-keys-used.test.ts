import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Every key the web apps ask for by name must be in both languages: a missing one shows on screen
// as its raw key ("patrol.today.dueNow"), which the zh/en parity test cannot see when both lack it.

type Tree = { [k: string]: string | Tree };
const ROOT = path.join(import.meta.dirname, '../../web/src');
const I18N = path.join(ROOT, 'shared/i18n');

/** zh and en as i18next holds them once every dictionary has registered under its mount key. */
async function merged(): Promise<Record<'zh' | 'en', Tree>> {
  const out: Record<'zh' | 'en', Tree> = { zh: {}, en: {} };
  const put = (lang: 'zh' | 'en', mount: string[], tree: Tree) => {
    let node = out[lang];
    for (const m of mount) node = (node[m] ??= {}) as Tree;
    deepMerge(node, tree);
  };
  put('zh', [], (await import('../../web/src/shared/i18n/zh.js')).default as unknown as Tree);
  put('en', [], (await import('../../web/src/shared/i18n/en.js')).default as unknown as Tree);
  for (const file of fs.readdirSync(I18N).filter((f) => f.endsWith('.ts') && !['zh.ts', 'en.ts', 'index.ts'].includes(f))) {
    const text = fs.readFileSync(path.join(I18N, file), 'utf8');
    const mod = (await import(path.join(I18N, file))) as Record<string, unknown>;
    const strings = Object.entries(mod).find(([k]) => k.endsWith('_STRINGS'))?.[1] as { zh: Tree; en: Tree } | undefined;
    const mount = /addResourceBundle\('zh', 'translation', \{ (\w+): zh \}/.exec(text)?.[1];
    expect(strings && mount, `${file} exports its *_STRINGS and registers them under a key`).toBeTruthy();
    put('zh', [mount!], strings!.zh);
    put('en', [mount!], strings!.en);
    // services-console also lends its field labels to ux.fields.
    if (/\{ ux: \{ fields: zh\.fields \} \}/.test(text)) {
      put('zh', ['ux', 'fields'], (strings!.zh.fields ?? {}) as Tree);
      put('en', ['ux', 'fields'], (strings!.en.fields ?? {}) as Tree);
    }
  }
  return out;
}

function deepMerge(into: Tree, from: Tree) {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === 'object' && typeof into[k] === 'object') deepMerge(into[k] as Tree, v);
    else into[k] ??= v;
  }
}

function lookup(tree: Tree, key: string): boolean {
  const parts = key.split('.');
  const last = parts.pop()!;
  let node: Tree | string | undefined = tree;
  for (const p of parts) node = typeof node === 'object' ? node[p] : undefined;
  if (typeof node !== 'object') return false;
  // i18next plurals: key_one / key_other stand for key.
  return last in node || `${last}_other` in node || `${last}_one` in node;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(p);
    return /\.(tsx?|ts)$/.test(e.name) ? [p] : [];
  });
}

/** Literal keys asked for: t('a.b'), i18n.t('a.b'), t(cond ? 'a.b' : 'a.c'), i18nKey="a.b". */
function keysUsed(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sources(ROOT)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    for (const m of text.matchAll(/\bt\(\s*([^,)]*?)\s*[,)]/g)) {
      for (const k of m[1]!.matchAll(/'([A-Za-z][\w]*(?:\.[\w]+)+)'/g)) used.set(k[1]!, rel);
    }
    for (const m of text.matchAll(/i18nKey=["']([A-Za-z][\w.]+)["']/g)) used.set(m[1]!, rel);
  }
  return used;
}

describe('translation keys the web apps use', () => {
  it('every background job has a name on the jobs page, in both languages', async () => {
    const { JOB_INTERVALS_MS } = await import('../../src/jobs/index.js');
    const dict = await merged();
    const missing = Object.keys(JOB_INTERVALS_MS).flatMap((job) => (['zh', 'en'] as const).filter((l) => !(job in (((dict[l].console as Tree).jobs as Tree).names as Tree))).map((l) => `${l}: ${job}`));
    expect(missing).toEqual([]);
  });

  it('finds the keys the pages ask for', () => {
    expect(keysUsed().size).toBeGreaterThan(500);
  });

  it('every literal key used is in Chinese and in English', async () => {
    const dict = await merged();
    const missing = [...keysUsed()].flatMap(([key, file]) => (['zh', 'en'] as const).filter((l) => !lookup(dict[l], key)).map((l) => `${l}: ${key} (${file})`));
    expect(missing).toEqual([]);
  });
});
