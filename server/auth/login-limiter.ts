/**
 * Sign-in throttling, counted in Redis so every hub process sees the same numbers:
 * - `maxFailures` (5) wrong passwords for one user name from one address within the window
 *   (15 min from the first) lock that pair out until the window ends;
 * - `maxAddressFailures` (20) wrong passwords from one address, whatever the user names, lock the
 *   address out the same way (password spraying, or user names made up by the thousand).
 *
 * An attempt is counted *before* its password is checked, in one atomic script
 * (lua/login-attempt.lua): of 30 wrong passwords sent at once, 5 are checked and 25 refused. A
 * right password then gives the attempt back (lua/login-settle.lua). A refused attempt writes
 * nothing to the audit by itself: it adds to its lockout's count, and each lockout becomes one
 * `signin.locked` entry with that count once it ends (lua/login-lock-flush.lua, run by every hub
 * every `flushEveryMs`), so requests nobody authenticated cannot grow Redis without bound.
 */
import type { RedisClient } from '../redis/connect.ts';
import { assembleScript } from '../redis/scripts.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { addressKey } from './client-address.ts';
import { TooManyAttempts } from '../domain-errors.ts';

export class LockedOutError extends TooManyAttempts {
  override name = 'LockedOutError';
  constructor(
    retryAfterSec: number,
    public readonly lock: 'user' | 'address',
  ) {
    super(
      lock === 'user'
        ? `too many failed sign-ins for this user from this address; try again in ${Math.ceil(retryAfterSec / 60)} min or ask an admin to reset the password`
        : `too many failed sign-ins from this address; try again in ${Math.ceil(retryAfterSec / 60)} min`,
      retryAfterSec,
      'username',
    );
  }
}

export interface LoginLimits {
  /** Wrong passwords per user name and address that lock the pair. @default 5 */
  maxFailures?: number;
  /** Wrong passwords per address, any user names, that lock the address. @default 20 */
  maxAddressFailures?: number;
  /** The window, from its first failure; a lock lasts until it ends. @default 15 min */
  windowMs?: number;
  /** How often a hub writes the lockouts that have ended to the audit. @default 30 s */
  flushEveryMs?: number;
}

/** An attempt let through to the password check, with the failures it will be if the check fails. */
export interface Attempt {
  failures: number;
  addressFailures: number;
  /** This attempt, if it fails, locks the pair or the address. */
  locks: 'user' | 'address' | null;
}

export interface LoginLimiter {
  readonly limits: Required<LoginLimits>;
  /** Counts an attempt; throws LockedOutError (and counts the refusal into its lockout) when locked. */
  attempt(username: string, ip: string, now: number): Promise<Attempt>;
  /** The password was right: the pair's failures are forgotten, the address gets the attempt back. */
  succeeded(username: string, ip: string): Promise<void>;
  /** The password could not be checked (an error): the attempt is given back. */
  release(username: string, ip: string): Promise<void>;
  /** Writes one audit entry for each lockout that has ended; answers how many. */
  flushLocks(now: number): Promise<number>;
}

interface LimiterScripts {
  ygLoginAttempt(...args: (string | number)[]): Promise<[1, number, number] | [0, 'user' | 'address', number]>;
  ygLoginSettle(...args: (string | number)[]): Promise<number>;
  ygLoginLockFlush(...args: (string | number)[]): Promise<[number, number]>;
}

export function createLoginLimiter(redis: RedisClient, keys: RedisKeys, options: LoginLimits = {}): LoginLimiter {
  const limits: Required<LoginLimits> = {
    maxFailures: options.maxFailures ?? 5,
    maxAddressFailures: options.maxAddressFailures ?? 20,
    windowMs: options.windowMs ?? 15 * 60_000,
    flushEveryMs: options.flushEveryMs ?? 30_000,
  };
  redis.defineCommand('ygLoginAttempt', { numberOfKeys: 5, lua: assembleScript('login-attempt.lua') });
  redis.defineCommand('ygLoginSettle', { numberOfKeys: 2, lua: assembleScript('login-settle.lua') });
  redis.defineCommand('ygLoginLockFlush', { numberOfKeys: 2, lua: assembleScript('login-lock-flush.lua') });
  const scripts = redis as RedisClient & LimiterScripts;
  // user names are case-insensitive here, so Admin and ADMIN share admin's count
  const name = (u: string) => u.toLowerCase().slice(0, 64);
  const counters = (u: string, ip: string) => {
    const address = addressKey(ip);
    return { address, pair: keys.loginFailures(name(u), address), ofAddress: keys.loginFailuresOfAddress(address) };
  };
  const settle = async (u: string, ip: string, how: 'reset' | 'release') => {
    const c = counters(u, ip);
    await scripts.ygLoginSettle(c.pair, c.ofAddress, how);
  };

  return {
    limits,
    async attempt(username, ip, now) {
      const c = counters(username, ip);
      const userLock = `user|${c.address}|${name(username)}`;
      const addressLock = `address|${c.address}`;
      const answer = await scripts.ygLoginAttempt(
        c.pair,
        c.ofAddress,
        keys.loginLock(userLock),
        keys.loginLock(addressLock),
        keys.loginLockEnds,
        limits.maxFailures,
        limits.maxAddressFailures,
        limits.windowMs,
        Math.round(now),
        name(username),
        c.address,
        userLock,
        addressLock,
      );
      if (answer[0] === 0) throw new LockedOutError(Math.max(1, Math.ceil(answer[2] / 1000)), answer[1]);
      const [, failures, addressFailures] = answer;
      const locks = failures >= limits.maxFailures ? 'user' : addressFailures >= limits.maxAddressFailures ? 'address' : null;
      return { failures, addressFailures, locks };
    },
    succeeded: (username, ip) => settle(username, ip, 'reset'),
    release: (username, ip) => settle(username, ip, 'release'),
    async flushLocks(now) {
      let total = 0;
      // a few hundred per call keeps each script short; loop until none are left
      for (;;) {
        const [written, taken] = await scripts.ygLoginLockFlush(keys.loginLockEnds, keys.audit, Math.round(now), keys.loginLock(''), 200);
        total += written;
        if (taken < 200) return total;
      }
    },
  };
}
