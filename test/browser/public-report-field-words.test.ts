/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, PHONE, solidJpeg } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

/**
 * The citizen's report page names a field the server refuses with the word its own form uses:
 * the phone field reads 联系电话（选填）, so a refused number reads "联系电话：…", never "手机：…".
 */
describeBrowser('the public report page: a refusal names the field as the form labels it', () => {
  const suite = browserSuite();

  /** The form's label of the input, without its "optional" mark. */
  const labelWord = async (page: Page, testId: string) =>
    ((await page.locator(`label:has([data-testid=${testId}]) > span`).first().textContent()) ?? '').replace(/（选填）$| \(optional\)$/, '').trim();

  it('a phone number the server refuses is called by the phone field’s label, in Chinese and in English', async () => {
    const db = suite.server.db;
    const site = await db.selectFrom('sites as s').innerJoin('subdistricts as sd', 'sd.id', 's.subdistrict_id')
      .select(['s.lng', 's.lat']).where('sd.code', '=', '008').where('s.kind', '=', 'bin_room').where('s.status', '=', 'active').orderBy('s.id').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: Number(site.lat), longitude: Number(site.lng), accuracy: 12 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await page.goto('/report');
    await page.getByTestId('use-location').tap();
    await page.getByTestId('near').waitFor();
    const code = await page.locator('[data-testid=category] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).find(Boolean));
    await page.getByTestId('category').selectOption(code!);
    await page.getByTestId('photo').setInputFiles(await solidJpeg(120, 80, 40));
    await page.getByTestId('photo-ready').waitFor();
    await page.getByTestId('description').fill('箱房门口垃圾满溢');
    // Letters where digits belong: the intake refuses the number (phone).
    await page.getByTestId('phone').fill('call me');

    const refusal = async () => {
      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/public/reports');
      await page.getByTestId('submit').tap();
      const res = await answered;
      expect(res.status()).toBe(400);
      expect((await res.json()).error.details.fields.map((f: { field: string }) => f.field)).toEqual(['phone']);
      return (await page.getByTestId('report-error').textContent()) ?? '';
    };

    const zh = await refusal();
    const zhWord = await labelWord(page, 'phone');
    expect(zhWord).toBe('联系电话');
    expect(zh.startsWith(`${zhWord}：`), zh).toBe(true);
    // The reason does not call the field by another name either.
    expect(zh.slice(zhWord.length)).not.toMatch(/手机|电话号码|号码/);

    await page.getByTestId('lang-switch').tap();
    await eventually(() => labelWord(page, 'phone')).toBe('Phone');
    const en = await refusal();
    expect(en.startsWith('Phone: '), en).toBe(true);
    expect(en.slice('Phone'.length)).not.toMatch(/mobile/i);
    await ctx.close();
  });
});
