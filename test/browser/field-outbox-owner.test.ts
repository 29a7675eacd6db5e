/// <reference lib="dom" />
import type { BrowserContext, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { installedPhone, outboxCount } from './helpers/field-phone.js';
import { explained } from './helpers/outbox-diagnosis.js';
import { scopeOf } from './helpers/scope.js';
import { browserSuite } from './helpers/suite.js';

type Room = { id: string; lat: number; lng: number };

async function photo(seed: number) {
  return { name: `IMG_${seed}.jpg`, mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: seed, g: 90, b: 40 } } }).jpeg().toBuffer() };
}

/** A check-in at `room` captured with the phone offline, as a patrol does in a basement: kept in the outbox. */
async function checkInOffline(ctx: BrowserContext, page: Page, room: Room, seed: number) {
  await page.goto(`/m/checkin/${room.id}`);
  await page.getByTestId('checkin-site').waitFor();
  await ctx.setOffline(true);
  await page.getByTestId('offline-notice').waitFor();
  await eventually(() => page.getByTestId('gps-accuracy').count()).toBe(1);
  await page.getByTestId('checkin-photo').setInputFiles(await photo(seed));
  await page.getByTestId('checkin-photo-pending').waitFor();
  await page.getByTestId('checkin-submit').click();
  await page.getByTestId('checkin-queued').waitFor();
}

/** The outbox as IndexedDB holds it: key and owner of each action. */
function kept(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ key: string; owner: string | null }[]>((ok, no) => {
        const open = indexedDB.open('closeloop-outbox');
        open.onerror = () => no(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('actions', 'readonly').objectStore('actions').getAll();
          all.onsuccess = () => ok((all.result as { key: string; owner?: string | null }[]).map((i) => ({ key: i.key, owner: i.owner ?? null })));
          all.onerror = () => no(all.error);
        };
      }),
  );
}

/** Every check-in and photo upload the phone sends, with its Idempotency-Key (photos have none). */
function writesSeen(ctx: BrowserContext) {
  const seen: { path: string; key: string | null }[] = [];
  ctx.on('request', (r: Request) => {
    const url = new URL(r.url());
    if (r.method() === 'POST' && (url.pathname === '/api/checkins' || url.pathname === '/api/photos')) seen.push({ path: url.pathname, key: r.headers()['idempotency-key'] ?? null });
  });
  return seen;
}

/**
 * Saved-but-unsent work on a phone whose session cannot be confirmed: it stays in sight (read-only),
 * is sent when the same person's session is confirmed again, and is never seen or sent by anyone
 * else signed in on that phone (web/src/shared/outbox/owner.ts).
 */
describeBrowser('field app: saved work when the phone is not (or cannot check that it is) signed in', () => {
  const suite = browserSuite();
  const roomsOfPatrol = async () => {
    const c = await scopeOf(suite.server.db, 'cadre01');
    return suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', c.committee_id!).where('kind', '=', 'bin_room').orderBy('id').execute();
  };
  const checkinsAt = (siteId: string) =>
    suite.server.db.selectFrom('checkins as c').innerJoin('users as u', 'u.id', 'c.user_id').select('u.username').where('c.site_id', '=', siteId).execute();

  it('reloaded offline with no session answer, the app does not sign out: it shows the saved check-in read-only and sends it when the network returns', async () => {
    const room = (await roomsOfPatrol())[0]!;
    const { ctx, page } = await installedPhone(suite.browser, suite.server.url, 'patrol1', room);
    await checkInOffline(ctx, page, room, 11);
    await eventually(() => outboxCount(page)).toBe('1');
    // The service worker's copy of the session answer is gone (as after an earlier 401, or evicted):
    // reopened offline, the session check gets no answer at all.
    await page.evaluate(async () => {
      for (const k of await caches.keys()) if (k.startsWith('closeloop-field-data')) await (await caches.open(k)).delete('/api/me');
    });
    await page.reload();
    await explained(page, 'offline with no session answer, the app did not say it cannot reach the server', page.getByTestId('auth-unreachable').waitFor());
    expect(new URL(page.url()).pathname).not.toBe('/m/sign-in');
    expect(await page.getByTestId('auth-unreachable').textContent()).toContain('不是退出登录');
    expect(await page.getByTestId('saved-work-count').getAttribute('data-n')).toBe('1');
    await eventually(() => outboxCount(page)).toBe('1');

    await page.getByTestId('saved-work-view').click();
    await page.waitForURL((u) => u.pathname === '/m/outbox');
    await page.getByTestId('outbox-readonly').waitFor();
    expect(await page.getByTestId('outbox-item-pending').count()).toBe(1);
    // Read-only: nothing to send, discard or change while nobody's session is confirmed.
    expect(await page.getByTestId('outbox-send').count()).toBe(0);
    expect(await checkinsAt(room.id)).toEqual([]);

    await ctx.setOffline(false);
    await explained(page, 'back online, the saved check-in was not sent', page.getByTestId('outbox-empty').waitFor({ timeout: 30_000 }));
    expect(await checkinsAt(room.id)).toEqual([{ username: 'patrol1' }]);
    expect(await page.getByTestId('outbox-readonly').count()).toBe(0);
    await ctx.close();
  });

  it("the session ends while a check-in waits: the sign-in page says whose it is; another person signing in neither sees nor sends it; its owner signing in again sends it", async () => {
    const rooms = await roomsOfPatrol();
    const room = rooms[1]!;
    const { ctx, page } = await installedPhone(suite.browser, suite.server.url, 'patrol1', room);
    const writes = writesSeen(ctx);
    await checkInOffline(ctx, page, room, 12);
    const [waiting] = await kept(page);
    const patrol1 = await suite.server.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'patrol1').executeTakeFirstOrThrow();
    expect(waiting!.owner).toBe(patrol1.id);

    // The session ends (expired, or signed out on the server) before the phone is back online.
    await ctx.clearCookies();
    await ctx.setOffline(false);
    await explained(page, 'the refused sending did not bring the sign-in page', page.waitForURL((u) => u.pathname === '/m/sign-in'));
    await page.getByTestId('saved-work-count').waitFor();
    expect(await page.getByTestId('saved-work-count').getAttribute('data-n')).toBe('1');
    expect(await page.getByTestId('saved-work').textContent()).toContain(patrol1.display_name);

    // Someone else signs in on this phone, and captures a check-in of their own, sent by the outbox.
    await signInThroughForm(page, 'patrol2', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    const before = writes.length;
    await checkInOffline(ctx, page, room, 13);
    await ctx.setOffline(false);
    await explained(page, "patrol2's own check-in was not sent", eventually(async () => (await checkinsAt(room.id)).map((c) => c.username)).toEqual(['patrol2']));
    // The phone drops its copy once it has read the server's answer, a moment after the server
    // stored it: until then patrol2's own action is (rightly) still listed.
    await eventually(() => kept(page)).toEqual([waiting]);
    // patrol1's check-in went nowhere with patrol2's session, is not shown to patrol2 — only that
    // one more action of someone else waits — and is still on the phone as patrol1's.
    expect(writes.slice(before).filter((w) => w.key === waiting!.key)).toEqual([]);
    await page.goto('/m/outbox');
    await page.getByTestId('outbox-others').waitFor();
    expect(await page.getByTestId('outbox-others').getAttribute('data-n')).toBe('1');
    expect(await page.locator('[data-testid^=outbox-item-]').count()).toBe(0);
    expect(await outboxCount(page)).toBeNull();
    expect(await kept(page)).toEqual([waiting]);

    // patrol2 signs out; patrol1 signs in again: the check-in is sent, once, as patrol1's.
    await page.goto('/m/');
    await page.locator('[data-testid=m-hello], .m-back').first().waitFor();
    if (!(await page.getByTestId('m-hello').isVisible())) await page.locator('.m-back').click();
    await page.getByTestId('m-sign-out').click();
    await page.waitForURL((u) => u.pathname === '/m/sign-in');
    expect(await page.getByTestId('saved-work-others').getAttribute('data-n')).toBe('1');
    expect(await page.getByTestId('saved-work').textContent()).not.toContain(patrol1.display_name);
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await explained(page, 'patrol1 signed in again, the check-in was not sent', eventually(async () => (await checkinsAt(room.id)).map((c) => c.username).sort()).toEqual(['patrol1', 'patrol2']));
    await eventually(() => kept(page)).toEqual([]);
    await ctx.close();
  });

  it('a session check that never gets an answer (a dying connection) ends as "cannot reach the server" instead of loading for ever', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, serviceWorkers: 'block' });
    expect((await ctx.request.post('/api/auth/sign-in', { data: { username: 'patrol1', password: DEMO_PASSWORD } })).status()).toBe(200);
    // The request leaves, and nothing ever comes back.
    await ctx.route('**/api/me', () => {});
    const page = await ctx.newPage();
    await page.clock.install();
    const asked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/me');
    await page.goto('/m/');
    await asked;
    expect(await page.getByTestId('auth-unreachable').count()).toBe(0);
    await page.clock.runFor(60_000);
    await page.getByTestId('auth-unreachable').waitFor();
    await ctx.close();
  });

  it("signed out, the phone says whose saved work waits but shows nobody what it is: not in the app, not reopened offline", async () => {
    const room = (await roomsOfPatrol())[2]!;
    const { name } = await suite.server.db.selectFrom('sites').select('name').where('id', '=', room.id).executeTakeFirstOrThrow();
    const { ctx, page } = await installedPhone(suite.browser, suite.server.url, 'patrol1', room);
    await checkInOffline(ctx, page, room, 14);
    // Shown to its owner while signed in: the label names the bin room.
    await page.getByTestId('outbox-link').click();
    await page.getByTestId('outbox-item-pending').waitFor();
    expect(await page.locator('body').textContent()).toContain(name);

    // patrol1 signs out and hands the phone over (still offline).
    await page.goto('/m/');
    await page.locator('[data-testid=m-hello], .m-back').first().waitFor();
    if (!(await page.getByTestId('m-hello').isVisible())) await page.locator('.m-back').click();
    await page.getByTestId('m-sign-out').click();
    await page.waitForURL((u) => u.pathname === '/m/sign-in');
    expect(await page.getByTestId('saved-work-count').getAttribute('data-n')).toBe('1');
    const shownNothing = async (where: string) => {
      await page.getByTestId('outbox-link').click();
      await page.waitForURL((u) => u.pathname === '/m/outbox');
      await page.getByTestId('outbox-rule').waitFor();
      expect(await page.locator('body').textContent(), where).not.toContain(name);
      expect(await page.locator('[data-testid^=outbox-item-]').count(), where).toBe(0);
      expect(await page.getByTestId('outbox-hidden').count(), where).toBe(1);
    };
    await shownNothing('signed out in the app');
    expect(await page.getByTestId('saved-work-view').count()).toBe(0);
    // Reopened with no session answer (the sign-out deleted the cached one): still nothing shown.
    await page.goto('/m/sign-in');
    await page.getByTestId('saved-work-count').waitFor();
    await shownNothing('reopened offline after signing out');
    expect((await kept(page)).length).toBe(1);

    // Out of reach with no network, the session is not asked for every 15 s (the phone's battery):
    // going back online asks.
    await page.addInitScript(() => {
      const w = window as unknown as { meAsked: number };
      w.meAsked = 0;
      const real = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (new URL(input instanceof Request ? input.url : String(input), location.href).pathname === '/api/me') w.meAsked++;
        return real(input, init);
      };
    });
    await page.clock.install();
    await page.goto('/m/sign-in');
    await page.getByTestId('saved-work-count').waitFor();
    const asked = () => page.evaluate(() => (window as unknown as { meAsked: number }).meAsked);
    const first = await asked();
    await page.clock.runFor(61_000);
    expect(await asked()).toBe(first);
    await ctx.setOffline(false);
    await eventually(asked).toBeGreaterThan(first);
    // The sign-out that got no answer offline was sent first: patrol1's session has ended on the
    // server, so the check does not sign patrol1 back in on a phone handed to someone else.
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    await page.getByTestId('saved-work-count').waitFor();
    expect(page.url()).toMatch(/\/m\/sign-in$/);
    await shownNothing('back online after signing out offline');
    await ctx.close();
  });
});
