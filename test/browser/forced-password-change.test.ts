import { expect, it } from 'vitest';
import { PHONE, describeBrowser, eventually, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const FIRST = 'Chu-Shi-Mi-Ma-2026';

describeBrowser('the first sign-in of an account an administrator created', () => {
  const suite = browserSuite();

  async function createAccount(username: string, role: string) {
    const admin = await newContext(suite.browser, suite.server.url);
    await signInThroughForm(await admin.newPage(), 'admin');
    const hq = await subdistrictOf(suite.server, 'admin');
    await eventually(async () => (await admin.request.get('/api/me')).status()).toBe(200);
    const res = await admin.request.post('/api/staff', {
      data: { username, displayName: '新同事', role, password: FIRST, scopes: [{ subdistrictId: hq }] },
      headers: { origin: suite.server.url },
    });
    expect(res.status(), await res.text()).toBe(201);
    await admin.close();
  }

  it('console: shows only the change form until a good new password is chosen, then the role home', async () => {
    await createAccount('console.newbie', 'operator');
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'console.newbie', '/sign-in', FIRST);
    await page.getByTestId('change-password-form').waitFor();
    expect(await page.getByTestId('nav-dashboard').count()).toBe(0);
    // The API refuses everything else meanwhile.
    const blocked = await page.request.get('/api/sites');
    expect(blocked.status()).toBe(403);
    expect((await blocked.json()).error.code).toBe('password_change_required');

    const fill = async (current: string, next: string, repeat: string) => {
      await page.locator('input[name=currentPassword]').fill(current);
      await page.locator('input[name=newPassword]').fill(next);
      await page.locator('input[name=repeatPassword]').fill(repeat);
      await page.getByTestId('change-password-submit').click();
    };
    await fill(FIRST, 'Xin-Mi-Ma-Hao-Ji-9', 'Xin-Mi-Ma-Hao-Ji-8');
    await eventually(() => page.getByTestId('change-password-error').textContent()).toBe('两次输入的新密码不一致');
    await fill(FIRST, 'woaini1314520', 'woaini1314520');
    await eventually(() => page.getByTestId('change-password-error').textContent()).toContain('这是常见或已泄露的密码，请换一个');
    await fill('wrong-current-password', 'Xin-Mi-Ma-Hao-Ji-9', 'Xin-Mi-Ma-Hao-Ji-9');
    await eventually(() => page.getByTestId('change-password-error').textContent()).toContain('当前密码不正确');

    const problems = pageProblems(page);
    await fill(FIRST, 'Xin-Mi-Ma-Hao-Ji-9', 'Xin-Mi-Ma-Hao-Ji-9');
    await page.getByTestId('nav-dashboard').first().waitFor({ state: 'attached' });
    expect(await page.getByTestId('change-password-form').count()).toBe(0);
    expect((await page.request.get('/api/sites')).status()).toBe(200);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("field app: the same form on the phone, then the role's own page", async () => {
    await createAccount('field.newbie', 'patrol');
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'field.newbie', '/m/sign-in', FIRST);
    await page.getByTestId('change-password-form').waitFor();
    await page.locator('input[name=currentPassword]').fill(FIRST);
    await page.locator('input[name=newPassword]').fill('Xun-Cha-Yuan-Mi-Ma-3');
    await page.locator('input[name=repeatPassword]').fill('Xun-Cha-Yuan-Mi-Ma-3');
    await page.getByTestId('change-password-submit').click();
    await page.waitForURL(/\/m\/today$/);
    expect(await page.getByTestId('change-password-form').count()).toBe(0);
    expect((await page.request.get('/api/me/tasks')).status()).toBe(200);
    await ctx.close();
  });
});
