/**
 * Sign-in throttling: after `maxFailures` wrong passwords for one user name from one IP within
 * `windowMin` minutes, that pair is locked out until the window ends. Counted in Redis, so every
 * hub process sees the same count.
 */
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export class LockedOutError extends Error {
  override name = 'LockedOutError';
  constructor(public readonly retryAfterSec: number) {
    super(`too many failed sign-ins for this user from this address; try again in ${Math.ceil(retryAfterSec / 60)} min or ask an admin to reset the password`);
  }
}

export interface LoginLimiter {
  /** Throws LockedOutError when the pair is locked out. */
  check(username: string, ip: string): Promise<void>;
  fail(username: string, ip: string): Promise<number>;
  reset(username: string, ip: string): Promise<void>;
}

export function createLoginLimiter(redis: RedisClient, keys: RedisKeys, maxFailures = 5, windowMin = 15): LoginLimiter {
  const key = (u: string, ip: string) => keys.loginFailures(u.toLowerCase().slice(0, 64), ip);
  return {
    async check(username, ip) {
      const k = key(username, ip);
      const [count, ttl] = await Promise.all([redis.get(k), redis.ttl(k)]);
      if (Number(count ?? 0) >= maxFailures) throw new LockedOutError(Math.max(ttl, 1));
    },
    async fail(username, ip) {
      const k = key(username, ip);
      const [[, n]] = (await redis.multi().incr(k).expire(k, windowMin * 60, 'NX').exec()) as [[unknown, number]];
      return n;
    },
    async reset(username, ip) {
      await redis.del(key(username, ip));
    },
  };
}
