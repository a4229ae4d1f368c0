/**
 * Redis connections of the realtime layer. Unlike the hub's ingest client (fail fast, no offline
 * queue), these wait out a Redis restart: the adapter blocks on XREAD and duplicates its client,
 * and a subscriber must re-subscribe by itself; failing fast would turn a blip into a busy loop.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient, RedisTarget } from '../redis/connect.ts';

export function connectRealtimeRedis(target: RedisTarget, name: string): RedisClient {
  const base: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 3000),
  };
  switch (target.kind) {
    case 'url':
      return new Redis(target.url, base);
    case 'socket':
      return new Redis({ ...base, path: target.path });
    case 'sentinel':
      // ioredis follows the Sentinel to the new master after a failover.
      return new Redis({ ...base, sentinels: target.sentinels, name: target.name });
    case 'cluster':
      return new Cluster(target.nodes, { redisOptions: base });
  }
}
