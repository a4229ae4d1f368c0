/** Starts hubs for tests against the run's redis-server, each file under its own key prefix. */
import crypto from 'node:crypto';
import { expect, inject } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig, type HubConfig } from '../../server/config/env.ts';
import { startHub, type Hub, type HubOptions } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';

import { INGEST_TOKENS_ENV, TOKENS } from '../../support/source-tokens.ts';

export { TOKENS };

export function testPrefix(): string {
  return `t${crypto.randomBytes(4).toString('hex')}:`;
}

export function testConfig(prefix: string, env: Record<string, string> = {}): HubConfig {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: prefix,
    // parallel browser suites can starve Redis of CPU for a moment; timeouts are tested in test/faults
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    INGEST_TOKENS: INGEST_TOKENS_ENV,
    // a test hub makes no scheduled reports unless its test asks (test/reports/report-schedule.test.ts)
    REPORT_SCHEDULE: 'off',
    // nor an event archive: a test that wants one passes ARCHIVE=on and a temp ARCHIVE_DIR (test/archive/)
    ARCHIVE: 'off',
    ...env,
  });
}

export function redisPort(): number {
  return inject('redisPort');
}

export async function startTestHub(prefix: string, opts: Partial<HubOptions> & { env?: Record<string, string> } = {}): Promise<Hub> {
  return startHub({
    config: opts.config ?? testConfig(prefix, opts.env),
    redisTarget: opts.redisTarget ?? { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    aggregator: { idleMs: 50, ...opts.aggregator },
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.fleet ? { fleet: opts.fleet } : {}),
    ...(opts.alerts ? { alerts: opts.alerts } : {}),
  });
}

export function testRedis(): Redis {
  return new Redis({ port: redisPort(), lazyConnect: false });
}

/** POSTs a batch as a source. */
export async function postEvents(hub: Hub, source: keyof typeof TOKENS, events: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hub.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS[source]}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** POSTs a batch as a source and expects it accepted whole: 202 and no event rejected. */
export async function postAccepted(hub: Hub, source: keyof typeof TOKENS, events: unknown): Promise<any> {
  const { status, body } = await postEvents(hub, source, events);
  expect(status, JSON.stringify(body)).toBe(202);
  expect(body.rejected, JSON.stringify(body.rejected)).toEqual([]);
  return body;
}

export async function getJson(hub: Hub, path: string): Promise<any> {
  const res = await fetch(`${hub.url}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Waits until the aggregators have applied everything in the stream. */
export async function drained(hub: Hub, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const groups = (await hub.redis.xinfo('GROUPS', hub.keys.stream)) as unknown[][];
    const g = groups
      .map((f) => Object.fromEntries(f.reduce<[string, unknown][]>((a, v, i, arr) => (i % 2 ? a : [...a, [String(v), arr[i + 1]]]), [])))
      .find((x) => x.name === hub.keys.group);
    if (g && Number(g.lag ?? 0) === 0 && Number(g.pending ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`aggregation did not drain in ${timeoutMs} ms: ${JSON.stringify(g)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Two hubs on one key prefix: one that aggregates, and one with AGGREGATOR=off whose batches wait
 * in the log for the first one's aggregator, so a test sends through both apply paths.
 */
export async function startHubPair(prefix: string, now: () => number): Promise<{ hub: Hub; ingestOnly: Hub; stop: () => Promise<void> }> {
  const hub = await startTestHub(prefix, { now });
  const ingestOnly = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
  return {
    hub,
    ingestOnly,
    stop: async () => {
      await ingestOnly.stop();
      await hub.stop();
    },
  };
}
