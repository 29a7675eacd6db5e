import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, PHONE, pageProblems, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

/**
 * The apps work under their strict Content-Security-Policy: the dashboard's ECharts charts, the
 * Leaflet map with its markers, the field app and the API docs render with nothing blocked.
 */
describeBrowser('content security policy: the apps run with nothing blocked', () => {
  const suite = browserSuite();

  it('console dashboard (charts), sites map, field app and API docs', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    const violations: string[] = [];
    await page.exposeFunction('cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { cspViolation(v: string): void }).cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const response = await page.goto('/sign-in');
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.getByTestId('nav-dashboard').click();
    await eventually(() => page.locator('canvas').count()).toBeGreaterThan(0);
    await page.goto('/sites');
    await eventually(() => page.locator('.leaflet-marker-icon, .leaflet-interactive').count()).toBeGreaterThan(0);
    await page.goto('/api/docs');
    await eventually(() => page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(0);
    await ctx.close();

    const phone = await newContext(suite.browser, suite.server.url, PHONE);
    const field = await phone.newPage();
    const fieldProblems = pageProblems(field);
    await signInThroughForm(field, 'patrol1', '/m/sign-in');
    await eventually(() => field.url()).not.toContain('sign-in');
    await field.waitForLoadState('networkidle');
    await phone.close();

    expect(violations).toEqual([]);
    expect([...problems, ...fieldProblems].filter((p) => p.startsWith('CSP') || p.startsWith('script'))).toEqual([]);
  });
});
