/**
 * Redis connections of the realtime layer. Unlike the hub's ingest client (fail fast, no offline
 * queue), these wait out a Redis restart: the adapter blocks on XREAD and duplicates its client,
 * and a subscriber must re-subscribe by itself; failing fast would turn a blip into a busy loop.
 */
import type { RedisOptions } from 'ioredis';
import { connectWith, type RedisClient, type RedisTarget } from '../redis/connect.ts';

export function connectRealtimeRedis(target: RedisTarget, name: string, opts: { subscriber?: boolean } = {}): RedisClient {
  const base: RedisOptions = {
    connectionName: name,
    // A subscriber reconnecting is already in subscriber mode when ioredis sends its ready check
    // (INFO), which Redis then refuses: an unhandled rejection inside ioredis. Pub/sub needs no
    // ready check (it only tells whether Redis finished loading its data).
    ...(opts.subscriber ? { enableReadyCheck: false } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 3000),
  };
  return connectWith(target, base);
}
