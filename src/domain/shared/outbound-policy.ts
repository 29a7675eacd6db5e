import net from 'node:net';
import { invalidField } from './errors.js';

/**
 * Where the server may send a request of its own (webhooks and any other outbound URL): https
 * only, and never to an address inside the machine or the network it runs in — loopback,
 * link-local (the cloud metadata service at 169.254.169.254), private, carrier-grade NAT,
 * multicast, reserved — in IPv4 or IPv6, including IPv4 addresses dressed as IPv6 (::ffff:a.b.c.d,
 * NAT64). An administrator may allow-list hosts (a 政务微信 private deployment lives on a private
 * network) and plain http (OUTBOUND_ALLOW_HOSTS, OUTBOUND_ALLOW_HTTP).
 */
export interface OutboundPolicy {
  /** Host names (lower case) allowed to resolve to internal addresses. */
  allowHosts: readonly string[];
  allowHttp: boolean;
}

export const STRICT_OUTBOUND: OutboundPolicy = { allowHosts: [], allowHttp: false };

const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail handled). */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase().split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [p, q, r, s] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    a = a.slice(0, -v4[1]!.length) + `${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g || '0', 16));
}

/** The IPv4 address an IPv6 one carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  const dotted = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return dotted(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (zeros(6) && (g[6] !== 0 || g[7]! > 1)) return dotted(g[6]!, g[7]!); // ::a.b.c.d (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return dotted(g[6]!, g[7]!); // 64:ff9b::/96
  if (g[0] === 0x2002) return dotted(g[1]!, g[2]!); // 6to4
  return null;
}

/** True for an address the server must not reach on a user's or integration's behalf. */
export function isInternalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== null) return BLOCKED.check(v4, 'ipv4');
    return BLOCKED.check(address.split('%')[0]!, 'ipv6');
  }
  return true; // not an address at all: refuse
}

const refused = (field: string, reason: string) => invalidField(field, reason);

/**
 * Checks a URL before it is stored or used: a URL, https (or allowed http), no credentials, and
 * a literal IP address only when it is public. Host names are checked again at send time against
 * the addresses they resolve to (checkResolvedAddress).
 */
export function checkOutboundUrl(url: string, policy: OutboundPolicy, field = 'url'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw refused(field, 'not a URL');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && policy.allowHttp)) {
    throw refused(field, policy.allowHttp ? 'must be http(s)' : 'must be https (plain http is allowed only when an administrator sets OUTBOUND_ALLOW_HTTP)');
  }
  if (u.username || u.password) throw refused(field, 'must not contain a user name or password');
  const host = hostOf(u);
  if (net.isIP(host) && isInternalAddress(host) && !isAllowListed(u, policy)) {
    throw refused(field, `${host} is an internal address (loopback, link-local, private or multicast); an administrator may allow-list the host`);
  }
  return u;
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

export const isAllowListed = (u: URL, policy: OutboundPolicy) => policy.allowHosts.includes(hostOf(u));

/** At send time, for each address the host resolved to. */
export function checkResolvedAddress(u: URL, address: string, policy: OutboundPolicy): void {
  if (isInternalAddress(address) && !isAllowListed(u, policy)) {
    throw refused('url', `${hostOf(u)} resolves to the internal address ${address}; an administrator may allow-list the host`);
  }
}
