/**
 * Authentication of one hub: users, sessions, sign-in throttling, tokens and the audit trail,
 * and the one function that tells who is asking, used by the HTTP middleware and the Socket.IO
 * handshakes alike (`resolveUser`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import type { SessionUser } from '../../common/alerts.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { createLoginLimiter, LockedOutError, type LoginLimiter } from './login-limiter.ts';
import { ConfigError } from '../config/env.ts';
import { verifyPassword, WeakPasswordError } from './passwords.ts';
import { createSessionStore, readCookie, SESSION_COOKIE, type SessionStore } from './sessions.ts';
import { createTokenStore, type TokenStore } from './token-store.ts';
import { createUserStore, publicUser, type UserStore } from './users.ts';

/** Who is asking: a signed-in person, or a wall screen with its token. */
export type Principal =
  | ({ kind: 'user' } & SessionUser)
  | { kind: 'screen'; role: 'screen'; name: string; scope: Scope | null };

/** The parts of a Socket.IO handshake that identify the client. */
export interface HandshakeLike {
  headers: IncomingHttpHeaders;
  auth?: Record<string, unknown>;
  query?: Record<string, unknown>;
  address?: string;
}

export class SignInError extends Error {
  override name = 'SignInError';
  constructor() {
    super('wrong user name or password');
  }
}

export interface AuthOptions {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  ingestTokens: Map<string, string>;
  screenTokens: string;
  adminPassword: string | undefined;
  /** @default 12 */
  sessionIdleHours?: number;
  /** Send the session cookie with `Secure` (behind HTTPS). @default false */
  cookieSecure?: boolean;
  /** @default 2000 */
  tokenRefreshMs?: number;
}

export interface Auth {
  users: UserStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  audit: AuditLog;
  tokens: TokenStore;
  cookieSecure: boolean;
  start(): Promise<void>;
  stop(): void;
  /** Checks the password (with lockout and an audit entry either way) and opens a session. */
  signIn(username: string, password: string, ip: string): Promise<{ cookie: string; user: SessionUser }>;
  /** The signed-in user of a session cookie value. */
  userOfSession(cookieValue: string | null): Promise<SessionUser | null>;
  /** The signed-in user of a Socket.IO handshake (its session cookie): the realtime layer's `resolveUser`. */
  resolveSessionUser(handshake: HandshakeLike): Promise<SessionUser | null>;
  /** Who a Socket.IO handshake (or any request's headers) belongs to: session cookie, else screen token. */
  resolveUser(handshake: HandshakeLike): Promise<Principal | null>;
}

export function createAuth(opts: AuthOptions): Auth {
  const { redis, keys, now, log } = opts;
  const users = createUserStore(redis, keys, opts.catalog, now);
  const sessions = createSessionStore(redis, keys, now, opts.sessionIdleHours ?? 12);
  const limiter = createLoginLimiter(redis, keys);
  const audit = createAuditLog(redis, keys, now);
  const tokens = createTokenStore({ redis, keys, audit, now, envIngest: opts.ingestTokens, envScreen: opts.screenTokens, refreshMs: opts.tokenRefreshMs });

  async function userOfSession(cookieValue: string | null): Promise<SessionUser | null> {
    if (!cookieValue) return null;
    const session = await sessions.get(cookieValue);
    if (!session) return null;
    const user = await users.get(session.username);
    if (!user || user.disabled || session.createdAt < user.validFrom) return null;
    return publicUser(user);
  }

  return {
    users, sessions, limiter, audit, tokens, cookieSecure: opts.cookieSecure ?? false,
    async start() {
      await tokens.start();
      await bootstrapAdmin();
      await audit.trim();
    },
    stop: () => tokens.stop(),
    async signIn(username, password, ip) {
      const target = username.slice(0, 64);
      try {
        await limiter.check(username, ip);
      } catch (err) {
        if (err instanceof LockedOutError) await audit.record({ actor: target, action: 'signin.locked', target, ip });
        throw err;
      }
      const stored = await users.get(username);
      const ok = (await verifyPassword(stored?.hash ?? null, password)) && stored !== null && !stored.disabled;
      if (!ok || !stored) {
        const failures = await limiter.fail(username, ip);
        await audit.record({ actor: target, action: 'signin.failed', target, ip, detail: { failures, reason: stored ? (stored.disabled ? 'disabled' : 'password') : 'unknown-user' } });
        throw new SignInError();
      }
      await limiter.reset(username, ip);
      const cookie = await sessions.create(stored.username, ip);
      await audit.record({ actor: stored.username, action: 'signin', target: stored.username, ip, detail: { role: stored.role } });
      return { cookie, user: publicUser(stored) };
    },
    userOfSession,
    resolveSessionUser: (handshake) => userOfSession(readCookie(handshake.headers.cookie, SESSION_COOKIE)),
    async resolveUser(handshake) {
      const user = await userOfSession(readCookie(handshake.headers.cookie, SESSION_COOKIE));
      if (user) return { kind: 'user', ...user };
      const token = handshake.auth?.token ?? handshake.query?.token;
      if (typeof token === 'string' && token) {
        const grant = tokens.screenGrant(token);
        if (grant) return { kind: 'screen', role: 'screen', ...grant };
      }
      return null;
    },
  };

  /** The first admin (`admin`) comes from ADMIN_PASSWORD at the first start; later starts leave it alone. */
  async function bootstrapAdmin(): Promise<void> {
    if (await users.get('admin')) return;
    if (!opts.adminPassword) {
      log.warn('no admin user yet and ADMIN_PASSWORD is unset: set ADMIN_PASSWORD and restart, or run npm run admin -- add-user admin --role admin');
      return;
    }
    try {
      await users.create({ username: 'admin', password: opts.adminPassword, role: 'admin', name: '系统管理员' });
      await audit.record({ actor: 'system', action: 'user.created', target: 'admin', ip: '', detail: { role: 'admin', from: 'ADMIN_PASSWORD' } });
      log.info('created the first admin user "admin" from ADMIN_PASSWORD');
    } catch (err) {
      if (err instanceof WeakPasswordError) throw new ConfigError(`ADMIN_PASSWORD: ${err.message}`);
      // another hub process created it at the same moment
      if (!(await users.get('admin'))) throw err;
    }
  }
}
