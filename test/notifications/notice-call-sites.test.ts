import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTICE_KEYS } from '../../src/domain/notifications/messages.js';

/**
 * Every notice the product sends is stored language-neutrally — a message key and its parameters
 * (src/domain/notifications/messages.ts) — so each reader reads it in their own language. Fixed
 * words as a title and body are only for notices stored before keys; no code in src/ writes new ones.
 *
 * A notification in src/ is an object literal naming its `recipients:` (notify.ts Notification).
 */
const SRC = join(import.meta.dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** The object literal around `at`: from the unmatched `{` before it to its matching `}`. */
function enclosingObject(text: string, at: number): string {
  let depth = 0;
  let start = at;
  for (; start >= 0; start--) {
    const ch = text[start];
    if (ch === '}') depth++;
    else if (ch === '{' && depth-- === 0) break;
  }
  depth = 0;
  for (let end = start; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) return text.slice(start, end + 1);
  }
  throw new Error(`unbalanced object at ${at}`);
}

/** The object's own keys, written `key:` or shorthand (not those of objects nested in it). */
function ownKeys(literal: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < literal.length; i++) {
    const ch = literal[i]!;
    if ('{[('.includes(ch)) depth++;
    else if ('}])'.includes(ch)) depth--;
    else if (depth === 1 && /[A-Za-z_]/.test(ch) && /[\s,{]/.test(literal[i - 1] ?? '')) {
      const m = /^([A-Za-z_]\w*)\s*(:|,|\}$)/.exec(literal.slice(i));
      if (m && (m[2] === ':' || /[,{]\s*$/.test(literal.slice(0, i)))) keys.push(m[1]!);
      if (m) i += m[1]!.length - 1;
    }
  }
  return keys;
}

const notices = files(SRC)
  .filter((f) => !f.includes(`${join('domain', 'notifications')}`))
  .flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return [...text.matchAll(/\brecipients\s*:/g)].map((m) => {
      const literal = enclosingObject(text, m.index!);
      return { at: `${relative(SRC, f)}:${text.slice(0, m.index).split('\n').length}`, literal, keys: ownKeys(literal) };
    });
  });

describe('notices are written with message keys, never fixed words', () => {
  it('finds the notices of src/ (cases, enforcement, 好差评, public feedback, terminals)', () => {
    const where = new Set(notices.map((n) => n.at.split(':')[0]));
    for (const f of ['domain/cases/new-report-notices.ts', 'domain/cases/report-case.ts', 'domain/cases/transition-notices.ts', 'domain/public-reports/feedback.ts', 'domain/service-ratings/ranking-notices.ts', 'domain/service-ratings/system-case.ts', 'domain/open311/intake.ts']) {
      expect(where, f).toContain(f);
    }
    expect(notices.length).toBeGreaterThanOrEqual(15);
  });

  it('every notice in src/ carries a message and no title or body of its own', () => {
    const offending = notices.filter((n) => !n.keys.includes('message') || n.keys.includes('title') || n.keys.includes('body'));
    expect(offending.map((n) => `${n.at}: ${n.keys.join(', ')}`)).toEqual([]);
  });

  it('every message key written in src/ is one the catalogue renders in each language', () => {
    const written = new Set<string>();
    for (const n of notices) for (const m of n.literal.matchAll(/\bkey\s*:\s*'([a-z_]+)'/g)) written.add(m[1]!);
    expect(written.size).toBeGreaterThan(5);
    for (const k of written) expect(NOTICE_KEYS, k).toContain(k);
  });
});
