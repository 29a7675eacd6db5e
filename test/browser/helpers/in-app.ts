/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/**
 * Opens `path` inside the single-page app the page already shows, as its back and forward buttons
 * do: React Router follows a new history entry and its popstate, and the app is not started again
 * (a full load parses the app's scripts and asks who is signed in, once more, for every page).
 * The app reads the saved UI language when it starts: a change of language needs a full load.
 */
export async function openInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}
