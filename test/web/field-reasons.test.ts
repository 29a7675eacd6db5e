import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonZh } from '../../web/src/shared/field-reasons.js';
import { importReasonZh } from '../../web/src/shared/field-reasons-import.js';
import { tsSources } from '../helpers/source-files.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A string or template literal as a sample reason: every ${…} becomes "1" (patterns accept words and figures). */
function sample(literal: string): string {
  return literal.slice(1, -1).replace(/\$\{[^}]*\}/g, '1');
}

/** Every field reason the domain writes: invalidField(field, '…') and { field: …, reason: '…' }. */
function domainReasons(): string[] {
  const out = new Set<string>();
  for (const file of tsSources(path.join(ROOT, 'src/domain'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/invalidField\(\s*[^,]+,\s*(?:why \? `[^`]*` : )?('[^']*'|"[^"]*"|`[^`]*`)/g)) out.add(sample(m[1]!));
    for (const m of text.matchAll(/\{ field: [^}]*?reason: ('[^']*'|`[^`]*`)/g)) out.add(sample(m[1]!));
  }
  return [...out];
}

/**
 * Every reason an Excel import writes against a row: `fail(column, '…')` in the importers, `{ row, …,
 * reason: '…' }`, and the custom messages of the ledger inputs' zod checks.
 */
function importReasons(): string[] {
  const out = new Set<string>();
  const files = tsSources(path.join(ROOT, 'src/domain')).filter((f) => /import-|xlsx|site-input|site-ledger|staff/.test(path.basename(f)));
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bfail\(\s*[^,()]+,\s*([^;]*)\);/g)) {
      for (const lit of m[1]!.matchAll(/'[^']*'|`[^`]*`/g)) if (lit[0].includes(' ') || lit[0] === "'required'") out.add(sample(lit[0]));
    }
    for (const m of text.matchAll(/\{ row[^}]*?reason: ('[^']*'|`[^`]*`)/g)) out.add(sample(m[1]!));
    for (const m of text.matchAll(/\.(?:regex|refine|min|max)\([^;]*?,\s*('[^']*')\)/g)) out.add(sample(m[1]!));
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

  const rowReasons = importReasons();

  it('finds the Excel importers\' row reasons', () => {
    expect(rowReasons.length).toBeGreaterThan(15);
    expect(rowReasons).toContain('committee outside your scope');
  });

  it.each(rowReasons)('import row reason "%s" has a Chinese sentence', (reason) => {
    const zh = importReasonZh(reason);
    expect(zh, reason).toBeTruthy();
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('translates zod\'s own column checks and a cell\'s problem, keeping the figures', () => {
    expect(importReasonZh('Too big: expected string to have <=100 characters')).toBe('不能超过 100 个字符');
    expect(importReasonZh('Invalid option: expected one of "bin_room"|"shop"')).toBe('应为以下之一：bin_room、shop');
    expect(importReasonZh('C7: the cell holds the error #REF!')).toBe('单元格 C7：单元格中是错误值 #REF!');
    expect(importReasonZh('unknown kind "仓库"; expected 箱房, 社区单位 or 沿街商铺')).toBe('无法识别的类型“仓库”，应为 箱房、社区单位、沿街商铺');
  });

  it('keeps the figures and translates the words', () => {
    expect(reasonZh('must lie within 500–5000')).toBe('须在 500–5000 之间');
    expect(reasonZh('the case is closed')).toBe('案件当前状态为「已结案」');
    expect(reasonZh('this standard applies to bin_room, shop, not to a institution')).toBe('该立案标准适用于箱房、沿街商铺，不适用于社区单位');
    expect(reasonZh('the deadline (2026-05-27T08:00:00.000Z) has not passed; not rectified can be recorded after it')).toBe('整改期限（05月27日 16:00）未到，尚不能认定未整改');
  });
});
