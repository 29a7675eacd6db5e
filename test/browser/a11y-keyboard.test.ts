/// <reference lib="dom" />
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { SITE_COLUMNS } from '../../src/domain/registry/site-ledger-columns.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

interface FocusStop {
  /** data-testid, name or tag of the focused element. */
  id: string;
  inMain: boolean;
  inDialog: boolean;
  /** Why the focus cannot be seen, or null when its ring can be (WCAG 2.4.7, ring against its surroundings ≥ 3:1 as in 1.4.11). */
  unseen: string | null;
}

/** Where the keyboard focus is and whether a sighted keyboard user can see it. */
function focusStop(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { id: 'body', inMain: false, inDialog: false, unseen: 'focus is on <body>' };
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
    };
    // The colour around the element: the first opaque background of its ancestors (the ring is drawn outside it).
    let bg = [255, 255, 255];
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = rgb(getComputedStyle(p).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3]! > 0.5)) {
        bg = c.slice(0, 3);
        break;
      }
    }
    const s = getComputedStyle(el);
    const id = el.dataset.testid ?? el.getAttribute('name') ?? el.tagName.toLowerCase();
    let unseen: string | null = null;
    if (!el.matches(':focus-visible')) unseen = 'not :focus-visible';
    else if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) unseen = `outline ${s.outlineStyle} ${s.outlineWidth}`;
    else if (s.outlineStyle !== 'auto') {
      // An inset ring (negative offset) is drawn on the element's own background.
      const against = parseFloat(s.outlineOffset) < 0 ? rgb(s.backgroundColor) : bg;
      const [a, b] = [lum(rgb(s.outlineColor)), lum(against.length >= 3 && (against[3] ?? 1) > 0.5 ? against : bg)].sort((x, y) => y - x);
      const ratio = (a! + 0.05) / (b! + 0.05);
      if (ratio < 3) unseen = `ring ${s.outlineColor} on ${against.join(',')}: ${ratio.toFixed(2)}:1`;
    }
    return { id, inMain: !!el.closest('main'), inDialog: !!el.closest('[role=dialog]'), unseen };
  });
}

/** Presses Tab (or Shift+Tab) and answers the new focus stop. */
async function tab(page: Page, back = false): Promise<FocusStop> {
  await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  return focusStop(page);
}

async function siteWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  const headers = SITE_COLUMNS.map((c) => c.header);
  ws.addRow(headers);
  const row: Record<string, string | number> = { 名称: '键盘导入箱房', 类型: '箱房', 地址: '安顺路9号', 居委会: '安顺居民区', 经度: 121.4215, 纬度: 31.2009, 投放时段: '07:00-09:00' };
  ws.addRow(headers.map((h) => row[h] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describeBrowser('keyboard: the console is used without a mouse, the focus always visible', () => {
  const suite = browserSuite();

  it('signs in, tabs through the menu (a group opens with Enter, Escape gives focus back), fills a form up to its submit button', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto('/sign-in');
    await page.locator('form.sign-in-form').waitFor();

    // Sign-in form: Tab reaches the username, the password and the submit button, each ring visible.
    const stops: FocusStop[] = [];
    for (let i = 0; i < 8 && stops.at(-1)?.id !== 'username'; i++) stops.push(await tab(page));
    expect(stops.at(-1)?.id).toBe('username');
    await page.keyboard.type('operator');
    stops.push(await tab(page));
    expect(stops.at(-1)?.id).toBe('password');
    await page.keyboard.type(DEMO_PASSWORD);
    let submit: FocusStop;
    for (let i = 0; i < 4; i++) {
      submit = await tab(page);
      stops.push(submit);
      if (await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type === 'submit')) break;
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.type)).toBe('submit');
    expect(stops.filter((s) => s.unseen), JSON.stringify(stops)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.getByTestId('who').waitFor();

    // The top bar from the start of the page: every menu group and link, the inbox, language and sign-out.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const bar: FocusStop[] = [];
    for (let i = 0; i < 30; i++) {
      const s = await tab(page);
      if (s.inMain) break;
      bar.push(s);
    }
    const groups = await page.locator('.mainnav > *').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid ?? (e.querySelector('button') as HTMLElement).dataset.testid!));
    expect(bar.map((s) => s.id)).toEqual([...groups, 'nav-inbox', 'lang-switch', 'sign-out']);
    expect(bar.filter((s) => s.unseen), JSON.stringify(bar)).toEqual([]);

    // A group opens with Enter; its links take the focus, visibly, on the white list; Escape closes and focus returns.
    const group = page.locator('.mainnav button[aria-expanded]').first();
    const groupId = (await group.getAttribute('data-testid'))!;
    await group.focus();
    await page.keyboard.press('Enter');
    expect(await group.getAttribute('aria-expanded')).toBe('true');
    const link = await tab(page);
    expect(link.unseen, JSON.stringify(link)).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.closest('.menu-list') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    expect((await focusStop(page)).id).toBe(groupId);

    // A form: the new case page, from its first field Tab by Tab to "submit", every stop visible.
    await page.goto('/cases/new');
    await page.getByTestId('new-case-page').waitFor();
    await page.getByTestId('new-category').locator('option').nth(1).waitFor({ state: 'attached' });
    await page.getByTestId('new-source').focus();
    const form: FocusStop[] = [await focusStop(page)];
    for (let i = 0; i < 25 && form.at(-1)?.id !== 'new-submit'; i++) form.push(await tab(page));
    expect(form.at(-1)?.id).toBe('new-submit');
    expect(form.map((s) => s.id)).toEqual(expect.arrayContaining(['new-source', 'new-category', 'new-committee', 'new-site', 'new-description', 'new-photo']));
    expect(form.filter((s) => s.unseen), JSON.stringify(form)).toEqual([]);
    await ctx.close();
  });

  it("the import dialog takes the focus, keeps Tab inside, closes on Escape and gives the focus back to the button that opened it", async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    // The file chooser is answered by the test with a workbook; listening from the start makes
    // Playwright intercept the chooser before any key is pressed.
    const file = { name: 'ledger.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await siteWorkbook() };
    const chosen = new Promise<void>((resolve) => page.once('filechooser', (fc) => void fc.setFiles(file).then(resolve)));
    await page.goto('/sign-in');
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    const importButton = page.getByTestId('site-import');
    await importButton.waitFor();
    await importButton.focus();
    expect((await focusStop(page)).id).toBe('site-import');
    // Enter on the button opens the file chooser.
    await page.keyboard.press('Enter');
    await chosen;
    await page.getByTestId('import-preview').waitFor();

    // Focus is in the dialog; six Tabs and six Shift+Tabs never leave it, and every stop is seen.
    await eventually(async () => (await focusStop(page)).inDialog).toBe(true);
    const inside: FocusStop[] = [];
    for (let i = 0; i < 6; i++) inside.push(await tab(page));
    for (let i = 0; i < 6; i++) inside.push(await tab(page, true));
    expect(inside.filter((s) => !s.inDialog || s.unseen), JSON.stringify(inside)).toEqual([]);
    expect(new Set(inside.map((s) => s.id))).toEqual(new Set(['import-confirm', 'import-close']));

    await page.keyboard.press('Escape');
    await eventually(() => page.getByTestId('import-result').count()).toBe(0);
    expect((await focusStop(page)).id).toBe('site-import');
    await ctx.close();
  });
});
