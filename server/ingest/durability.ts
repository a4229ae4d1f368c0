/**
 * How durable an event is when the hub answers 202 (INGEST_DURABILITY):
 * - `written` (default): in Redis memory and written to the AOF; Redis fsyncs every second, so an
 *   OS crash or power cut can lose the last second or two. A crash of Redis alone loses nothing.
 * - `fsync`: the AOF is on disk. On Redis ≥ 7.2 the hub waits with WAITAOF after each batch;
 *   older Redis must run with `appendfsync always` (the private Redis is started so).
 */
import { ConfigError } from '../config/env.ts';
import type { RedisClient } from '../redis/connect.ts';

export type Durability = { mode: 'written' } | { mode: 'fsync'; via: 'waitaof' | 'appendfsync-always' };

export async function checkDurability(redis: RedisClient, mode: 'written' | 'fsync'): Promise<Durability> {
  if (mode === 'written') return { mode };
  const info = String(await redis.info('server'));
  const [major = 0, minor = 0] = (/redis_version:(\d+)\.(\d+)/.exec(info) ?? []).slice(1).map(Number);
  if (major > 7 || (major === 7 && minor >= 2)) return { mode, via: 'waitaof' };
  const [, fsync] = (await redis.config('GET', 'appendfsync')) as [string, string];
  const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
  if (aof === 'yes' && fsync === 'always') return { mode, via: 'appendfsync-always' };
  throw new ConfigError(
    `INGEST_DURABILITY=fsync needs Redis 7.2 or later (WAITAOF) or a Redis with "appendonly yes" and "appendfsync always"; this one is ${major}.${minor} with appendonly ${aof}, appendfsync ${fsync}`,
  );
}

/** After an append: on WAITAOF, wait until the local AOF has it on disk. */
export async function awaitDurable(redis: RedisClient, durability: Durability, timeoutMs: number): Promise<void> {
  if (durability.mode !== 'fsync' || durability.via !== 'waitaof') return;
  const [local] = (await redis.call('WAITAOF', 1, 0, timeoutMs)) as [number, number];
  if (local < 1) throw new Error('the AOF was not fsynced in time');
}
