import helmet from '@fastify/helmet';
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

export async function registerSecurityHeaders(app: App, config: Config) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // HSTS only when served over HTTPS (HSTS=true, by default COOKIE_SECURE): over HTTP it is ignored at
    // best, and a browser that once saw it over a proxy's HTTPS would refuse the plain LAN address.
    strictTransportSecurity: config.hsts ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
