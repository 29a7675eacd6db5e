import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonZh } from '../../web/src/shared/field-reasons.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A string or template literal as a sample reason: every ${…} becomes "1" (patterns accept words and figures). */
function sample(literal: string): string {
  return literal.slice(1, -1).replace(/\$\{[^}]*\}/g, '1');
}

/** Every field reason the domain writes: invalidField(field, '…') and { field: …, reason: '…' }. */
function domainReasons(): string[] {
  const out = new Set<string>();
  for (const file of sources(path.join(ROOT, 'src/domain'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/invalidField\(\s*[^,]+,\s*(?:why \? `[^`]*` : )?('[^']*'|"[^"]*"|`[^`]*`)/g)) out.add(sample(m[1]!));
    for (const m of text.matchAll(/\{ field: [^}]*?reason: ('[^']*'|`[^`]*`)/g)) out.add(sample(m[1]!));
  }
  return [...out];
}

describe('the server\'s field reasons in Chinese', () => {
  const reasons = domainReasons();

  it('finds the domain\'s reasons', () => {
    expect(reasons.length).toBeGreaterThan(90);
    expect(reasons).toContain('required: the rectification deadline');
  });

  it.each(reasons)('"%s" has a Chinese sentence', (reason) => {
    const zh = reasonZh(reason);
    expect(zh, reason).toBeTruthy();
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('keeps the figures and translates the words', () => {
    expect(reasonZh('must lie within 500–5000')).toBe('须在 500–5000 之间');
    expect(reasonZh('the case is closed')).toBe('案件当前状态为「已结案」');
    expect(reasonZh('this standard applies to bin_room, shop, not to a institution')).toBe('该立案标准适用于箱房、沿街商铺，不适用于社区单位');
    expect(reasonZh('the deadline (2026-05-27T08:00:00.000Z) has not passed; not rectified can be recorded after it')).toBe('整改期限（05月27日 16:00）未到，尚不能认定未整改');
  });
});
