/**
 * Configuration, parsed and validated once at start. A wrong setting stops the start with a
 * message naming the variable and the fix (ConfigError).
 */
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';
import { makeScope, ScopeInputError, splitTokenSpec, type IngestScope } from '../../common/ingest-scope.ts';
import { isWallScope, type Scope } from '../../common/catalog.ts';
import { DAY_MS } from '../../common/time.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const pairList = (variable: string, example: string) =>
  z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const map = new Map<string, string>();
      for (const part of raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const eq = part.indexOf('=');
        if (eq <= 0 || eq === part.length - 1) {
          ctx.addIssue({ code: 'custom', message: `${variable}: "${part}" is not name=token (example: ${example})` });
          return z.NEVER;
        }
        if (map.has(part.slice(0, eq).trim())) {
          ctx.addIssue({
            code: 'custom',
            message: `${variable}: "${part.slice(0, eq).trim()}" appears twice; one token per name (give two systems two names)`,
          });
          return z.NEVER;
        }
        map.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
      return map;
    });

/** Redis's memory notation (`4gb`, `512mb`, bytes), as bytes; 0 means no limit. */
const MEMORY_UNITS = new Map([
  ['', 1],
  ['b', 1],
  ['k', 1000],
  ['kb', 1024],
  ['m', 1e6],
  ['mb', 1024 ** 2],
  ['g', 1e9],
  ['gb', 1024 ** 3],
]);
const memorySize = (variable: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const m = /^(\d{1,7})\s*([a-z]{0,2})$/i.exec(raw.trim());
      const unit = m ? MEMORY_UNITS.get(m[2]!.toLowerCase()) : undefined;
      const bytes = m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
      // below 64 MB the hub's own keys (calendar, users, a day of aggregates) would not fit
      if (!(bytes === 0 || bytes >= 64 * 1024 ** 2)) {
        ctx.addIssue({ code: 'custom', message: `${variable}: "${raw}" is not a size of 64mb or more, or 0 for no limit (example: 4gb, 512mb)` });
        return z.NEVER;
      }
      return bytes;
    });

/** `HH:MM` (24 h) as a minute of the day. */
const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM, e.g. 18:00')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().default('mymaster'),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:{}_-]*$/, 'letters, digits, : { } _ - only')
    .default('yg:'),
  DATA_DIR: z.string().default('var'),
  /** The private Redis's memory limit (docs/deploy.md, "Redis memory"): 0 or 64mb and up. */
  REDIS_MAXMEMORY: memorySize('REDIS_MAXMEMORY', '4gb'),
  INGEST_TOKENS: pairList('INGEST_TOKENS', 'queue=s3cret,rating=t0ken@yiyang|heshan#rating.submitted'),
  /** Key the rotated ingest tokens are derived with; unset: DATA_DIR/hub-secret (server/auth/hub-secret.ts). */
  HUB_SECRET: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  SCREEN_TOKENS: pairList('SCREEN_TOKENS', 'hall=8f3kq9zt2m:center:yiyang,cockpit=p0w9x7v5n3'),
  ADMIN_PASSWORD: z.string().optional(),
  DEDUPE_DAYS: z.coerce.number().int().min(1).max(400).default(35),
  HOLIDAYS_FILE: z.string().default('config/holidays.json'),
  CATALOG_DIR: z.string().default('config/catalog'),
  AGGREGATOR: z.enum(['on', 'off']).default('on'),
  ALERTS_FILE: z.string().default('config/alerts.json'),
  NOTIFY_FILE: z.string().default('config/notify.json'),
  /** How people reach the hub (behind its proxy): the links in notifications. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://yg.example.gov.cn' }).optional(),
  COOKIE_SECURE: z.enum(['on', 'off']).default('off'),
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(12),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(750),
  INGEST_DURABILITY: z.enum(['written', 'fsync']).default('written'),
  INGEST_SIGNED_SOURCES: z.string().default(''),
  AGGREGATOR_BATCH_SIZE: z.coerce.number().int().min(10).max(5000).default(500),
  /** How long the event logs (streams) keep entries; aggregates are kept for good. */
  EVENT_LOG_DAYS: z.coerce.number().min(0.01).max(60).default(3),
  LIVE_TICK_MS: z.coerce.number().int().min(20).max(10_000).default(250),
  LIVE_REFRESH_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
  LIVE_TRANSPORTS: z.enum(['websocket', 'websocket,polling']).default('websocket'),
  /** The event archive (docs/archive.md): every accepted event kept in files under ARCHIVE_DIR. */
  ARCHIVE: z.enum(['on', 'off']).default('on'),
  /** Default DATA_DIR/archive; every hub with ARCHIVE=on must see the same folder. */
  ARCHIVE_DIR: z.string().optional(),
  /** Arrival days of archive kept; older ones are deleted daily. */
  ARCHIVE_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /** Arrival days kept in ARCHIVE_DIR when the archive is copied to an object store (docs/archive.md); default ARCHIVE_DAYS. */
  ARCHIVE_LOCAL_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** Asia/Shanghai time from which a hub makes yesterday's time-travel checkpoints (docs/archive.md "Checkpoints"), or off. */
  ARCHIVE_CHECKPOINT_AT: z.union([z.literal('off'), clockTime]).default(90),
  /** An S3-compatible object store the sealed archive is copied to (docs/archive.md "The object store"): its endpoint. */
  ARCHIVE_S3_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://minio:9000' }).optional(),
  ARCHIVE_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lowercase letters, digits, dots and dashes')
    .optional(),
  /** The folder in the bucket; default the REDIS_PREFIX without its separators (yg: → yg). */
  ARCHIVE_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be letters, digits, ".", "_", "-" and "/"; no leading "/"')
    .optional(),
  ARCHIVE_S3_REGION: z.string().min(1).default('us-east-1'),
  ARCHIVE_S3_ACCESS_KEY: z.string().min(1).optional(),
  ARCHIVE_S3_SECRET_KEY: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Scheduled 日报/月报 (docs/reports.md): on every hub (a lock per run makes each once), or off. */
  REPORT_SCHEDULE: z.enum(['on', 'off']).default('on'),
  /** Asia/Shanghai time of the day's 日报, and of the previous month's 月报 on the 1st. */
  REPORT_DAILY_AT: clockTime.default(18 * 60),
  REPORT_MONTHLY_AT: clockTime.default(8 * 60),
  ALLOWED_ORIGINS: z.string().default(''),
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((raw, ctx) => {
      const parsed = parseTrustProxy(raw);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }),
});

export interface HubConfig {
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  redis:
    | { kind: 'url'; url: string }
    | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string }
    | { kind: 'cluster'; nodes: { host: string; port: number }[] }
    | { kind: 'private'; dir: string; /** maxmemory in bytes (0: none), with noeviction */ maxmemoryBytes: number };
  /** Prefix of every Redis key; in Cluster mode a hash tag keeps all keys in one slot. */
  keyPrefix: string;
  dataDir: string;
  /** source → its token and what it may send (`source=token[@center|…][#type|…]`) */
  ingestTokens: Map<string, { token: string; scope: IngestScope }>;
  /** HUB_SECRET as set (else the file under dataDir is used); checked by server/auth/hub-secret.ts. */
  hubSecret: string | undefined;
  /**
   * screen name → its token and the scope it reads (`name=token[:scope]`, null: the whole city).
   * Whether each scope is in the catalog is checked at hub start, where the catalog is loaded.
   */
  screenTokens: Map<string, { token: string; scope: Scope | null }>;
  adminPassword: string | undefined;
  /** How long an event id is remembered for de-duplication, and the oldest `at` accepted. */
  dedupeDays: number;
  holidaysFile: string;
  catalogDir: string;
  runAggregator: boolean;
  /** Alert thresholds (docs/alerts.md). */
  alertsFile: string;
  /** Notification channels, contacts, roster and routes (docs/alerts.md, "Notifications"). */
  notifyFile: string;
  /** The hub's address as people reach it, without a trailing slash; unset: the address it listens on. */
  publicUrl: string | undefined;
  /** Send the session cookie with `Secure` (the hub is behind HTTPS). */
  cookieSecure: boolean;
  /** A session unused this long ends. */
  sessionIdleHours: number;
  /** Sources that must sign ingest requests with YG-HMAC-SHA256 (bearer refused). */
  signedSources: Set<string>;
  /** Stream entries applied per aggregation script call: larger is faster, smaller blocks Redis for less time. */
  aggregatorBatchSize: number;
  /** An event read by a hub and not acknowledged this long is taken over by another hub. */
  /** How long the event logs keep entries (ms). */
  eventLogMs: number;
  /** A Redis command unanswered this long fails, so a frozen Redis becomes a 503 within a second. */
  commandTimeoutMs: number;
  /**
   * `written`: 202 once Redis has the events in memory and written to its AOF (fsync within 1 s).
   * `fsync`: 202 only once the AOF is fsynced (WAITAOF on Redis ≥ 7.2, else `appendfsync always`).
   */
  ingestDurability: 'written' | 'fsync';
  /** The realtime layer (docs/realtime.md). */
  live: { tickMs: number; refreshMs: number; transports: ('websocket' | 'polling')[]; allowedOrigins: string[] };
  /** Which proxies may name the client address (Express `trust proxy`): lockouts and the audit use it. */
  trustProxy: TrustProxy;
  /** The event archive (docs/archive.md): null when ARCHIVE=off. */
  archive: {
    dir: string;
    /** Arrival days kept in the store (when there is one), else in the folder. */
    keepDays: number;
    /** Arrival days kept in the folder (ARCHIVE_LOCAL_DAYS; = keepDays without a store). */
    localKeepDays: number;
    /** The S3-compatible object store the sealed segments are copied to; null: none. */
    store: ArchiveStoreConfig | null;
    /** Minute of the day (Asia/Shanghai) from which yesterday's checkpoints are made (ARCHIVE_CHECKPOINT_AT); null: only when first replayed. */
    checkpointAtMinute: number | null;
  } | null;
  /** Scheduled reports (docs/reports.md): null when REPORT_SCHEDULE=off; times as minutes of the day. */
  reports: { dailyAtMinute: number; monthlyAtMinute: number } | null;
}

/** Where the sealed archive is copied (docs/archive.md "The object store"); path-style addressing (MinIO, Ceph, OSS). */
export interface ArchiveStoreConfig {
  endpoint: string;
  bucket: string;
  /** The folder in the bucket, without a trailing slash. */
  prefix: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

function archiveStoreOf(e: z.infer<typeof envSchema>, keyPrefix: string): ArchiveStoreConfig | null {
  if (!e.ARCHIVE_S3_URL) {
    if (e.ARCHIVE_S3_BUCKET) throw new ConfigError('ARCHIVE_S3_BUCKET is set without ARCHIVE_S3_URL: name the object store (e.g. http://minio:9000)');
    if (e.ARCHIVE_LOCAL_DAYS !== undefined && e.ARCHIVE_LOCAL_DAYS < e.ARCHIVE_DAYS)
      throw new ConfigError('ARCHIVE_LOCAL_DAYS below ARCHIVE_DAYS needs an object store (ARCHIVE_S3_URL) to keep the other days');
    return null;
  }
  if (!e.ARCHIVE_S3_BUCKET) throw new ConfigError('ARCHIVE_S3_URL is set without ARCHIVE_S3_BUCKET: name the bucket the archive is copied to');
  const accessKeyId = e.ARCHIVE_S3_ACCESS_KEY ?? e.AWS_ACCESS_KEY_ID;
  const secretAccessKey = e.ARCHIVE_S3_SECRET_KEY ?? e.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new ConfigError('ARCHIVE_S3_URL needs credentials: ARCHIVE_S3_ACCESS_KEY and ARCHIVE_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)');
  const prefix = (e.ARCHIVE_S3_PREFIX ?? keyPrefix.replace(/[^A-Za-z0-9._-]+/g, '')).replace(/\/+$/, '');
  if (!prefix) throw new ConfigError('ARCHIVE_S3_PREFIX: REDIS_PREFIX gives no folder name; set ARCHIVE_S3_PREFIX');
  return { endpoint: e.ARCHIVE_S3_URL.replace(/\/+$/, ''), bucket: e.ARCHIVE_S3_BUCKET, prefix, region: e.ARCHIVE_S3_REGION, accessKeyId, secretAccessKey };
}

function hostPorts(variable: string, raw: string): { host: string; port: number }[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((hp) => {
      const m = /^(.+):(\d+)$/.exec(hp);
      if (!m) throw new ConfigError(`${variable}: "${hp}" is not host:port (example: 10.0.0.1:26379,10.0.0.2:26379)`);
      return { host: m[1]!, port: Number(m[2]) };
    });
}

/** SCREEN_TOKENS after its `name=token` pairs: each token 8+ characters and its own, each scope well-formed. */
function screenTokensOf(pairs: Map<string, string>): HubConfig['screenTokens'] {
  const out: HubConfig['screenTokens'] = new Map();
  const nameOfToken = new Map<string, string>();
  for (const [name, value] of pairs) {
    const colon = value.indexOf(':');
    const token = colon < 0 ? value : value.slice(0, colon);
    const scope = colon < 0 ? null : value.slice(colon + 1);
    if (token.length < 8)
      throw new ConfigError(`SCREEN_TOKENS: the token of screen "${name}" is shorter than 8 characters; use a long random string without ":" or ","`);
    if (scope !== null && !isWallScope(scope))
      throw new ConfigError(`SCREEN_TOKENS: "${scope}" (screen "${name}") is not a scope; use city, center:<code>, dept:<code> or window:<code>`);
    const other = nameOfToken.get(token);
    if (other !== undefined) throw new ConfigError(`SCREEN_TOKENS: screen "${name}" reuses the token of screen "${other}"; give each screen its own`);
    nameOfToken.set(token, name);
    out.set(name, { token, scope });
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HubConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.DATA_DIR);
  let redis: HubConfig['redis'];
  if (e.REDIS_CLUSTER_NODES) redis = { kind: 'cluster', nodes: hostPorts('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES) };
  else if (e.REDIS_SENTINELS) redis = { kind: 'sentinel', sentinels: hostPorts('REDIS_SENTINELS', e.REDIS_SENTINELS), name: e.REDIS_SENTINEL_NAME };
  else if (e.REDIS_URL) redis = { kind: 'url', url: e.REDIS_URL };
  else redis = { kind: 'private', dir: path.join(dataDir, 'redis'), maxmemoryBytes: e.REDIS_MAXMEMORY };

  const ingestTokens = new Map<string, { token: string; scope: IngestScope }>();
  for (const [source, value] of e.INGEST_TOKENS) {
    const { token, spec } = splitTokenSpec(value);
    if (token.length < 8) throw new ConfigError(`INGEST_TOKENS: the token of "${source}" is shorter than 8 characters; use a long random string`);
    try {
      ingestTokens.set(source, { token, scope: makeScope(spec) });
    } catch (err) {
      if (err instanceof ScopeInputError)
        throw new ConfigError(`INGEST_TOKENS: the scope of "${source}": ${err.message} (syntax: source=token@center|center#type|family.*)`);
      throw err;
    }
  }
  const keyPrefix = redis.kind === 'cluster' && !e.REDIS_PREFIX.includes('{') ? `{${e.REDIS_PREFIX.replace(/:$/, '')}}:` : e.REDIS_PREFIX;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    redis,
    keyPrefix,
    dataDir,
    ingestTokens,
    hubSecret: e.HUB_SECRET,
    screenTokens: screenTokensOf(e.SCREEN_TOKENS),
    adminPassword: e.ADMIN_PASSWORD,
    dedupeDays: e.DEDUPE_DAYS,
    holidaysFile: path.resolve(cwd, e.HOLIDAYS_FILE),
    catalogDir: path.resolve(cwd, e.CATALOG_DIR),
    runAggregator: e.AGGREGATOR === 'on',
    alertsFile: path.resolve(cwd, e.ALERTS_FILE),
    notifyFile: path.resolve(cwd, e.NOTIFY_FILE),
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    cookieSecure: e.COOKIE_SECURE === 'on',
    sessionIdleHours: e.SESSION_IDLE_HOURS,
    eventLogMs: Math.round(e.EVENT_LOG_DAYS * DAY_MS),
    aggregatorBatchSize: e.AGGREGATOR_BATCH_SIZE,
    signedSources: new Set(
      e.INGEST_SIGNED_SOURCES.split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
    commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    ingestDurability: e.INGEST_DURABILITY,
    live: {
      tickMs: e.LIVE_TICK_MS,
      refreshMs: e.LIVE_REFRESH_MS,
      transports: e.LIVE_TRANSPORTS === 'websocket' ? ['websocket'] : ['websocket', 'polling'],
      allowedOrigins: e.ALLOWED_ORIGINS.split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
    },
    trustProxy: e.TRUST_PROXY,
    archive:
      e.ARCHIVE === 'on'
        ? {
            dir: path.resolve(cwd, e.ARCHIVE_DIR ?? path.join(dataDir, 'archive')),
            keepDays: e.ARCHIVE_DAYS,
            localKeepDays: Math.min(e.ARCHIVE_LOCAL_DAYS ?? e.ARCHIVE_DAYS, e.ARCHIVE_DAYS),
            store: archiveStoreOf(e, keyPrefix),
            checkpointAtMinute: e.ARCHIVE_CHECKPOINT_AT === 'off' ? null : e.ARCHIVE_CHECKPOINT_AT,
          }
        : null,
    reports: e.REPORT_SCHEDULE === 'on' ? { dailyAtMinute: e.REPORT_DAILY_AT, monthlyAtMinute: e.REPORT_MONTHLY_AT } : null,
  };
}
