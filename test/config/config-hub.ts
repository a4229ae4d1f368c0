/** Hubs and requests for the config tests: admins sign in, writes carry the page's origin (the same-origin guard). */
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { ADMIN_PASSWORD, api, signIn, type ApiAnswer, type TestClock } from '../alerts/alert-hub.ts';
import { redisPort, testConfig } from '../helpers/test-hub.ts';

export { ADMIN_PASSWORD, api, signIn };

/** A hub with an admin, the test's clock and a fast alert engine; `env` adds or overrides settings (AGGREGATOR=off …). */
export async function startConfigHub(prefix: string, clock: TestClock, env: Record<string, string> = {}): Promise<Hub> {
  return startHub({
    config: testConfig(prefix, { ADMIN_PASSWORD, ...env }),
    redisTarget: { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    now: clock.now,
    aggregator: { idleMs: 50 },
    alerts: { tickMs: 50, blockMs: 100, claimEveryMs: 200 },
  });
}

export async function adminCookie(hub: Hub): Promise<string> {
  return signIn(hub, 'admin', ADMIN_PASSWORD);
}

/** GET a section: its body and its version (the ETag). */
export async function getSection(hub: Hub, cookie: string, section: string): Promise<{ status: number; body: any; version: number | null }> {
  const res = await fetch(`${hub.url}/api/v1/admin/config/${section}`, { headers: { cookie } });
  const etag = res.headers.get('etag');
  return { status: res.status, body: await res.json().catch(() => null), version: etag ? Number(JSON.parse(etag)) : null };
}

/** PUT a section, with `If-Match: "<version>"` when given. */
export async function putSection(hub: Hub, cookie: string, section: string, body: unknown, ifMatch?: number): Promise<ApiAnswer & { etag: string | null }> {
  const res = await fetch(`${hub.url}/api/v1/admin/config/${section}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', origin: hub.url, cookie, ...(ifMatch !== undefined ? { 'if-match': `"${ifMatch}"` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null), setCookie: null, etag: res.headers.get('etag') };
}
