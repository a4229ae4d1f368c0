/**
 * Redis's clock as seen from the hub. The ingest script refuses to run past a deadline expressed
 * in Redis's clock, so a request the hub already answered 503 (timed out) can never be taken
 * later, when a frozen Redis wakes up and works through its backlog.
 */
import type { RedisClient } from './connect.ts';

export interface RedisClock {
  /** Redis time (epoch ms) corresponding to a local time. */
  toRedis(localMs: number): number;
  /** Re-measures the offset; keeps the old one when Redis does not answer. */
  refresh(): Promise<void>;
  stop(): void;
}

export async function createRedisClock(redis: RedisClient, refreshEveryMs = 60_000): Promise<RedisClock> {
  let offset = 0;
  const measure = async () => {
    const before = Date.now();
    const [sec, usec] = (await redis.time()) as [string | number, string | number];
    const after = Date.now();
    // the answer was produced somewhere in the round trip: assume its middle
    offset = Number(sec) * 1000 + Math.floor(Number(usec) / 1000) - (before + after) / 2;
  };
  await measure();
  const timer = setInterval(() => {
    measure().catch(() => undefined);
  }, refreshEveryMs);
  timer.unref();
  return {
    toRedis: (localMs) => Math.round(localMs + offset),
    refresh: () => measure().catch(() => undefined),
    stop: () => clearInterval(timer),
  };
}
