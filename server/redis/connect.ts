/**
 * Creates ioredis clients for a plain URL, Sentinel or Cluster, with fail-fast settings for ingest.
 * The hub's clients fail with typed errors (store-failure.ts), so a route can tell a Redis outage
 * from a bug by the error's class.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { HubConfig } from '../config/env.ts';
import { typedFailures } from './store-failure.ts';

export type RedisClient = Redis | Cluster;

export interface ConnectOptions {
  /** Fail a command that gets no answer in this time, so a frozen Redis turns into a 503, not a hang; null: never. */
  commandTimeoutMs?: number | null;
  /** Name shown in CLIENT LIST. */
  name: string;
  /** A blocking reader must not time out on its own BLOCK. */
  blocking?: boolean;
}

/** Where to reach Redis once any private server is running. */
export type RedisTarget = { kind: 'url'; url: string } | { kind: 'socket'; path: string } | Extract<HubConfig['redis'], { kind: 'sentinel' | 'cluster' }>;

export function connectRedis(target: RedisTarget, opts: ConnectOptions): RedisClient {
  const base: RedisOptions = {
    connectionName: opts.name,
    // Commands issued while disconnected fail at once: the caller answers 503 instead of queueing without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    lazyConnect: true,
  };
  // the command timeout is typedFailures' own, so that its error is a RedisTimeoutError
  const commandTimeoutMs = opts.blocking || opts.commandTimeoutMs === null ? undefined : (opts.commandTimeoutMs ?? 1500);
  return typedFailures(connectWith(target, base, { enableOfflineQueue: false, lazyConnect: true }), commandTimeoutMs);
}

/** One client for any target kind with the given options (Cluster gets them per node). */
export function connectWith(
  target: RedisTarget,
  options: RedisOptions,
  clusterOptions: { enableOfflineQueue?: boolean; lazyConnect?: boolean } = {},
): RedisClient {
  switch (target.kind) {
    case 'url':
      return new Redis(target.url, options);
    case 'socket':
      return new Redis({ ...options, path: target.path });
    case 'sentinel':
      // ioredis follows the Sentinel to the new master after a failover
      return new Redis({ ...options, sentinels: target.sentinels, name: target.name });
    case 'cluster':
      return new Cluster(target.nodes, { redisOptions: options, ...clusterOptions });
  }
}

/** Connects and waits until Redis answers, retrying for up to `timeoutMs`. */
export async function waitForRedis(client: RedisClient, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (client.status === 'wait') await client.connect().catch(() => undefined);
  for (;;) {
    try {
      if (client.status === 'ready') {
        await client.ping();
        return;
      }
    } catch {
      // still loading or reconnecting
    }
    if (Date.now() > deadline)
      throw new Error(`Redis did not answer within ${timeoutMs} ms (status ${client.status}); check REDIS_URL and that redis-server runs`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
