/**
 * Cookie sessions kept in Redis. The cookie holds a random id; Redis holds only its sha256, so a
 * copy of the database does not hand out live sessions. A session ends on sign-out, after
 * `idleHours` without use, or when the user's password changes or the user is disabled. The
 * cookie itself (its name, reading it) is server/identity/credentials.ts's. Each user's sessions are
 * also listed (by hash) in a set, so an admin can end all of them at once (`endAll`) whatever the
 * clock says (a clock that stands still in tests gives no "before now").
 */
import crypto from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface Session {
  username: string;
  createdAt: number;
  ip: string;
}

export interface SessionStore {
  /** Creates a session and returns the cookie value. */
  create(username: string, ip: string): Promise<string>;
  /** The session of a cookie value, its idle timer restarted; null when unknown or expired. */
  get(cookieValue: string): Promise<Session | null>;
  destroy(cookieValue: string): Promise<void>;
  /** Ends every session of a user; answers how many were live. */
  endAll(username: string): Promise<number>;
  readonly maxAgeSec: number;
}

export const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export function createSessionStore(redis: RedisClient, keys: RedisKeys, now: () => number, idleHours: number): SessionStore {
  const ttl = Math.round(idleHours * 3600);
  return {
    maxAgeSec: ttl,
    async create(username, ip) {
      const value = crypto.randomBytes(32).toString('base64url');
      const session: Session = { username, createdAt: now(), ip };
      const hash = sha256(value);
      await redis
        .multi()
        .set(keys.session(hash), JSON.stringify(session), 'EX', ttl)
        .sadd(keys.userSessions(username), hash)
        .expire(keys.userSessions(username), ttl)
        .exec();
      return value;
    },
    async get(value) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(value)) return null;
      const key = keys.session(sha256(value));
      const json = await redis.get(key);
      if (!json) return null;
      const session = JSON.parse(json) as Session;
      // the user's list lives as long as their longest-lived session, so endAll finds them all
      await redis.pipeline().expire(key, ttl).expire(keys.userSessions(session.username), ttl).exec();
      return session;
    },
    async destroy(value) {
      await redis.del(keys.session(sha256(value)));
    },
    async endAll(username) {
      const hashes = await redis.smembers(keys.userSessions(username));
      if (hashes.length === 0) return 0;
      const [[, ended]] = (await redis
        .multi()
        .del(...hashes.map((h) => keys.session(h)))
        .del(keys.userSessions(username))
        .exec()) as [[Error | null, number], [Error | null, number]];
      return ended;
    },
  };
}
