/**
 * Takes the README's screenshot: the demo's dashboard (with its four weeks of history), signed in
 * as the operator, in Chinese, at 1600×900. Starts `closeloop start` on a throwaway data folder
 * and a free port. Run with `npx tsx scripts/docs-screenshot.ts`; writes docs/dashboard.png.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/dashboard.png');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-shot-'));
const child = spawn(process.execPath, ['bin/closeloop.js', 'start'], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /Console\s+(http:\/\/\S+?)\/?\s/.exec(out);
    if (m) resolve(m[1]!);
  });
  child.on('exit', (code) => reject(new Error(`closeloop start exited with ${code}`)));
});
const server = {
  url,
  async close() {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
};
const browser = await launch();
try {
  const ctx = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1600, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/sign-in');
  await page.locator('input[name=username]').fill('operator');
  await page.locator('input[name=password]').fill('closeloop2026');
  await page.locator('form.sign-in-form button[type=submit]').click();
  await page.getByTestId('who').waitFor();
  await page.goto('/dashboard');
  await page.waitForLoadState('networkidle');
  await page.locator('canvas').first().waitFor();
  await page.evaluate(() => document.fonts.ready);
  await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 2);
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
