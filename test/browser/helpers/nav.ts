import type { Page } from 'playwright-core';

/**
 * Opens a console page through the grouped menu: clicks the entry's group first when the entry
 * sits in a closed drop-down (entries carry data-group; groups are navgroup-<id>).
 */
export async function clickNav(page: Page, testId: string): Promise<void> {
  const entry = page.getByTestId(testId);
  await entry.waitFor({ state: 'attached' });
  if (!(await entry.isVisible())) {
    const group = await entry.getAttribute('data-group');
    await page.getByTestId(`navgroup-${group}`).click();
  }
  await entry.click();
}
