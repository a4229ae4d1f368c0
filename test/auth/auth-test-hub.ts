/** Hubs for the sign-in, cross-site and proxy tests: an admin, a running clock, sign-in from a chosen address. */
import { startHub, type Hub, type HubOptions } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { redisPort, testConfig, testPrefix } from '../helpers/test-hub.ts';
import { testNow } from '../helpers/test-clock.ts';

export const ADMIN_PASSWORD = 'admin-pass-lock-01';

export async function startAuthHub(opts: { env?: Record<string, string>; lockout?: HubOptions['lockout']; prefix?: string } = {}): Promise<Hub> {
  return startHub({
    config: testConfig(opts.prefix ?? testPrefix(), { ADMIN_PASSWORD, ...opts.env }),
    redisTarget: { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    now: testNow,
    aggregator: { idleMs: 50 },
    ...(opts.lockout ? { lockout: opts.lockout } : {}),
  });
}

/**
 * POST /api/v1/session as a program does (no cookie, so no Origin needed). `from` is sent as
 * X-Forwarded-For: the test connects over loopback, which the default TRUST_PROXY trusts, so it
 * plays a proxy naming the client.
 */
export async function signInFrom(
  hub: Hub,
  username: string,
  password: string,
  from?: string,
): Promise<{ status: number; body: any; cookie: string | null; retryAfter: string | null }> {
  const res = await fetch(`${hub.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.get('set-cookie');
  return {
    status: res.status,
    body: await res.json().catch(() => null),
    cookie: setCookie ? setCookie.split(';')[0]! : null,
    retryAfter: res.headers.get('retry-after'),
  };
}

export interface RawAuditEntry {
  action: string;
  actor: string;
  target: string;
  ip: string;
  detail: Record<string, unknown>;
}

/** The audit stream as Redis holds it, oldest first. */
export async function auditEntries(hub: Hub, action?: string): Promise<RawAuditEntry[]> {
  const raw = (await hub.redis.xrange(hub.keys.audit, '-', '+')) as [string, string[]][];
  const entries = raw.map(([, f]) => {
    const o = new Map<string, string>();
    for (let i = 0; i < f.length; i += 2) o.set(f[i]!, f[i + 1]!);
    return {
      action: o.get('action') ?? '',
      actor: o.get('actor') ?? '',
      target: o.get('target') ?? '',
      ip: o.get('ip') ?? '',
      detail: JSON.parse(o.get('detail') || '{}') as Record<string, unknown>,
    };
  });
  return action ? entries.filter((e) => e.action === action) : entries;
}

/** Keys under the hub's prefix that match a pattern (e.g. `auth:*`). */
export async function keysOf(hub: Hub, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await hub.redis.scan(cursor, 'MATCH', `${hub.keys.prefix}${pattern}`, 'COUNT', 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return found;
}
