import { describe, expect, it } from 'vitest';
import { FEE_FREE, GuideInput } from '../../src/domain/services-catalogue/item-input.js';
import { PUBLIC_POINT_STRINGS } from '../../web/src/shared/i18n/public-point.js';
import { feeText } from '../../web/src/public/point/fee.js';

const tFor = (lang: 'zh' | 'en') => (k: string) => {
  const v = k.split('.').slice(1).reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], PUBLIC_POINT_STRINGS[lang]);
  if (typeof v !== 'string') throw new Error(`no ${lang} string ${k}`);
  return v;
};

describe("an item's fee on the public point page", () => {
  const defaulted = GuideInput.parse({
    nameZh: '事项', itemType: '公共服务', department: '街道', legalLimitDays: 5, promisedLimitDays: 3, visits: 0, channels: ['counter'], effectiveFrom: '2026-01-01',
  }).fee;

  it('an item saved without a fee is free, and reads as such in the page language (never Chinese on an English page)', () => {
    expect(defaulted).toBe(FEE_FREE);
    expect(feeText(tFor('en'), defaulted)).toBe('Free');
    expect(feeText(tFor('zh'), defaulted)).toBe('不收费');
  });

  it("a fee the department wrote (an amount, a condition) is shown as written, in either language", () => {
    for (const lang of ['zh', 'en'] as const) expect(feeText(tFor(lang), '工本费 10 元')).toBe('工本费 10 元');
  });
});
