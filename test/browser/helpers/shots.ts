import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where browser tests leave their screenshots (gitignored): test-output/screenshots/. */
export const SHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-output/screenshots');

/**
 * Screenshots for people to look at are taken only when asked for (`SHOTS=1`): no test asserts on
 * them, and encoding each PNG in software-rendered Chromium costs 0.2–0.5 s (the everyday matrix took 56).
 */
export const SHOTS = process.env.SHOTS === '1';

/** With SHOTS=1, saves a screenshot of the page under test-output/screenshots/<name>.png; answers that path either way. */
export async function saveShot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  if (SHOTS) await page.screenshot({ path: file, fullPage });
  return file;
}
