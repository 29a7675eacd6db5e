import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

const LANGS = [
  { lang: 'zh', width: 1366, used: '已被使用', photoFirst: '请先拍一张现场照片', category: '请选择问题类别', label: '二维码' },
  { lang: 'en', width: 1920, used: 'already used', photoFirst: 'Take a photo of the problem first', category: 'Choose the problem category', label: 'QR' },
] as const;

describeBrowser('forms that explain: the server\'s field reasons on the fields, disabled buttons that say why', () => {
  const suite = browserSuite();

  for (const l of LANGS) {
    it(`console (${l.lang}, ${l.width} px): a QR code used by another site is refused on the QR field, in the current language`, async () => {
      const [a, b] = await suite.server.db.selectFrom('sites').select(['id', 'qr_code']).where('qr_code', 'is not', null).limit(2).execute();
      const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: l.width, height: 900 } });
      await ctx.addInitScript((lang) => localStorage.setItem('closeloop.lang', lang), l.lang);
      const page = await ctx.newPage();
      await signInThroughForm(page, 'admin');
      await page.getByTestId('who').waitFor();
      await page.goto(`/sites/${a!.id}/edit`);
      const qr = page.locator('input[name=qrCode]');
      await eventually(() => qr.inputValue()).toBe(a!.qr_code);
      await qr.fill(b!.qr_code!);
      await page.getByTestId('site-save').click();
      const err = page.getByTestId('error-qrCode');
      await err.waitFor();
      expect(await err.textContent()).toBe(l.used);
      expect(await page.locator('[data-field=qrCode].has-error').count()).toBe(1);
      await ctx.close();
    });

    it(`phone (${l.lang}): the report button says what is missing, and stops saying it once given`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: 31.2, longitude: 121.4, accuracy: 10 }, permissions: ['geolocation'] });
      await ctx.addInitScript((lang) => localStorage.setItem('closeloop.lang', lang), l.lang);
      const page = await ctx.newPage();
      await signInThroughForm(page, 'patrol1', '/m/sign-in');
      await page.waitForURL(/\/m\/?$/);
      await page.goto('/m/report');
      const submit = page.getByTestId('report-submit');
      await submit.waitFor();
      expect(await submit.isDisabled()).toBe(true);
      const why = page.getByTestId('report-submit-why');
      expect(await why.textContent()).toBe(l.photoFirst);
      expect(await submit.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'));
      await page.getByTestId('report-photo').setInputFiles(await solidJpeg(200, 30, 30));
      await eventually(() => why.textContent()).toBe(l.category);
      await ctx.close();
    });
  }
});
