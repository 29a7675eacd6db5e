/// <reference lib="dom" />
import type { Page, Request } from 'playwright-core';
import { eventually } from './browser.js';

/**
 * The requests of a page still waiting for their answer, from `trackRequests` on. A live stream
 * (the dashboard's and the window screen's server-sent events) never ends and is left out, as
 * Playwright's own "networkidle" leaves it out.
 */
const pending = new WeakMap<Page, Set<Request>>();

/** The calls to the server's API, which the smoke tests wait for (not images, fonts or map tiles). */
export const apiCalls = (r: Request) => new URL(r.url()).pathname.startsWith('/api/');

/**
 * Starts counting the page's requests in flight (those `counted`: all by default); call it before
 * the page's first navigation.
 */
export function trackRequests(page: Page, counted: (r: Request) => boolean = () => true): void {
  if (pending.has(page)) return;
  const open = new Set<Request>();
  pending.set(page, open);
  page.on('request', (r) => {
    if (r.resourceType() !== 'eventsource' && counted(r)) open.add(r);
  });
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  page.on('close', () => open.clear());
}

/** How many of the page's requests are waiting for their answer. */
function requestsInFlight(page: Page): number {
  const open = pending.get(page);
  if (!open) throw new Error('requestsInFlight: call trackRequests(page) before the page navigates');
  return open.size;
}

/**
 * Whether the page shows a loaded page after the work already queued in it has run: two animation
 * frames let React commit and run its effects, and so start the requests the page draws from.
 */
async function drawnAfterTwoFrames(page: Page): Promise<boolean> {
  return page.evaluate(
    () =>
      new Promise<boolean>((done) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            done(!document.querySelector('.page-loading, .m-loading, [aria-busy=true]') && (document.querySelector('main, #root')?.textContent ?? '').trim().length > 0),
          ),
        ),
      ),
  );
}

/**
 * Waits until the page is loaded as a person sees it: no request in flight, no "loading…"
 * placeholder, something drawn, and still no request once the page has had two frames to start
 * the next one (a page that fetches what its first answer names). Every answer the page waited
 * for has then arrived, so listeners on the page's responses have seen its status.
 */
export async function settle(page: Page): Promise<void> {
  requestsInFlight(page); // fails at once for a page nobody tracks
  await eventually(async () => requestsInFlight(page) === 0 && (await drawnAfterTwoFrames(page)) && requestsInFlight(page) === 0).toBe(true);
}
