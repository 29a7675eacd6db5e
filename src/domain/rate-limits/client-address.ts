import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a per-address budget counts. An IPv6 subscriber is routinely given a whole /64 (a
 * home or a phone picks new addresses in it at will), so IPv6 clients count by their /64 prefix;
 * an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, how a dual-stack socket reports IPv4) counts as
 * the IPv4 address it is. Anything else (an IPv4 address, a key id) is counted as it is.
 */
export function rateClient(client: string): string {
  const bare = client.split('%')[0]!;
  if (!isIPv6(bare)) return client;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 split in two). */
function ipv6Groups(ip: string): number[] {
  const part = (s: string) =>
    s === ''
      ? []
      : s.split(':').flatMap((g) => {
          if (!isIPv4(g)) return [Number.parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const gap = ip.indexOf('::');
  if (gap === -1) return part(ip);
  const head = part(ip.slice(0, gap));
  const tail = part(ip.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
