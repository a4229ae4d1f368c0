/**
 * Every Redis key the hub uses, in one place. The Lua (server/aggregate/, server/alerts/lua/,
 * server/ingest/append-events.lua) builds the same names from the same prefix; change both together.
 */
import type { Scope } from '../../common/catalog.ts';

export function redisKeys(prefix: string) {
  return {
    prefix,
    /** The durable event log (Redis Stream). */
    stream: `${prefix}events`,
    /** Consumer group of the aggregators. */
    group: 'aggregators',
    /** The stream id of the last entry the event archive holds (server/archive/); the log is never trimmed past it. */
    archiveCursor: `${prefix}archive:cursor`,
    /** The id of the hub that writes the archive now, with an expiry (server/archive/archive-lease.lua). */
    archiveLease: `${prefix}archive:lease`,
    /** The id of the archive folder (its archive.json): a hub whose ARCHIVE_DIR is another folder refuses to write. */
    archiveFolder: `${prefix}archive:folder`,
    /** How the copy of the archive to the object store stands (server/archive/archive-upload.ts), JSON with an expiry. */
    archiveUpload: `${prefix}archive:upload`,
    /** Held (with an expiry) by the hub making a past day's time-travel checkpoints (server/archive/time-travel.ts), so one hub makes them. */
    timeTravelCheckpointLock: (day: number) => `${prefix}ttcp:lock:${day}`,
    /** Events that aggregation gave up on, with their error. */
    deadLetters: `${prefix}events:dead`,
    /** Set of event ids seen on day D (by the event's `at`), for de-duplication. */
    seen: (day: number) => `${prefix}seen:${day}`,
    /** Day totals of a scope: hash field → count. */
    day: (scope: Scope, day: number) => `${prefix}agg:${scope}:${day}`,
    /** Hourly counts of a scope on a day: field `metric|HH`. */
    hour: (scope: Scope, day: number) => `${prefix}aggh:${scope}:${day}`,
    /** Per-minute counts of a scope on a day: field `metric|MMMM` (minute of day). */
    minute: (scope: Scope, day: number) => `${prefix}aggm:${scope}:${day}`,
    /** Monthly totals (trading, fees): field → count. */
    month: (scope: Scope, month: string) => `${prefix}aggmo:${scope}:${month}`,
    /** Unique portal visitors of a scope on a day (HyperLogLog). */
    uv: (scope: Scope, day: number) => `${prefix}uv:${scope}:${day}`,
    /** Gauges that are not per day (open cases). */
    gauge: (scope: Scope) => `${prefix}gauge:${scope}`,
    /** Open, unsuspended cases of a scope by deadline (epoch ms); members are `<center>:<case>`. */
    openCases: (scope: Scope) => `${prefix}open:${scope}`,
    /** Current state of a window. */
    window: (code: string) => `${prefix}win:${code}`,
    /** The latest calls of a center, newest first (JSON: ticket, window, at). */
    recentCalls: (center: string) => `${prefix}calls:${center}`,
    /** Calendar exceptions: day index → 1 (make-up workday) / 0 (holiday). */
    calendar: `${prefix}calendar`,
    /** Last time each source sent anything: source → epoch ms. */
    sourceSeen: `${prefix}source-seen`,
    /** The screen fleet: screen id → JSON of its last report and when (server/screens/fleet-store.ts). */
    fleetScreens: `${prefix}fleet:screens`,
    /** Commands sent to one screen: command id → JSON (pending, delivered, expired). */
    fleetCommands: (screen: string) => `${prefix}fleet:cmds:${screen}`,
    /** Written by each health check (60 s TTL): a Redis that refuses writes fails it (observability/health.ts). */
    healthProbe: `${prefix}health:probe`,
    /** Open alert counts of a scope (filled by the alert engine). */
    alertCounts: (scope: Scope) => `${prefix}alerts:count:${scope}`,
    /** A nonce of a signed ingest request, kept while its timestamp is acceptable. */
    ingestNonce: (source: string, nonce: string) => `${prefix}nonce:${source}:${nonce}`,
    /** Channel on which aggregators announce the scopes an applied batch changed. */
    changedChannel: `${prefix}changed`,
    /** A configuration section (server/config-store/): hash json, version, updatedAt, updatedBy. */
    configSection: (section: string) => `${prefix}config:section:${section}`,
    /** Channel on which a stored configuration change is announced (`<section> <version>`). */
    configChannel: `${prefix}config:changed`,
    /** The version of the data's layout: the last migration run (server/redis/migrations/). */
    schema: `${prefix}schema`,
    /** Held by the process that runs the migrations (its name), so several hubs starting together run them once. */
    schemaLock: `${prefix}schema:lock`,

    // Users, sessions, tokens, audit (server/auth). The alert scripts build the same names.
    /** A user: hash username, role, depts, name, hash, createdAt, disabled. */
    user: (username: string) => `${prefix}user:${username}`,
    /** Set of all user names. */
    users: `${prefix}users`,
    /** A session, by the sha256 of its cookie value: JSON, expires on its own. */
    session: (idHash: string) => `${prefix}session:${idHash}`,
    /** The session hashes of one user (set, expires with the newest session): ending them all at once. */
    userSessions: (username: string) => `${prefix}user-sessions:${username}`,
    /** Failed sign-ins of one user name from one IP in the current lockout window. */
    loginFailures: (username: string, ip: string) => `${prefix}auth:fail:${ip}:${username}`,
    /** Failed sign-ins (any user name) from one client address in the current lockout window. */
    loginFailuresOfAddress: (ip: string) => `${prefix}auth:fail-addr:${ip}`,
    /** One lockout in progress (`user|<ip>|<name>` or `address|<ip>`): hash of its refused attempts. */
    loginLock: (lock: string) => `${prefix}auth:lock:${lock}`,
    /** The lockouts in progress by their end (Redis time, ms): each becomes one audit entry when it ends. */
    loginLockEnds: `${prefix}auth:lock-ends`,
    /** Rotated or revoked ingest tokens: source → JSON (a salt, never the token). Overrides INGEST_TOKENS for that source. */
    ingestTokenStore: `${prefix}tokens:ingest`,
    /** The id (a fingerprint, not the key) of the deployment's hub secret: a hub with another one refuses to start. */
    hubSecretId: `${prefix}hub-secret-id`,
    /** Rotated or revoked screen tokens: screen name → JSON. Overrides SCREEN_TOKENS for that name. */
    screenTokenStore: `${prefix}tokens:screen`,
    /** When each token last authenticated: `ingest:<source>` / `screen:<name>` → ms; written at most once a minute per token and hub. */
    tokenLastUsed: `${prefix}tokens:last-used`,
    /** The audit trail (append-only Redis Stream). */
    audit: `${prefix}audit`,

    // Alerts (server/alerts)
    /** The events some alert rule watches (a copy, taken in the same ingest script as `stream`). */
    alertStream: `${prefix}events:alerts`,
    /** Consumer group of the alert engines on `alertStream`. */
    alertsGroup: 'alerts',
    /** One alert: JSON with its history. */
    alert: (id: string) => `${prefix}alert:${id}`,
    /** Alert id counter. */
    alertSeq: `${prefix}alerts:seq`,
    /** Pending alert timers: timer id → fire time (epoch ms). */
    alertTimers: `${prefix}alerts:timers`,
    /** What each pending timer fires: timer id → JSON. */
    alertTimerPayloads: `${prefix}alerts:timer`,
    /** How far each source has reported, per center (server/alerts/watermarks.ts): `<center>|<source>` → JSON {w, lag, seen}. */
    alertWatermarks: `${prefix}alerts:watermark`,
    /** Timers due by the clock that wait for their source's watermark: `day:<center>|<source>` or `any:…` → timer id by fire time. */
    alertsHeld: (held: string) => `${prefix}alerts:held:${held}`,
    /** Which held set holds a timer: timer id → `day:…` / `any:…`. */
    alertsHeldOf: `${prefix}alerts:held-of`,
    /** The sources that report each center's queues (`<center>|<source>` → hub ms when first seen): the capacity rule waits for them (server/alerts/capacity.ts). */
    alertsQueueSources: `${prefix}alerts:queue-sources`,
    /** Unresolved alert of each subject: subject → alert id. */
    alertActive: `${prefix}alerts:active`,
    /** All alerts by opening time; `alertsOfDept` per department; `alertsUnresolved` while open or acknowledged. */
    alertsAll: `${prefix}alerts:all`,
    alertsOfDept: (dept: string) => `${prefix}alerts:dept:${dept}`,
    alertsUnresolved: `${prefix}alerts:unresolved`,
    /** The alert engine's own view of a case (due day, suspension), by `<center>:<case>`. */
    alertCase: (caseId: string) => `${prefix}alerts:case:${caseId}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * SCAN patterns (MATCH) of every key that belongs to day `day` under `prefix`: the day totals,
 * hourly and per-minute counts and unique visitors of each scope (`agg`, `aggh`, `aggm`, `uv`), and
 * the state of the day's tickets (`t:<center>:<day>:<ticket>`, needed by the day's late events).
 * Rebuilding a day (server/archive/rebuild.ts) replaces exactly these; the month totals (`aggmo`)
 * hold several days and are adjusted, not replaced. Keep in step with the names above.
 */
export function dayKeyPatterns(prefix: string, day: number): string[] {
  const p = prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return [`${p}agg:*:${day}`, `${p}aggh:*:${day}`, `${p}aggm:*:${day}`, `${p}uv:*:${day}`, `${p}t:*:${day}:*`];
}
