/**
 * One Redis outage, one answer: every route that needs Redis answers the same 503, with the same
 * `Retry-After` and the same fixed text, whether it reads figures, lists alerts, reads the audit
 * trail or checks a session. The failure is told by the error's class (server/redis/store-failure.ts)
 * and answered in one place (`onError`, server/http/app.ts). On a redis-server of the test's own,
 * which the test kills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { addUser } from '../alerts/alert-hub.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { fixedClock } from '../helpers/test-clock.ts';
import { startTestHub, testConfig, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const OUTAGE = { error: 'the event store is unavailable (Redis is unreachable); nothing of this request was taken; retry later' };

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

async function ask(hub: Hub, method: 'GET' | 'POST', path: string, opts: { cookie?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      // as the consoles' pages send a write (server/http/same-origin-guard.ts)
      ...(method === 'POST' ? { origin: hub.url, 'content-type': 'application/json' } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json().catch(() => null) };
}

describe('a Redis outage', () => {
  let redis: DedicatedRedis;
  let hub: Hub;
  let admin: string;
  beforeAll(async () => {
    redis = await startDedicatedRedis();
    const prefix = testPrefix();
    hub = await startTestHub(prefix, { config: testConfig(prefix), redisTarget: { kind: 'url', url: redis.url }, now: fixedClock('10:00') });
    admin = await addUser(hub, 'root', 'admin');
  });
  afterAll(async () => {
    await hub?.stop();
    await redis?.stop();
  });

  const routes = (): [string, () => Promise<Answer>][] => [
    ['GET /api/v1/snapshot', () => ask(hub, 'GET', '/api/v1/snapshot?scope=city')],
    ['GET /api/v1/alerts', () => ask(hub, 'GET', '/api/v1/alerts?state=active', { cookie: admin })],
    ['GET /api/v1/audit', () => ask(hub, 'GET', '/api/v1/audit', { cookie: admin })],
    ['GET /api/v1/session', () => ask(hub, 'GET', '/api/v1/session', { cookie: admin })],
    ['POST /api/v1/session', () => ask(hub, 'POST', '/api/v1/session', { body: { username: 'root', password: 'root-password' } })],
  ];

  it('answers each route while Redis runs', async () => {
    for (const [name, call] of routes()) expect((await call()).status, name).toBe(200);
  });

  it('answers every route the same 503, Retry-After and text once it is gone', async () => {
    await redis.stop(); // SIGKILL, and waits for the exit
    await waitFor('the hub to find Redis gone', async () => (await ask(hub, 'GET', '/api/v1/snapshot')).status === 503);
    for (const [name, call] of routes()) {
      const answer = await call();
      expect({ route: name, ...answer }).toEqual({ route: name, status: 503, retryAfter: '1', body: OUTAGE });
    }
  });
});
