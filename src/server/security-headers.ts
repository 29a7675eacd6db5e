import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config.js';
import type { App } from './route.js';

/**
 * Browser defences on every answer (console, field app, API docs, API): helmet's headers with a
 * strict Content-Security-Policy. Everything loads from this origin. What the apps need beyond
 * 'self': inline style attributes (ECharts and Leaflet position their elements with them), data:
 * and blob: images (the map's markers, a photo previewed before upload), data: fonts, and the map
 * tile server when an administrator configures one (MAP_TILE_URL). No script runs inline or from
 * elsewhere, and no page may frame us (frame-ancestors 'none', X-Frame-Options DENY).
 */
export function contentSecurityPolicy(config: Config): Record<string, string[] | null> {
  const tiles = tileSource(config.map.tileUrl);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // Only meaningful over HTTPS; over plain HTTP (a LAN install) it would break every request.
    'upgrade-insecure-requests': config.hsts ? [] : null,
  };
}

/** The CSP source of a Leaflet tile URL template: its origin, a {s} subdomain label as a wildcard. */
export function tileSource(tileUrl: string): string | null {
  const m = /^(https?):\/\/([^/]+)/i.exec(tileUrl);
  if (!m) return null;
  const host = m[2]!.replace(/^[^.]*\{s\}[^.]*\./, '*.');
  return `${m[1]!.toLowerCase()}://${host}`;
}

/** Helmet's options: the strict policy above and the frame, referrer and resource policies. */
function helmetOptions(config: Config): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // HSTS only when served over HTTPS (HSTS=true, by default COOKIE_SECURE): over HTTP it is ignored at
    // best, and a browser that once saw it over a proxy's HTTPS would refuse the plain LAN address.
    strictTransportSecurity: config.hsts ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/**
 * The headers helmet sets with these options, worked out once: they depend on the configuration
 * only, so every answer gets the same list without running helmet's middleware (which rebuilds its
 * policies from the options on every request) each time.
 */
export function securityHeaders(config: Config): [string, string][] {
  const headers: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: string) => void headers.push([name, value]),
    removeHeader: () => {},
  };
  helmet(helmetOptions(config))({} as never, res as never, (e?: unknown) => {
    if (e) throw e;
  });
  return headers;
}

export async function registerSecurityHeaders(app: App, config: Config) {
  const headers = securityHeaders(config);
  app.addHook('onRequest', (_req, reply, done) => {
    const res = reply.raw;
    for (const [name, value] of headers) res.setHeader(name, value);
    done();
  });
}
