import path from 'node:path';
import i18n, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/shared/errors.js';
import { ApiError } from '../../web/src/shared/api.js';
import en from '../../web/src/shared/i18n/en.js';
import zh from '../../web/src/shared/i18n/zh.js';
import '../../web/src/shared/i18n/account.js';
import '../../web/src/shared/i18n/ux.js';

const CJK = /[\u4e00-\u9fff]/;

// Loaded by path: web/src/shared/errors.ts imports without extensions (the bundler's way), which the
// server's type check (NodeNext) cannot follow.
const { errorText, invalidProps } = (await import(path.resolve(import.meta.dirname, '../../web/src/shared/errors.ts'))) as {
  errorText(t: TFunction, err: unknown): string;
  invalidProps(err: unknown, field: string | string[], describedBy: string): Record<string, unknown>;
};

describe('every error code the server sends reads as a sentence in Chinese and in English', () => {
  beforeAll(async () => {
    // No fallback language: a code missing in English must not hide behind its Chinese sentence.
    await i18n.init({ resources: { zh: { translation: zh }, en: { translation: en } }, lng: 'zh', fallbackLng: false, initAsync: false, interpolation: { escapeValue: false } });
  });

  for (const lang of ['zh', 'en'] as const) {
    it(`each of ERROR_CODES without fields has its own ${lang} sentence, never the "unknown error (code)" fallback`, async () => {
      await i18n.changeLanguage(lang);
      const t = i18n.t.bind(i18n);
      const missing: string[] = [];
      for (const code of ERROR_CODES) {
        const text = errorText(t, new ApiError(409, code, 'server message', null));
        const fallback = t('errors.unknown', { code });
        if (text === fallback || text === code || text.includes(`(${code})`) || (lang === 'zh') !== CJK.test(text)) missing.push(`${code} → ${text}`);
      }
      expect(missing).toEqual([]);
    });
  }

  it('marks the input an error names as invalid and ties it to the message, and only that input', () => {
    const err = new ApiError(400, 'validation_failed', 'x', { fields: [{ field: 'items.0.categoryId', reason: 'Required' }] });
    expect(invalidProps(err, 'categoryId', 'e1')).toEqual({ 'aria-invalid': true, 'aria-describedby': 'e1' });
    expect(invalidProps(err, ['description', 'categoryId'], 'e1')).toEqual({ 'aria-invalid': true, 'aria-describedby': 'e1' });
    expect(invalidProps(err, 'description', 'e1')).toEqual({});
    expect(invalidProps(new Error('x'), 'categoryId', 'e1')).toEqual({});
  });
});
