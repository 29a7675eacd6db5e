/// <reference lib="dom" />
import { expect, it } from 'vitest';
import { describeBrowser, eventually } from './helpers/browser.js';
import { installedPhone, outboxCount } from './helpers/field-phone.js';
import { explained } from './helpers/outbox-diagnosis.js';
import { scopeOf } from './helpers/scope.js';
import { browserSuite } from './helpers/suite.js';

/**
 * The outbox strip ("N 条待发送") stays at the top of every page while the page scrolls, and so does
 * the page's own bar with 返回/back: the one must not cover the other, or the back button is out
 * of reach on a long page as soon as something waits to be sent.
 */
describeBrowser('field app: the outbox strip and the page bar on a long page', () => {
  const suite = browserSuite();

  it('scrolled to the bottom of a long page with actions waiting, the back button is still there to tap, below the strip', async () => {
    const c = await scopeOf(suite.server.db, 'cadre01');
    const room = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', c.committee_id!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    // A short phone screen, so that the outbox page with a few waiting actions scrolls.
    const { ctx, page } = await installedPhone(suite.browser, suite.server.url, 'patrol1', room, { viewport: { width: 360, height: 560 } });
    await ctx.setOffline(true);
    await page.evaluate(async (siteId) => {
      const db = await new Promise<IDBDatabase>((ok, no) => {
        const r = indexedDB.open('closeloop-outbox', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('actions', { keyPath: 'seq', autoIncrement: true });
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      await new Promise((ok, no) => {
        const tx = db.transaction('actions', 'readwrite');
        for (let i = 0; i < 6; i++) {
          tx.objectStore('actions').add({
            key: `fld-${crypto.randomUUID()}`, label: `打卡 · ${i + 1}`, method: 'POST', path: '/api/checkins', body: { siteId },
            photos: [], capturedAt: new Date().toISOString(), position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null,
          });
        }
        tx.oncomplete = ok;
        tx.onerror = () => no(tx.error);
      });
    }, room.id);
    await page.reload();
    await eventually(() => outboxCount(page)).toBe('6');
    await page.getByTestId('outbox-link').click();
    await explained(page, 'the outbox page did not list the six actions', eventually(() => page.getByTestId('outbox-item-pending').count()).toBe(6));

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await eventually(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(100);
    const seen = await page.evaluate(() => {
      const back = document.querySelector('.m-back')!.getBoundingClientRect();
      const bar = document.querySelector('[data-testid=outbox-bar]')!.getBoundingClientRect();
      const hit = document.elementFromPoint(back.left + back.width / 2, back.top + back.height / 2);
      return { backTop: Math.round(back.top), barBottom: Math.round(bar.bottom), backIsTappable: !!hit?.closest('.m-back'), barTop: Math.round(bar.top) };
    });
    // Both stay on screen: the strip at the very top, the page's bar right below it (not under it).
    expect(seen.barTop).toBe(0);
    expect(seen.backTop).toBeGreaterThanOrEqual(seen.barBottom - 1);
    expect(seen.backIsTappable).toBe(true);
    await page.locator('.m-back').click({ trial: true, timeout: 2_000 });
    await ctx.close();
  });
});
