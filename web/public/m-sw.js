/* 闭环 field app service worker (scope /m). Hand-written, no build step: see docs/field-app.md.
 * - Shell: /m (every /m/* navigation is the same m.html) and the JS/CSS it references are cached at
 *   install; navigations are stale-while-revalidate (opens at once, offline too).
 * - /assets/* (content-hashed, immutable): cache-first, so lazy chunks used once also work offline.
 * - GET /api/* that a person needs for the day (me, config, sites, today's route /api/coverage/today,
 *   my tasks /api/me/tasks, inbox, categories, checklists, …): network-first with cache fallback;
 *   photos' thumbnails cache-first. Today's route is asked for with the phone's position (lat/lng),
 *   which moves: the last answer is also kept under the bare path and served offline whatever the
 *   query. When today's route arrives, the sites on it (and the category tree, the site markers) are
 *   fetched into the cache too, so each can be opened offline without having been visited; likewise
 *   each case on my task list (refetched when the list shows a newer version).
 * - Writes are never cached or replayed here: the outbox (IndexedDB) owns them.
 * - Signing out deletes the cached data. */
const VERSION = 'v3';
const SHELL = `closeloop-field-shell-${VERSION}`;
const DATA = `closeloop-field-data-${VERSION}`;
const EXTRA = ['/m.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon-maskable-512.png', '/icons/apple-touch-icon.png'];

async function precache() {
  const cache = await caches.open(SHELL);
  const res = await fetch('/m', { cache: 'reload', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`shell ${res.status}`);
  const html = await res.clone().text();
  await cache.put('/m', res);
  const assets = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]));
  await cache.addAll([...assets, ...EXTRA]);
  // Lazy chunks the shell's JS can import (e.g. exifr, read when a photo is taken offline): the
  // bundler lists their file names in the importing chunk, so one scan finds them.
  const lazy = new Set();
  for (const a of assets) {
    if (!a.endsWith('.js')) continue;
    const text = await (await cache.match(a))?.text();
    for (const m of (text ?? '').matchAll(/assets\/[\w.-]+\.(?:js|css)/g)) if (!assets.has(`/${m[0]}`)) lazy.add(`/${m[0]}`);
  }
  await cache.addAll([...lazy]).catch(() => undefined);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k.startsWith('closeloop-field-') && k !== SHELL && k !== DATA) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

const DATA_PATHS = [/^\/api\/me$/, /^\/api\/config$/, /^\/api\/sites/, /^\/api\/places/, /^\/api\/catalogue/, /^\/api\/checklists/, /^\/api\/patrol/, /^\/api\/coverage\/today$/, /^\/api\/me\/tasks$/, /^\/api\/inbox/, /^\/api\/routes/, /^\/api\/cases/, /^\/api\/enforcement/, /^\/api\/inspections/, /^\/api\/checkins/];

async function shellFirst(event) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match('/m');
  const fresh = fetch('/m', { credentials: 'same-origin' })
    .then((res) => {
      if (res.ok) void cache.put('/m', res.clone());
      return res;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(fresh);
    return cached;
  }
  return (await fresh) ?? new Response('offline', { status: 503 });
}

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) void cache.put(request, res.clone());
  return res;
}

/** Answers whose query varies (position, paging) but whose last copy is still right offline. */
const ANY_QUERY = [/^\/api\/coverage\/today$/, /^\/api\/me\/tasks$/, /^\/api\/inbox$/, /^\/api\/inbox\/count$/];
const bareKey = (url) => `${url.origin}${url.pathname}`;
const MAX_WARM_SITES = 60;

/** Puts the sites on today's route (and what the report form needs) in the cache, skipping those already there. */
async function warmForToday(cache, res) {
  const body = await res.json().catch(() => null);
  const ids = (body?.items ?? []).map((s) => s.id).filter((id) => typeof id === 'string').slice(0, MAX_WARM_SITES);
  const urls = ['/api/catalogue', '/api/sites/markers', ...ids.map((id) => `/api/sites/${encodeURIComponent(id)}`)];
  for (const u of urls) {
    if (await cache.match(u)) continue;
    const r = await fetch(u, { credentials: 'same-origin' }).catch(() => null);
    if (r?.ok) await cache.put(u, r);
  }
}

/** Puts each of my tasks' case in the cache (refetched only when the list shows a newer version), so a task opens offline. */
async function warmTasks(cache, res) {
  const body = await res.json().catch(() => null);
  const items = (body?.items ?? []).filter((c) => typeof c.id === 'string').slice(0, MAX_WARM_SITES);
  for (const c of items) {
    const u = `/api/cases/${encodeURIComponent(c.id)}`;
    const hit = await cache.match(u);
    if (hit && (await hit.json().catch(() => null))?.version === c.version) continue;
    const r = await fetch(u, { credentials: 'same-origin' }).catch(() => null);
    if (r?.ok) await cache.put(u, r);
  }
}

async function networkFirst(event) {
  const request = event.request;
  const url = new URL(request.url);
  const anyQuery = ANY_QUERY.some((re) => re.test(url.pathname));
  const cache = await caches.open(DATA);
  try {
    const res = await fetch(request);
    if (res.ok) {
      await cache.put(request, res.clone());
      // A next page (after=…) is not the list's last answer: only a first page stands for it offline.
      if (anyQuery && !url.searchParams.has('after')) await cache.put(bareKey(url), res.clone());
      if (url.pathname === '/api/coverage/today') event.waitUntil(warmForToday(cache, res.clone()));
      if (url.pathname === '/api/me/tasks') event.waitUntil(warmTasks(cache, res.clone()));
    } else if (res.status === 401) await caches.delete(DATA);
    return res;
  } catch (err) {
    const hit = (await cache.match(request)) ?? (anyQuery ? await cache.match(bareKey(url)) : undefined);
    if (hit) return hit;
    return new Response(JSON.stringify({ error: { code: 'network_error', message: 'offline and not cached', details: null } }), {
      status: 503,
      headers: { 'content-type': 'application/json' },
    });
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') {
    if (url.pathname === '/api/auth/sign-out') event.waitUntil(caches.delete(DATA));
    return;
  }
  if (req.mode === 'navigate' && (url.pathname === '/m' || url.pathname.startsWith('/m/'))) {
    event.respondWith(shellFirst(event));
    return;
  }
  if (url.pathname.startsWith('/assets/') || EXTRA.includes(url.pathname)) {
    event.respondWith(cacheFirst(req, SHELL));
    return;
  }
  if (/^\/api\/photos\/[^/]+\/thumb$/.test(url.pathname)) {
    event.respondWith(cacheFirst(req, DATA));
    return;
  }
  if ((req.headers.get('accept') ?? '').includes('text/event-stream')) return;
  if (DATA_PATHS.some((re) => re.test(url.pathname))) event.respondWith(networkFirst(event));
});
