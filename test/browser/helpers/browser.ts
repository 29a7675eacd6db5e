import fs from 'node:fs';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'closeloop2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const available = fs.existsSync(CHROMIUM_PATH);
if (!available) {
  const msg = `Chromium not found at ${CHROMIUM_PATH}: browser tests are skipped.`;
  if (process.env.CI === 'true') throw new Error(`${msg} In CI this is a failure (install the Debian package "chromium").`);
  console.warn(`\n\x1b[41m\x1b[37m SKIPPING BROWSER TESTS \x1b[0m ${msg}\n`);
}

/** A browser test on a busy 2-core CI machine can take far longer than vitest's default 30 s. */
const BROWSER_TEST_TIMEOUT_MS = 120_000;

/** `describe` when Chromium is installed, a loud skip otherwise. */
export function describeBrowser(name: string, fn: () => void) {
  (available ? describe : describe.skip)(name, { timeout: BROWSER_TEST_TIMEOUT_MS }, fn);
}

/** Chromium as the tests run it; `extraArgs` such as `--lang=en-US` set the browser's own UI locale. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...ARGS, ...extraArgs] });
}

export async function newContext(browser: Browser, baseURL: string, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** Signs in through the sign-in form at `path` (console "/sign-in" or field "/m/sign-in"). */
export async function signInThroughForm(page: Page, username: string, path = '/sign-in', password = DEMO_PASSWORD) {
  await page.goto(path);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form.sign-in-form button[type=submit]').click();
}

/**
 * Brings a field page to the tile home: signing in or opening /m lands on the role's own page
 * (today's route, my tasks, enforcement), whose back link leads home; other roles are home already.
 */
export async function fieldHome(page: Page) {
  await page.locator('[data-testid=m-hello], .m-back').first().waitFor();
  if (!(await page.getByTestId('m-hello').isVisible())) await page.locator('.m-back').click();
  await page.getByTestId('m-hello').waitFor();
}

const POLL_TIMEOUT_MS = 10_000;
/** expect.poll with a timeout fit for a loaded CI machine (the default 1 s is too short). */
export const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: POLL_TIMEOUT_MS, interval: 50 });

/**
 * The map's open popup once it shows `title`. A map redraw reopens the popup on the redrawn marker
 * and Leaflet fades the old one out over 200 ms, so for a moment there are two: this waits until
 * only the open one is left, so that reading a link from it is not ambiguous.
 */
export async function openPopup(page: Page, title: string) {
  const popup = page.locator('.leaflet-popup-content');
  await eventually(() => popup.locator('.popup-title').textContent()).toBe(title);
  await eventually(() => popup.count()).toBe(1);
  return popup;
}

/** A mid-range phone in portrait, for the field app. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** A real JPEG of one colour, as a phone camera would hand it to the file input. */
export async function solidJpeg(r: number, g: number, b: number, width = 320, height = 240) {
  return {
    name: `IMG_${r}${g}${b}.jpg`,
    mimeType: 'image/jpeg',
    buffer: await sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).jpeg().toBuffer(),
  };
}

/**
 * Collects what went wrong on a page from now on: script errors, anything the Content-Security-
 * Policy blocked, and API calls the server refused or failed (4xx/5xx; /api/me is the app's own
 * "am I signed in?" probe).
 */
/** A console message of the web apps saying a translation key is missing in every language (web/src/shared/i18n/index.ts). */
export const isMissingTranslation = (m: ConsoleMessage) => m.type() === 'error' && m.text().startsWith('[i18n] missing translation');

export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text().slice(0, 300)}`);
    if (isMissingTranslation(m)) problems.push(m.text());
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/') && r.status() >= 400 && url.pathname !== '/api/me') problems.push(`${r.status()} ${r.request().method()} ${url.pathname}${url.search}`);
  });
  return problems;
}
