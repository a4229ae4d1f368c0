/**
 * Redis connections of the realtime layer. Unlike the hub's ingest client (fail fast, no offline
 * queue), these wait out a Redis restart: the adapter blocks on XREAD and duplicates its client,
 * and a subscriber must re-subscribe by itself; failing fast would turn a blip into a busy loop.
 */
import type { RedisOptions } from 'ioredis';
import { connectWith, type RedisClient, type RedisTarget } from '../redis/connect.ts';

export function connectRealtimeRedis(target: RedisTarget, name: string): RedisClient {
  const base: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 3000),
  };
  return connectWith(target, base);
}
