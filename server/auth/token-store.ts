/**
 * Ingest and screen tokens: INGEST_TOKENS and SCREEN_TOKENS are the bootstrap; a token rotated or
 * revoked by an admin is kept in Redis (only its sha256) and overrides the environment for that
 * source or screen. Each process keeps the merged table in memory and reloads it every
 * `refreshMs`, so a revoked token stops working everywhere within that time.
 */
import crypto from 'node:crypto';
import { isScope, type Scope } from '../../common/catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { AuditLog } from './audit-log.ts';
import { sha256 } from './sessions.ts';

export class TokenInputError extends Error {
  override name = 'TokenInputError';
}

interface StoredToken { hash?: string; scope?: string; revoked?: boolean; at: number; by: string }

export interface ScreenGrant { name: string; scope: Scope | null }

export interface TokenInfo { name: string; origin: 'env' | 'rotated' | 'revoked'; at?: number; by?: string; scope?: string | null }

/**
 * Token → source, keyed by the token's sha256. The ingest router calls `get(token)` with the
 * token it received; hashing here lets the table hold no secret.
 */
export class HashedTokenMap extends Map<string, string> {
  override get(token: string): string | undefined {
    return super.get(sha256(token));
  }
}

export interface Actor { actor: string; ip: string }

export interface TokenStore {
  start(): Promise<void>;
  stop(): void;
  /** Reloads from Redis now. */
  refresh(): Promise<void>;
  ingestTokens(): Map<string, string>;
  screenGrant(token: string): ScreenGrant | null;
  /** True when any screen token exists (without any, read-only screens need none). */
  screenTokensConfigured(): boolean;
  rotateIngest(source: string, by: Actor): Promise<string>;
  revokeIngest(source: string, by: Actor): Promise<void>;
  rotateScreen(name: string, scope: string | null, by: Actor): Promise<string>;
  revokeScreen(name: string, by: Actor): Promise<void>;
  list(): Promise<{ ingest: TokenInfo[]; screen: TokenInfo[] }>;
}

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** `name=token[:scope]` pairs (SCREEN_TOKENS). */
export function parseScreenTokens(raw: string): Map<string, { token: string; scope: Scope | null }> {
  const out = new Map<string, { token: string; scope: Scope | null }>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new TokenInputError(`SCREEN_TOKENS: "${part}" is not name=token[:scope] (example: hall=s3cret:center:yiyang)`);
    const rest = part.slice(eq + 1);
    const colon = rest.indexOf(':');
    const token = colon < 0 ? rest : rest.slice(0, colon);
    const scope = colon < 0 ? null : rest.slice(colon + 1);
    if (scope !== null && !isScope(scope)) throw new TokenInputError(`SCREEN_TOKENS: "${scope}" is not a scope (city, center:<code>, dept:<code>, window:<code>)`);
    out.set(part.slice(0, eq).trim(), { token, scope: scope as Scope | null });
  }
  return out;
}

export function createTokenStore(opts: {
  redis: RedisClient; keys: RedisKeys; audit: AuditLog; now: () => number;
  envIngest: Map<string, string>; envScreen: string; refreshMs?: number;
}): TokenStore {
  const { redis, keys, audit, now } = opts;
  const envScreen = parseScreenTokens(opts.envScreen);
  let ingest = new HashedTokenMap();
  let screens = new Map<string, ScreenGrant>();
  let timer: NodeJS.Timeout | null = null;

  const readStore = async (key: string) => {
    const flat = await redis.hgetall(key);
    return new Map(Object.entries(flat).map(([name, json]) => [name, JSON.parse(json) as StoredToken]));
  };

  async function refresh(): Promise<void> {
    const [storedIngest, storedScreen] = await Promise.all([readStore(keys.ingestTokenStore), readStore(keys.screenTokenStore)]);
    const nextIngest = new HashedTokenMap();
    for (const [token, source] of opts.envIngest) if (!storedIngest.has(source)) nextIngest.set(sha256(token), source);
    for (const [source, t] of storedIngest) if (t.hash && !t.revoked) nextIngest.set(t.hash, source);
    const nextScreens = new Map<string, ScreenGrant>();
    for (const [name, { token, scope }] of envScreen) if (!storedScreen.has(name)) nextScreens.set(sha256(token), { name, scope });
    for (const [name, t] of storedScreen) if (t.hash && !t.revoked) nextScreens.set(t.hash, { name, scope: (t.scope as Scope | undefined) ?? null });
    ingest = nextIngest;
    screens = nextScreens;
  }

  const newToken = () => crypto.randomBytes(24).toString('base64url');
  const checkName = (what: string, name: string) => {
    if (!NAME_RE.test(name)) throw new TokenInputError(`${what} "${name}" must be 1-64 letters, digits, dot, dash or underscore`);
  };

  async function put(key: string, name: string, value: StoredToken, action: string, by: Actor, detail: Record<string, unknown> = {}) {
    await redis.hset(key, name, JSON.stringify(value));
    await audit.record({ actor: by.actor, action, target: name, ip: by.ip, detail });
    await refresh();
  }

  const info = (names: Set<string>, stored: Map<string, StoredToken>, envScope?: (n: string) => string | null): TokenInfo[] =>
    [...new Set([...names, ...stored.keys()])].sort().map((name) => {
      const t = stored.get(name);
      if (!t) return { name, origin: 'env', ...(envScope ? { scope: envScope(name) } : {}) };
      return { name, origin: t.revoked ? 'revoked' : 'rotated', at: t.at, by: t.by, ...(envScope ? { scope: t.scope ?? null } : {}) };
    });

  return {
    refresh,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh().catch(() => undefined), opts.refreshMs ?? 2000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
    ingestTokens: () => ingest,
    screenGrant: (token) => screens.get(sha256(token)) ?? null,
    screenTokensConfigured: () => screens.size > 0,
    async rotateIngest(source, by) {
      checkName('source', source);
      const token = newToken();
      await put(keys.ingestTokenStore, source, { hash: sha256(token), at: now(), by: by.actor }, 'token.ingest.rotated', by);
      return token;
    },
    async revokeIngest(source, by) {
      checkName('source', source);
      await put(keys.ingestTokenStore, source, { revoked: true, at: now(), by: by.actor }, 'token.ingest.revoked', by);
    },
    async rotateScreen(name, scope, by) {
      checkName('screen', name);
      if (scope !== null && !isScope(scope)) throw new TokenInputError(`"${scope}" is not a scope (city, center:<code>, dept:<code>, window:<code>)`);
      const token = newToken();
      await put(keys.screenTokenStore, name, { hash: sha256(token), ...(scope ? { scope } : {}), at: now(), by: by.actor }, 'token.screen.rotated', by, { scope });
      return token;
    },
    async revokeScreen(name, by) {
      checkName('screen', name);
      await put(keys.screenTokenStore, name, { revoked: true, at: now(), by: by.actor }, 'token.screen.revoked', by);
    },
    async list() {
      const [si, ss] = await Promise.all([readStore(keys.ingestTokenStore), readStore(keys.screenTokenStore)]);
      return {
        ingest: info(new Set(opts.envIngest.values()), si),
        screen: info(new Set(envScreen.keys()), ss, (n) => envScreen.get(n)?.scope ?? null),
      };
    },
  };
}
