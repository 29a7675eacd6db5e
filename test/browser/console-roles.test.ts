import { expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.js';
import { can } from '../../src/domain/auth/permissions.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const USERS: [string, Role][] = [
  ['admin', 'admin'],
  ['operator', 'operator'],
  ['leader', 'leader'],
  ['cadre01', 'cadre'],
  ['patrol1', 'patrol'],
  ['handler1', 'handler'],
  ['enforcer1', 'enforcement'],
];
/** What each demo user should be offered, from the server's own permission table. */
const ROLES = USERS.map(([username, role]) => ({
  username,
  staff: can({ role }, 'staff.read'),
  write: can({ role }, 'registry.write'),
  importable: can({ role }, 'registry.import'),
  exportable: can({ role }, 'registry.export'),
}));

it('the expectations below are not all alike (admins write, leaders only read)', () => {
  expect(ROLES.find((r) => r.username === 'admin')).toMatchObject({ staff: true, write: true, importable: true });
  expect(ROLES.find((r) => r.username === 'leader')).toMatchObject({ staff: true, write: false, importable: false });
  expect(ROLES.find((r) => r.username === 'patrol1')).toMatchObject({ staff: false, write: false });
});

describeBrowser('console: each role sees only what it may', () => {
  const suite = browserSuite();


  it('rejects a wrong password with the invalid-credentials message and no hint about the user', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin', '/sign-in', 'wrong-password');
    await eventually(() => page.getByTestId('sign-in-error').textContent()).toBe('用户名或密码错误。');
    await signInThroughForm(page, 'nobody-such', '/sign-in', 'wrong-password');
    await eventually(() => page.getByTestId('sign-in-error').textContent()).toBe('用户名或密码错误。');
    expect(page.url()).toMatch(/\/sign-in$/);
    await ctx.close();
  });

  it('after repeated failures the account is locked and the form says so', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    for (let i = 0; i < 5; i++) {
      const res = await ctx.request.post('/api/auth/sign-in', { data: { username: 'patrol3', password: `wrong-${i}` } });
      expect(res.status()).toBe(401);
    }
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol3');
    await eventually(() => page.getByTestId('sign-in-error').textContent()).toBe('账号因多次登录失败已被暂时锁定，请稍后再试。');
    await ctx.close();
  });

  it('when the session ends, the next request sends the console back to sign-in', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    await ctx.clearCookies();
    await clickNav(page, 'nav-staff'); // client-side navigation; its API call gets 401
    await page.waitForURL(/\/sign-in$/);
    await page.locator('input[name=username]').waitFor();
    await ctx.close();
  });

  for (const role of ROLES) {
    it(`${role.username}: navigation, add/import/export and edit controls match the role`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url);
      const page = await ctx.newPage();
      await signInThroughForm(page, role.username);
      // Each role opens on its own home (RoleHome); the registry is one menu entry away.
      await page.getByTestId('who').waitFor();
      await page.goto('/sites');
      await page.getByTestId('site-table').waitFor();
      expect(await page.getByTestId('nav-sites').count()).toBe(1);
      expect(await page.getByTestId('nav-staff').count()).toBe(role.staff ? 1 : 0);
      expect(await page.getByTestId('site-add').count()).toBe(role.write ? 1 : 0);
      expect(await page.getByTestId('site-import').count()).toBe(role.importable ? 1 : 0);
      expect(await page.getByTestId('site-export').count()).toBe(role.exportable ? 1 : 0);

      await page.locator('[data-testid=site-table] tbody tr a').first().click();
      await page.getByTestId('site-facts').waitFor();
      expect(await page.getByTestId('site-edit').count()).toBe(role.write ? 1 : 0);
      expect(await page.getByTestId('site-retire').count()).toBe(role.write ? 1 : 0);

      await page.goto('/staff');
      if (role.staff) {
        await page.getByTestId('staff-table').waitFor();
        expect(await page.getByTestId('staff-add').count()).toBe(role.write ? 1 : 0);
      } else {
        await page.getByTestId('not-found').waitFor();
      }
      await ctx.close();
    });
  }

  it("cadre01 lists only their committee's sites and gets not-found for another committee's site", async () => {
    const cadre = await suite.server.db
      .selectFrom('users as u')
      .innerJoin('user_scopes as us', 'us.user_id', 'u.id')
      .innerJoin('committees as c', 'c.id', 'us.committee_id')
      .select(['c.id', 'c.name'])
      .where('u.username', '=', 'cadre01')
      .executeTakeFirstOrThrow();
    const own = await suite.server.db
      .selectFrom('sites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('committee_id', '=', cadre.id)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const other = await suite.server.db.selectFrom('sites').select(['id', 'name']).where('committee_id', '!=', cadre.id).executeTakeFirstOrThrow();

    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await page.getByTestId('site-table').waitFor();
    await eventually(() => page.getByTestId('site-total').textContent()).toBe(`共 ${Number(own.n)} 条`);
    const committees = await page.locator('[data-testid=site-table] tbody tr td:nth-child(4)').allTextContents();
    expect(committees.length).toBeGreaterThan(0);
    expect(new Set(committees)).toEqual(new Set([cadre.name]));
    // The committee filter offers only their own committee.
    expect(await page.locator('[data-testid=filter-committee] option').allTextContents()).toEqual(['全部居委会', cadre.name]);
    // The map shows only their sites too.
    await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
    await eventually(() => page.locator('path.site-marker').count()).toBe(Number(own.n));

    await page.goto(`/sites/${other.id}`);
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByText(other.name).count()).toBe(0);
    await ctx.close();
  });
});
