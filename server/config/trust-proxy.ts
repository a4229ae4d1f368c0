/**
 * TRUST_PROXY: which hops in front of the hub may tell it the client's address (X-Forwarded-For),
 * with Express's `trust proxy` semantics, so lockouts and the audit trail see the real client
 * rather than nginx. Parsed here, so a wrong value stops the start instead of being trusted.
 *
 *   true / false      trust every hop (only when the hub is reachable through the proxy alone) / none
 *   2                 trust the 2 hops closest to the hub
 *   loopback, 10.0.0.5, 10.1.0.0/16, fd00::/8   trust these addresses (names: loopback, linklocal, uniquelocal)
 */
import net from 'node:net';

export type TrustProxy = boolean | number | string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Answers the value for Express, or a message saying what is wrong with it. */
export function parseTrustProxy(raw: string): { ok: true; value: TrustProxy } | { ok: false; message: string } {
  const text = raw.trim();
  if (text === 'true') return { ok: true, value: true };
  if (text === 'false' || text === '') return { ok: true, value: false };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 100) return { ok: false, message: `${text} hops is not a proxy chain; use the number of proxies in front of the hub` };
    return { ok: true, value: hops };
  }
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!validItem(item)) {
      return {
        ok: false,
        message: `"${item}" is not an address, a subnet (10.1.0.0/16) or one of loopback, linklocal, uniquelocal (or use true, false, or a hop count)`,
      };
    }
  }
  return { ok: true, value: items };
}

function validItem(item: string): boolean {
  if (NAMES.has(item)) return true;
  const slash = item.indexOf('/');
  if (slash < 0) return net.isIP(item) !== 0;
  const address = item.slice(0, slash);
  const range = item.slice(slash + 1);
  const family = net.isIP(address);
  if (family === 0) return false;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  // an IPv4 netmask (10.0.0.0/255.0.0.0), as proxy-addr accepts
  return family === 4 && net.isIPv4(range);
}
