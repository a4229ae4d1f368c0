/**
 * The address a sign-in is counted under. `req.ip` is what Express makes of the connection and,
 * behind a trusted proxy (TRUST_PROXY), of X-Forwarded-For. One client must not get a fresh count
 * by changing the part of its address it owns:
 * - an IPv4 address seen as IPv6 (`::ffff:10.0.0.8`) is that IPv4 address;
 * - an IPv6 client counts by its /64: one host usually owns a whole /64 and can use any address in it.
 * Anything else (a proxy that sent a non-address) is kept, cut to 64 characters for the key.
 */
import net from 'node:net';

export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (net.isIPv6(ip)) return `${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
  return ip.slice(0, 64);
}

/** The 8 groups of an IPv6 address, without leading zeros (a zone `%eth0` dropped). */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  // an embedded IPv4 tail (::1.2.3.4) takes two groups
  const expand = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const l = expand(left);
  const r = expand(right);
  const zeros = new Array<string>(Math.max(0, 8 - l.length - r.length)).fill('0');
  return [...l, ...zeros, ...r].map((g) => g.replace(/^0+(?=.)/, ''));
}
