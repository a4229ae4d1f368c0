/** Hubs for the alert and auth tests: a clock the test moves, fast engine ticks, signed-in API calls. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alert } from '../../common/alerts.ts';
import type { AlertEngineTuning } from '../../server/alerts/start-alerts.ts';
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { drained, redisPort, testConfig } from '../helpers/test-hub.ts';

export const ADMIN_PASSWORD = 'admin-pass-0001';

/**
 * A clock the test sets and moves; the hub reads it through `now`, and computes every expiry from
 * it. Give it times relative to the test's today, `at(time, day)` of test/helpers/test-clock.ts,
 * never a written date.
 */
export class TestClock {
  t: number;
  constructor(iso: string) {
    this.t = Date.parse(iso);
  }
  now = (): number => this.t;
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The shipped thresholds (config/alerts.json): a test of the silence rule and event time passes it as ALERTS_FILE. */
export const SHIPPED_ALERTS_FILE = fileURLToPath(new URL('../../config/alerts.json', import.meta.url));

/**
 * The thresholds the stories run with by default: the shipped ones, except that the queue
 * machine, the window terminals, the approval system and the rating devices are never silent.
 * A story has one ticket or one case in a whole city, so its source reports nothing for half an
 * hour or for days, which a real one never does; under the shipped rule that source would be
 * silent, raise its `source` alert, and its timers would wait for it (docs/alerts.md#event-time).
 * The stories test their own rule; test/alerts/event-time.test.ts tests silence with the shipped file.
 */
export const STORY_ALERTS_FILE: string = (() => {
  const shipped = JSON.parse(fs.readFileSync(SHIPPED_ALERTS_FILE, 'utf8')) as { sources?: Record<string, unknown> };
  const never = { sourceSilentMinutes: 7 * 24 * 60 };
  const file = path.join(os.tmpdir(), `yg-alerts-stories-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...shipped, sources: { ...shipped.sources, queue: never, window: never, cases: never, rating: never } }));
  return file;
})();

/** `engine`: the engine's tuning over the tests' (a tick every 50 ms), e.g. a tick only when the test calls it. */
export async function startAlertHub(prefix: string, clock: TestClock, env: Record<string, string> = {}, engine: AlertEngineTuning = {}): Promise<Hub> {
  return startHub({
    config: testConfig(prefix, { ADMIN_PASSWORD, ALERTS_FILE: STORY_ALERTS_FILE, ...env }),
    redisTarget: { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    now: clock.now,
    aggregator: { idleMs: 50 },
    alerts: { tickMs: 50, blockMs: 100, claimEveryMs: 200, ...engine },
  });
}

/** Waits until the alert engines have taken everything in the alert stream. */
export async function alertsDrained(hub: Hub, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const groups = (await hub.redis.xinfo('GROUPS', hub.keys.alertStream)) as unknown[][];
    const g = groups
      .map((f) => {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < f.length; i += 2) o[String(f[i])] = f[i + 1];
        return o;
      })
      .find((x) => x.name === hub.keys.alertsGroup);
    if (g && Number(g.lag ?? 0) === 0 && Number(g.pending ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`alert engine did not drain in ${timeoutMs} ms: ${JSON.stringify(g)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Everything posted is applied, and the timers due at the clock's time have fired. */
export async function settle(hub: Hub): Promise<void> {
  await drained(hub);
  await alertsDrained(hub);
  await hub.alerts.engine!.tick();
}

/** All alerts (any state), oldest first. */
export async function allAlerts(hub: Hub): Promise<Alert[]> {
  const list = await hub.alerts.store.list({ depts: null, limit: 1000 });
  return list.reverse();
}

export async function alertCounts(hub: Hub, scope: string): Promise<{ open: number; yellow: number; red: number }> {
  const h = await hub.redis.hgetall(`${hub.keys.prefix}alerts:count:${scope}`);
  return { open: Number(h.open ?? 0), yellow: Number(h.yellow ?? 0), red: Number(h.red ?? 0) };
}

export interface ApiAnswer {
  status: number;
  body: any;
  setCookie: string | null;
}

export async function api(
  hub: Hub,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  // as the consoles' pages do: a write names the page's origin and sends JSON (server/http/same-origin-guard.ts)
  const write = method !== 'GET' && method !== 'HEAD';
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined || write ? { 'content-type': 'application/json' } : {}),
      ...(write ? { origin: hub.url } : {}),
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => null), setCookie: res.headers.get('set-cookie') };
}

/** Signs in and returns the `yg_session=…` cookie pair. */
export async function signIn(hub: Hub, username: string, password: string): Promise<string> {
  const res = await api(hub, 'POST', '/api/v1/session', { body: { username, password } });
  if (res.status !== 200 || !res.setCookie) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.setCookie.split(';')[0]!;
}

export async function addUser(hub: Hub, username: string, role: 'supervisor' | 'leader' | 'admin', depts: string[] = []): Promise<string> {
  const password = `${username}-password`;
  await hub.auth.users.create({ username, password, role, depts });
  return signIn(hub, username, password);
}
