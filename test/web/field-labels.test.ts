import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UX_STRINGS } from '../../web/src/shared/i18n/ux.js';
import { tsSources } from '../helpers/source-files.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Every field the domain names in a refusal, `invalidField('…', …)` and `{ field: '…', reason }`,
 * by its last named segment (hearing.hostId → hostId), as the web apps label it (field-errors.ts).
 */
function namedFields(): string[] {
  const out = new Set<string>();
  for (const file of tsSources(path.join(ROOT, 'src/domain'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/invalidField\(\s*'([^']+)'/g)) out.add(m[1]!);
    for (const m of text.matchAll(/\{ field: '([^']+)', reason/g)) out.add(m[1]!);
  }
  return [...new Set([...out].map((f) => f.split('.').filter((p) => !/^\d+$/.test(p)).pop()!))].sort();
}

describe('field labels', () => {
  it('every field the domain can refuse has a label in Chinese and in English, so no form shows a bare "ticketId：…"', () => {
    const names = namedFields();
    expect(names.length).toBeGreaterThan(100);
    const fields = { zh: UX_STRINGS.zh.fields as Record<string, string>, en: UX_STRINGS.en.fields as Record<string, string> };
    expect(names.filter((n) => !fields.zh[n])).toEqual([]);
    expect(names.filter((n) => !fields.en[n])).toEqual([]);
  });
});
