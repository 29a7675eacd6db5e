import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where browser tests leave their screenshots (gitignored): test-output/screenshots/. */
export const SHOTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-output/screenshots');

/** Saves a screenshot of the page under test-output/screenshots/<name>.png. */
export async function saveShot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
