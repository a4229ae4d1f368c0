/**
 * Brings what Redis holds to the layout this release reads, once, before the hub reads or writes
 * anything else (server/hub.ts), or by hand: `npm run admin -- migrate [--dry-run] [--again]`.
 *
 * `<prefix>schema` holds the version of the data: the last migration run (absent: 0, data of a
 * release before migrations existed, or no data yet). The migrations that follow it run in order,
 * each moving the version on when it is done. Several hubs starting together run them once: the
 * first takes `<prefix>schema:lock` (renewed while it works, expires when its holder dies) and the
 * others wait until the version is current, or the lock is free again (then one of them goes on
 * where the first stopped). Every migration is safe to run again and to stop anywhere (see
 * migration.ts), so a lost lock or an interrupted run costs nothing but the time.
 *
 * Data of a newer release (a version above this release's) stops the hub: this release would
 * read it wrong.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Catalog } from '../../../common/catalog.ts';
import type { RedisClient } from '../connect.ts';
import type { RedisKeys } from '../keys.ts';
import { caseKeysWithCenter } from './001-case-keys-with-center.ts';
import { alertCasesWithCenter } from './002-alert-cases-with-center.ts';
import { alertExpiry } from './003-alert-expiry.ts';
import { legacyIngestTokens, legacyTokenAdvice } from './legacy-ingest-tokens.ts';
import { centerLookup, StepReport, type Migration, type MigrationLog } from './migration.ts';

/** Every migration, in version order. */
export const MIGRATIONS: readonly Migration[] = [caseKeysWithCenter, alertCasesWithCenter, alertExpiry];
/** The data version this release reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class SchemaError extends Error {
  override name = 'SchemaError';
}

export interface MigrationOptions {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: Catalog;
  log: MigrationLog;
  now: () => number;
  /** Plan and report, change nothing (no lock taken). */
  dryRun?: boolean;
  /** Run every migration, whatever the version says (after a hub of an older release wrote again). */
  again?: boolean;
  /** @default 30000 */
  lockTtlMs?: number;
  /** How often a waiting hub looks again. @default 250 */
  pollMs?: number;
}

export interface MigrationRun {
  /** The version found, and the version left. */
  from: number;
  to: number;
  /** ran: this process ran them; waited: another process did; current: nothing to do; dry-run. */
  outcome: 'ran' | 'waited' | 'current' | 'dry-run';
  steps: { migration: Migration; report: StepReport }[];
  /** Sources whose ingest token must be rotated for signing (legacy-ingest-tokens.ts). */
  legacyIngestTokens: string[];
}

const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const SET_VERSION_LUA = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return v`;

async function readVersion(redis: RedisClient, keys: RedisKeys): Promise<number> {
  const raw = await redis.get(keys.schema);
  if (raw === null) return 0;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0)
    throw new SchemaError(`${keys.schema} holds "${raw}", not a schema version; set it right (0 runs every migration again) and start again`);
  if (v > SCHEMA_VERSION) {
    throw new SchemaError(
      `Redis holds data of schema ${v} (${keys.schema}), and this release reads schema ${SCHEMA_VERSION}: a newer release wrote it. Run that release, or restore a backup taken before it`,
    );
  }
  return v;
}

export async function runMigrations(opts: MigrationOptions): Promise<MigrationRun> {
  const { redis, keys, log } = opts;
  const lockTtlMs = opts.lockTtlMs ?? 30_000;
  const pollMs = opts.pollMs ?? 250;
  const ctx = { redis, keys, centers: centerLookup(opts.catalog), now: opts.now, log, dryRun: Boolean(opts.dryRun) };
  const pending = (v: number) => MIGRATIONS.filter((m) => opts.again || m.version > v);

  if (opts.dryRun) {
    const from = await readVersion(redis, keys);
    const steps = [];
    for (const migration of pending(from)) steps.push({ migration, report: await migration.run(ctx) });
    return { from, to: from, outcome: 'dry-run', steps, legacyIngestTokens: await legacyIngestTokens(redis, keys) };
  }

  const holder = `${os.hostname()} pid ${process.pid} ${crypto.randomBytes(4).toString('hex')}`;
  const first = await readVersion(redis, keys);
  let waited = false;
  for (;;) {
    const version = await readVersion(redis, keys);
    if (!opts.again && version >= SCHEMA_VERSION)
      return { from: first, to: version, outcome: waited ? 'waited' : 'current', steps: [], legacyIngestTokens: [] };
    if ((await redis.set(keys.schemaLock, holder, 'PX', lockTtlMs, 'NX')) === 'OK') break;
    if (!waited) log.info(`schema migration: waiting for ${(await redis.get(keys.schemaLock)) ?? 'another process'}, which is migrating ${keys.prefix}`);
    waited = true;
    await new Promise((r) => setTimeout(r, pollMs));
  }

  // ours until released or expired: renewed while the migrations run
  let lost = false;
  const renew = setInterval(
    () => {
      redis.eval(RENEW_LUA, 1, keys.schemaLock, holder, lockTtlMs).then(
        (ok) => {
          if (ok === 1 || lost) return;
          lost = true;
          log.warn('schema migration: lost its lock (Redis did not answer in time); carrying on: each change is checked again where it is written');
        },
        () => undefined,
      );
    },
    Math.max(100, Math.floor(lockTtlMs / 3)),
  );
  try {
    const from = await readVersion(redis, keys);
    const todo = pending(from);
    // another process finished between our look and our lock
    if (todo.length === 0) return { from: first, to: from, outcome: 'waited', steps: [], legacyIngestTokens: [] };
    if (from === 0 && !opts.again && (await redis.exists(keys.stream, keys.alertStream, keys.alertSeq)) === 0) {
      // every release made the event log at its first start or event: without it, nothing was written yet
      await redis.eval(SET_VERSION_LUA, 1, keys.schema, SCHEMA_VERSION);
      log.info(`schema migration: ${keys.prefix} holds no data of an older release; schema set to ${SCHEMA_VERSION}`);
      return { from, to: SCHEMA_VERSION, outcome: 'ran', steps: [], legacyIngestTokens: [] };
    }
    log.info(`schema migration of ${keys.prefix}: data at schema ${from}, this release reads ${SCHEMA_VERSION}${opts.again ? ' (every migration again)' : ''}`);
    const steps: MigrationRun['steps'] = [];
    for (const migration of todo) {
      const started = Date.now();
      const report = await migration.run(ctx);
      await redis.eval(SET_VERSION_LUA, 1, keys.schema, migration.version);
      steps.push({ migration, report });
      for (const line of describeStep(migration, report, false)) log.info(line);
      for (const p of report.problems) log.warn(`schema migration ${migration.version}: ${p}`);
      if (report.problemCount > report.problems.length)
        log.warn(`schema migration ${migration.version}: and ${report.problemCount - report.problems.length} more not listed`);
      log.info(`schema migration ${migration.version} done in ${Date.now() - started} ms`);
    }
    const legacy = await legacyIngestTokens(redis, keys);
    if (legacy.length > 0) log.warn(legacyTokenAdvice(legacy));
    return { from, to: await readVersion(redis, keys), outcome: 'ran', steps, legacyIngestTokens: legacy };
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE_LUA, 1, keys.schemaLock, holder).catch(() => undefined);
  }
}

/** A step's report as lines (the hub's log, the admin CLI). */
export function describeStep(migration: Migration, report: StepReport, dryRun: boolean): string[] {
  const lines = [
    `schema migration ${migration.version} (${migration.name}): ${report.unchanged ? (dryRun ? 'would change nothing' : 'changed nothing') : ''}`.trimEnd(),
  ];
  for (const [what, n] of report.changed) lines.push(`  ${what}: ${n}`);
  for (const [what, n] of report.found) lines.push(`  (${what}: ${n})`);
  return lines;
}
