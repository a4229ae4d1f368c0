/**
 * Authentication of one hub: users, sessions, sign-in throttling, tokens and the audit trail,
 * and over them the resolver of who is asking (`identity`, server/identity/), used by the HTTP
 * middleware and the Socket.IO handshakes alike.
 */
import type { Logger } from 'pino';
import type { SessionUser } from '../../common/auth.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { createLoginLimiter, type LoginLimiter, type LoginLimits } from './login-limiter.ts';
import { ConfigError } from '../config/env.ts';
import { verifyPassword, WeakPasswordError } from './passwords.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';
import { createTokenStore, type EnvIngestToken, type EnvScreenToken, type TokenStore } from './token-store.ts';
import type { HubSecret } from './hub-secret.ts';
import { createUserStore, publicUser, type UserStore } from './users.ts';
import { createIdentity, type Identity } from '../identity/identity.ts';
import { Unauthenticated } from '../domain-errors.ts';

export class SignInError extends Unauthenticated {
  override name = 'SignInError';
  constructor() {
    super('wrong user name or password', 'password');
  }
}

export interface AuthOptions {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  log: Logger;
  now: () => number;
  /** source → token and scope (INGEST_TOKENS) */
  ingestTokens: Map<string, EnvIngestToken>;
  /** The key rotated ingest tokens are derived with (hub-secret.ts). */
  hubSecret: HubSecret;
  /** name → token and scope (SCREEN_TOKENS, parsed by server/config/env.ts) */
  screenTokens: Map<string, EnvScreenToken>;
  adminPassword: string | undefined;
  /** @default 12 */
  sessionIdleHours?: number;
  /** Send the session cookie with `Secure` (behind HTTPS). @default false */
  cookieSecure?: boolean;
  /** @default 2000 */
  tokenRefreshMs?: number;
  /** Sign-in lockout limits (login-limiter.ts); tests shorten the window. */
  lockout?: LoginLimits;
}

export interface Auth {
  users: UserStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  audit: AuditLog;
  tokens: TokenStore;
  /** Who is asking (session cookie, screen token): the one resolver of HTTP, /live and /alerts. */
  identity: Identity;
  cookieSecure: boolean;
  start(): Promise<void>;
  stop(): void;
  /**
   * Counts the attempt (refused with LockedOutError when the user name or the address is locked),
   * then checks the password, with an audit entry either way, and opens a session.
   */
  signIn(username: string, password: string, ip: string): Promise<{ cookie: string; user: SessionUser }>;
}

export function createAuth(opts: AuthOptions): Auth {
  const { redis, keys, now, log } = opts;
  const users = createUserStore(redis, keys, opts.catalog, now);
  const sessions = createSessionStore(redis, keys, now, opts.sessionIdleHours ?? 12);
  const limiter = createLoginLimiter(redis, keys, opts.lockout);
  const audit = createAuditLog(redis, keys, now);
  const tokens = createTokenStore({
    redis,
    keys,
    audit,
    now,
    secret: opts.hubSecret,
    envIngest: opts.ingestTokens,
    envScreen: opts.screenTokens,
    refreshMs: opts.tokenRefreshMs,
    warn: (message) => log.warn(message),
    knownCenters: () => new Set(opts.catalog.centers.keys()),
  });

  async function userOfSession(cookieValue: string): Promise<SessionUser | null> {
    const session = await sessions.get(cookieValue);
    if (!session) return null;
    const user = await users.get(session.username);
    if (!user || user.disabled || session.createdAt < user.validFrom) return null;
    return publicUser(user);
  }
  const identity = createIdentity({
    userOfSession,
    screenOfToken: (token) => tokens.screenGrant(token),
    screenTokensExist: () => tokens.screenTokensConfigured(),
  });

  // lockouts that have ended become their audit entries; every hub tries, the script writes each once
  let flushTimer: NodeJS.Timeout | null = null;
  const flushLocks = () =>
    limiter.flushLocks(now()).catch((err: Error) => log.warn({ err: err.message }, 'could not write ended sign-in lockouts to the audit; retrying'));

  return {
    users,
    sessions,
    limiter,
    audit,
    tokens,
    identity,
    cookieSecure: opts.cookieSecure ?? false,
    async start() {
      await tokens.start();
      await bootstrapAdmin();
      await audit.trim();
      await flushLocks();
      flushTimer = setInterval(() => void flushLocks(), limiter.limits.flushEveryMs);
      flushTimer.unref();
    },
    stop: () => {
      if (flushTimer) clearInterval(flushTimer);
      tokens.stop();
    },
    async signIn(username, password, ip) {
      const target = username.slice(0, 64);
      // counted before the check, so parallel guesses cannot all be checked (throws when locked)
      const attempt = await limiter.attempt(username, ip, now());
      let stored: Awaited<ReturnType<typeof users.get>>;
      let ok: boolean;
      try {
        stored = await users.get(username);
        ok = (await verifyPassword(stored?.hash ?? null, password)) && stored !== null && !stored.disabled;
      } catch (err) {
        await limiter.release(username, ip).catch(() => undefined);
        throw err;
      }
      if (!ok || !stored) {
        await audit.record({
          actor: target,
          action: 'signin.failed',
          target,
          ip,
          detail: {
            failures: attempt.failures,
            addressFailures: attempt.addressFailures,
            ...(attempt.locks ? { locked: attempt.locks } : {}),
            reason: stored ? (stored.disabled ? 'disabled' : 'password') : 'unknown-user',
          },
        });
        throw new SignInError();
      }
      await limiter.succeeded(username, ip);
      const cookie = await sessions.create(stored.username, ip);
      await users.noteSignIn(stored.username);
      await audit.record({ actor: stored.username, action: 'signin', target: stored.username, ip, detail: { role: stored.role } });
      return { cookie, user: publicUser(stored) };
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
