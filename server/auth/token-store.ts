/**
 * Ingest and screen tokens: INGEST_TOKENS and SCREEN_TOKENS are the bootstrap; a token rotated or
 * revoked by an admin is recorded in Redis and overrides the environment for that source or
 * screen. Each process keeps the merged table in memory and reloads it every `refreshMs`, so a
 * revoked token stops working everywhere within that time.
 *
 * What Redis holds is not enough to send events: a rotated ingest token is kept as a salt from
 * which the token is derived with the hub secret (ingest-credentials.ts); a screen token (read
 * only) as its SHA-256.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { TokenInfo } from '../../common/auth.ts';
import { isWallScope, type Scope } from '../../common/catalog.ts';
import { makeScope, ScopeInputError, type IngestScope, type IngestScopeSpec } from '../../common/ingest-scope.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { AuditLog } from './audit-log.ts';
import type { HubSecret } from './hub-secret.ts';
import type { ScreenPrincipal, SourcePrincipal } from '../identity/principal.ts';
import { deriveIngestToken, IngestCredentials, newSalt, type IngestSigner } from './ingest-credentials.ts';
import { sha256 } from './sessions.ts';
import { Conflict, InputError } from '../domain-errors.ts';

export class TokenInputError extends InputError {
  override name = 'TokenInputError';
}

/** A record of `tokens:ingest` or `tokens:screen`; parsed, since Redis content is input too. */
const storedSchema = z.object({
  /** Ingest: the salt the token is derived from, and the id of the hub secret it was derived with. */
  salt: z.string().optional(),
  kid: z.string().optional(),
  /** Screen tokens; ingest tokens rotated before the hub secret existed (bearer only). */
  hash: z.string().optional(),
  scope: z.string().optional(),
  centers: z.array(z.string()).optional(),
  types: z.array(z.string()).optional(),
  revoked: z.boolean().optional(),
  at: z.number(),
  by: z.string(),
});
type StoredToken = z.infer<typeof storedSchema>;

/** How often at most one hub writes a token's `lastUsed`: ingest speed must not pay for it. */
export const LAST_USED_EVERY_MS = 60_000;

/** A rotation's scope change: a list sets it, null means all, absent keeps the current one. */
export interface IngestScopeChange {
  centers?: string[] | null;
  types?: string[] | null;
}

export interface Actor {
  actor: string;
  ip: string;
}

export interface EnvIngestToken {
  token: string;
  scope: IngestScope;
}

export interface EnvScreenToken {
  token: string;
  scope: Scope | null;
}

export interface TokenStore {
  start(): Promise<void>;
  stop(): void;
  /** Reloads from Redis now. */
  refresh(): Promise<void>;
  /** token → the source and what it may send (`get(token)` hashes the token). */
  ingestTokens(): Map<string, SourcePrincipal>;
  /** source → the key its signed requests are checked with. */
  ingestSigners(): Map<string, IngestSigner>;
  /** The screen a token belongs to, or null. */
  screenGrant(token: string): ScreenPrincipal | null;
  /** True when any screen token exists (without any, read-only screens need none). */
  screenTokensConfigured(): boolean;
  rotateIngest(source: string, change: IngestScopeChange, by: Actor): Promise<{ token: string; scope: IngestScopeSpec }>;
  revokeIngest(source: string, by: Actor): Promise<void>;
  rotateScreen(name: string, scope: string | null, by: Actor): Promise<string>;
  revokeScreen(name: string, by: Actor): Promise<void>;
  /**
   * Changes what a source's current token may send, the token unchanged. Only a token this store
   * holds (rotated): one from INGEST_TOKENS is refused with 409 `env-token` (rotate it first).
   */
  setIngestScope(source: string, change: IngestScopeChange, by: Actor): Promise<IngestScopeSpec>;
  /** Changes what a screen's current token reads, the token unchanged (an INGEST/SCREEN_TOKENS one is taken over by its hash). */
  setScreenScope(name: string, scope: string | null, by: Actor): Promise<void>;
  /** Notes that a token authenticated; at most one Redis write per token per minute, never awaited. */
  noteUsed(kind: 'ingest' | 'screen', name: string): void;
  list(): Promise<{ ingest: TokenInfo[]; screen: TokenInfo[] }>;
}

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;

const NOTE_STALE = 'derived with another hub secret: it no longer works; rotate it again';
const NOTE_LEGACY = 'rotated before the hub secret existed: bearer only (signed requests refused); rotate it again';

export function createTokenStore(opts: {
  redis: RedisClient;
  keys: RedisKeys;
  audit: AuditLog;
  now: () => number;
  secret: HubSecret;
  /** source → token and scope (INGEST_TOKENS) */
  envIngest: Map<string, EnvIngestToken>;
  /** name → token and scope (SCREEN_TOKENS) */
  envScreen: Map<string, EnvScreenToken>;
  refreshMs?: number;
  /** The centers a new scope may name: the live catalog's. @default any center code */
  knownCenters?: () => ReadonlySet<string>;
  /** Told once per source about a rotated token that cannot work as stored. */
  warn?: (message: string) => void;
}): TokenStore {
  const { redis, keys, audit, now, secret } = opts;
  const envScreen = opts.envScreen;
  let ingest = new IngestCredentials();
  let screens = new Map<string, ScreenPrincipal>();
  let timer: NodeJS.Timeout | null = null;
  const warned = new Set<string>();
  const warnOnce = (source: string, note: string) => {
    if (warned.has(`${source}\n${note}`)) return;
    warned.add(`${source}\n${note}`);
    opts.warn?.(`ingest token of "${source}": ${note}`);
  };

  const readStore = async (key: string) => {
    const out = new Map<string, StoredToken>();
    for (const [name, json] of Object.entries(await redis.hgetall(key))) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(json);
      } catch {
        /* an unreadable record counts as revoked */
      }
      const record = storedSchema.safeParse(parsed);
      // a record that cannot be read still overrides the environment: the old token stays off
      out.set(name, record.success ? record.data : { revoked: true, at: 0, by: 'unreadable' });
    }
    return out;
  };

  /** The scope a record gives, or null when it names a center or type contract v1 no longer has. */
  const scopeOf = (source: string, t: StoredToken): IngestScope | null => {
    try {
      return makeScope({ ...(t.centers ? { centers: t.centers } : {}), ...(t.types ? { types: t.types } : {}) });
    } catch (err) {
      warnOnce(source, `its scope is no longer valid (${(err as Error).message}); it is refused until rotated again`);
      return null;
    }
  };

  async function refresh(): Promise<void> {
    const [storedIngest, storedScreen] = await Promise.all([readStore(keys.ingestTokenStore), readStore(keys.screenTokenStore)]);
    const next = new IngestCredentials();
    for (const [source, { token, scope }] of opts.envIngest) if (!storedIngest.has(source)) next.add(token, { kind: 'source', source, scope });
    for (const [source, t] of storedIngest) {
      if (t.revoked) continue;
      const scope = scopeOf(source, t);
      if (!scope) continue;
      if (t.salt) {
        if (t.kid === secret.id) next.add(deriveIngestToken(secret.key, source, t.salt), { kind: 'source', source, scope });
        else warnOnce(source, NOTE_STALE);
      } else if (t.hash) {
        warnOnce(source, NOTE_LEGACY);
        next.addLegacyHash(t.hash, { kind: 'source', source, scope });
      }
    }
    const nextScreens = new Map<string, ScreenPrincipal>();
    for (const [name, { token, scope }] of envScreen) if (!storedScreen.has(name)) nextScreens.set(sha256(token), { kind: 'screen', name, scope });
    for (const [name, t] of storedScreen)
      if (t.hash && !t.revoked) nextScreens.set(t.hash, { kind: 'screen', name, scope: (t.scope as Scope | undefined) ?? null });
    ingest = next;
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

  /** The scope a source's token has now: its rotated record's, else the environment's. */
  async function currentIngestSpec(source: string): Promise<IngestScopeSpec> {
    const t = (await readStore(keys.ingestTokenStore)).get(source);
    if (t && !t.revoked) return { ...(t.centers ? { centers: t.centers } : {}), ...(t.types ? { types: t.types } : {}) };
    return opts.envIngest.get(source)?.scope.spec ?? {};
  }

  const info = (
    names: Set<string>,
    stored: Map<string, StoredToken>,
    extra: (name: string, t: StoredToken | undefined) => Partial<TokenInfo>,
  ): Omit<TokenInfo, 'lastUsed'>[] =>
    [...new Set([...names, ...stored.keys()])].sort().map((name) => {
      const t = stored.get(name);
      if (!t) return { name, origin: 'env', ...extra(name, t) };
      return { name, origin: t.revoked ? 'revoked' : 'rotated', at: t.at, by: t.by, ...extra(name, t) };
    });

  const lastWrite = new Map<string, number>();
  const scopeOrThrow = (spec: IngestScopeSpec): IngestScope => {
    try {
      return makeScope(spec, opts.knownCenters?.());
    } catch (err) {
      if (err instanceof ScopeInputError) throw new TokenInputError(err.message, err.field);
      throw err;
    }
  };
  const checkScreenScope = (scope: string | null) => {
    // a wall never shows a person's figures: no screen token for a staff scope
    if (scope !== null && !isWallScope(scope))
      throw new TokenInputError(`"${scope}" is not a scope (city, center:<code>, dept:<code>, window:<code>)`, 'scope');
  };
  const millis = (v: string | undefined): number | null => (v && Number.isFinite(Number(v)) ? Number(v) : null);

  const ingestInfo = (name: string, t: StoredToken | undefined): Partial<TokenInfo> => {
    if (t?.revoked) return {};
    const spec = t ? { centers: t.centers, types: t.types } : (opts.envIngest.get(name)?.scope.spec ?? {});
    const note = t && !t.salt ? NOTE_LEGACY : t && t.kid !== secret.id ? NOTE_STALE : undefined;
    return { centers: spec.centers ?? null, types: spec.types ?? null, ...(note ? { note } : {}) };
  };

  const store: TokenStore = {
    refresh,
    async start() {
      await refresh();
      timer = setInterval(() => void refresh().catch(() => undefined), opts.refreshMs ?? 2000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
    ingestTokens: () => ingest.byToken,
    ingestSigners: () => ingest.signers,
    screenGrant: (token) => {
      const grant = screens.get(sha256(token)) ?? null;
      if (grant) store.noteUsed('screen', grant.name);
      return grant;
    },
    screenTokensConfigured: () => screens.size > 0,
    async rotateIngest(source, change, by) {
      checkName('source', source);
      const current = await currentIngestSpec(source);
      const centers = change.centers === undefined ? current.centers : (change.centers ?? undefined);
      const types = change.types === undefined ? current.types : (change.types ?? undefined);
      const scope = scopeOrThrow({ ...(centers ? { centers } : {}), ...(types ? { types } : {}) });
      const salt = newSalt();
      await put(keys.ingestTokenStore, source, { salt, kid: secret.id, ...scope.spec, at: now(), by: by.actor }, 'token.ingest.rotated', by, { ...scope.spec });
      return { token: deriveIngestToken(secret.key, source, salt), scope: scope.spec };
    },
    async revokeIngest(source, by) {
      checkName('source', source);
      await put(keys.ingestTokenStore, source, { revoked: true, at: now(), by: by.actor }, 'token.ingest.revoked', by);
    },
    async rotateScreen(name, scope, by) {
      checkName('screen', name);
      checkScreenScope(scope);
      const token = newToken();
      await put(keys.screenTokenStore, name, { hash: sha256(token), ...(scope ? { scope } : {}), at: now(), by: by.actor }, 'token.screen.rotated', by, {
        scope,
      });
      return token;
    },
    async revokeScreen(name, by) {
      checkName('screen', name);
      await put(keys.screenTokenStore, name, { revoked: true, at: now(), by: by.actor }, 'token.screen.revoked', by);
    },
    async setIngestScope(source, change, by) {
      checkName('source', source);
      const t = (await readStore(keys.ingestTokenStore)).get(source);
      if (!t || t.revoked || !t.salt)
        throw new Conflict(
          'env-token',
          t?.revoked || (!t && !opts.envIngest.has(source))
            ? `source "${source}" has no token; create one (rotate) first`
            : `the token of "${source}" comes from INGEST_TOKENS (or predates the hub secret); rotate it once, then its scope can be changed here`,
        );
      const centers = change.centers === undefined ? t.centers : (change.centers ?? undefined);
      const types = change.types === undefined ? t.types : (change.types ?? undefined);
      const scope = scopeOrThrow({ ...(centers ? { centers } : {}), ...(types ? { types } : {}) });
      const { centers: _c, types: _t, ...rest } = t;
      await put(keys.ingestTokenStore, source, { ...rest, ...scope.spec }, 'token.ingest.scope-changed', by, {
        before: { centers: t.centers ?? null, types: t.types ?? null },
        after: { centers: scope.spec.centers ?? null, types: scope.spec.types ?? null },
      });
      return scope.spec;
    },
    async setScreenScope(name, scope, by) {
      checkName('screen', name);
      checkScreenScope(scope);
      const t = (await readStore(keys.screenTokenStore)).get(name);
      let hash: string;
      let before: string | null;
      if (t && !t.revoked && t.hash) {
        hash = t.hash;
        before = t.scope ?? null;
      } else {
        const env = t ? undefined : envScreen.get(name);
        if (!env) throw new Conflict('env-token', `screen "${name}" has no token; create one (rotate) first`);
        // the environment's token, taken over by its hash: the screen keeps working with the same token
        hash = sha256(env.token);
        before = env.scope;
      }
      await put(keys.screenTokenStore, name, { hash, ...(scope ? { scope } : {}), at: now(), by: by.actor }, 'token.screen.scope-changed', by, {
        before: { scope: before },
        after: { scope },
      });
    },
    noteUsed(kind, name) {
      const field = `${kind}:${name}`;
      const t = now();
      if (t - (lastWrite.get(field) ?? -Infinity) < LAST_USED_EVERY_MS) return;
      lastWrite.set(field, t);
      redis.hset(keys.tokenLastUsed, field, t).catch(() => lastWrite.delete(field));
    },
    async list() {
      const [si, ss, used, seen] = await Promise.all([
        readStore(keys.ingestTokenStore),
        readStore(keys.screenTokenStore),
        redis.hgetall(keys.tokenLastUsed),
        redis.hgetall(keys.sourceSeen),
      ]);
      const usedOf = (field: string) => millis(Object.hasOwn(used, field) ? used[field] : undefined);
      return {
        ingest: info(new Set(opts.envIngest.keys()), si, ingestInfo).map((t) => ({
          ...t,
          lastUsed: usedOf(`ingest:${t.name}`),
          lastEventAt: millis(Object.hasOwn(seen, t.name) ? seen[t.name] : undefined),
        })),
        screen: info(new Set(envScreen.keys()), ss, (n, t) => ({ scope: t ? (t.scope ?? null) : (envScreen.get(n)?.scope ?? null) })).map((t) => ({
          ...t,
          lastUsed: usedOf(`screen:${t.name}`),
        })),
      };
    },
  };
  return store;
}
