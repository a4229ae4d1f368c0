/**
 * `npm run admin -- <command>`: users and tokens from the server's shell, against the same Redis
 * and configuration as the hub (REDIS_URL, REDIS_PREFIX, DATA_DIR …). Every change is audited
 * with the actor `cli:<os user>`. New tokens are printed once and never stored (a screen token as
 * its hash; an ingest token as a salt it is derived from with the hub secret, which the CLI reads
 * as the hub does: HUB_SECRET or DATA_DIR/hub-secret).
 */
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { USER_ROLES, type UserRole } from '../common/auth.ts';
import { createAuth } from '../server/auth/auth-service.ts';
import { indexCatalog, loadCatalog } from '../server/catalog/load-catalog.ts';
import { ConfigError, loadConfig } from '../server/config/env.ts';
import { createLogger } from '../server/observability/logger.ts';
import { connectRedis, waitForRedis, type RedisClient, type RedisTarget } from '../server/redis/connect.ts';
import { redisKeys, type RedisKeys } from '../server/redis/keys.ts';
import { describeStep, runMigrations, SchemaError, SCHEMA_VERSION } from '../server/redis/migrations/run-migrations.ts';
import { legacyIngestTokens, legacyTokenAdvice } from '../server/redis/migrations/legacy-ingest-tokens.ts';
import type { Catalog } from '../common/catalog.ts';
import { ensurePrivateRedis } from '../server/redis/private-redis.ts';
import { claimHubSecret, loadHubSecret } from '../server/auth/hub-secret.ts';
import { formatScope } from '../common/ingest-scope.ts';
import { ConfigCommandError, configCommand, currentCatalog, seedFilesOf } from './admin-config.ts';
import { RebuildUsageError, rebuildCommand } from './admin-rebuild.ts';

const USAGE = `usage: npm run admin -- <command> [options]

  add-user <username> --role leader|supervisor|admin [--depts a,b] [--name 姓名] [--password …]
  set-password <username> [--password …]      (without --password: read from stdin)
  disable-user <username> | enable-user <username>
  list-users
  rotate-ingest-token <source> [--centers yiyang,heshan|all] [--types 'ticket.*,window.status'|all]
                                               prints the new token; the old one stops working;
                                               without --centers/--types the current scope is kept
  revoke-ingest-token <source>
  rotate-screen-token <name> [scope]           scope: city, center:<code>, dept:<code>, window:<code>
  revoke-screen-token <name>
  list-tokens
  adopt-hub-secret                             records this hub secret as the deployment's (after
                                               changing it on purpose; docs/deploy.md)
  audit [--limit n] [--action a] [--actor u]
  config export [--dir D] [--section S]       writes the configuration sections as the files of config/
                                               (default D: config; the catalog as catalog/*.json)
  config import [--dir D] [--section S]       checks every section read from D against the others,
                                               then stores them all or nothing; every hub applies
                                               them within 2 s (docs/admin.md)
  migrate [--dry-run] [--again]                brings the data an older release left in Redis to this
                                               release's layout, as a hub does when it starts;
                                               --dry-run prints what it would change, changing
                                               nothing; --again runs every migration, whatever
                                               the schema version says (docs/deploy.md, "Upgrading")
  rebuild --from YYYY-MM-DD [--to YYYY-MM-DD]  recomputes every aggregate of those days from the event
                                               archive and swaps each day in atomically while the hubs
                                               serve; also restores the figures of a lost Redis
                                               (docs/archive.md, "Rebuild")`;

class UsageError extends Error {
  override name = 'UsageError';
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new UsageError('no password given: pass --password or write it to stdin');
}

/** `migrate`: the hub's start-up migration by hand, or its plan (server/redis/migrations/). */
async function migrate(opts: { redis: RedisClient; keys: RedisKeys; catalog: Catalog; dryRun: boolean; again: boolean }): Promise<void> {
  const run = await runMigrations({
    ...opts,
    now: Date.now,
    // the report is printed below; of the progress, only a wait for another process is news
    log: {
      info: (m) => {
        if (m.includes('waiting for')) console.error(`admin: ${m}`);
      },
      warn: () => undefined,
    },
  });
  if (run.outcome === 'current') {
    console.log(`${opts.keys.schema} is ${run.to}, the version this release reads: nothing to do (--again runs every migration once more)`);
  } else if (run.outcome === 'waited') {
    console.log(`${opts.keys.schema} is ${run.to}: another process migrated the data meanwhile`);
  } else {
    console.log(
      opts.dryRun
        ? `dry run, nothing changed: ${opts.keys.schema} is ${run.from}; this release reads ${SCHEMA_VERSION}`
        : `${opts.keys.schema}: ${run.from} → ${run.to}`,
    );
  }
  for (const { migration, report } of run.steps) {
    for (const line of describeStep(migration, report, opts.dryRun)) console.log(line);
    for (const e of report.examples) console.log(`  e.g. ${e}`);
    if (report.exampleCount > report.examples.length) console.log(`  … ${report.exampleCount - report.examples.length} more`);
    for (const p of report.problems) console.log(`  left as it is: ${p}`);
    if (report.problemCount > report.problems.length) console.log(`  … ${report.problemCount - report.problems.length} more left as they are`);
  }
  const legacy = opts.dryRun || run.outcome === 'ran' ? run.legacyIngestTokens : await legacyIngestTokens(opts.redis, opts.keys);
  if (legacy.length > 0) console.log(legacyTokenAdvice(legacy));
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      depts: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      limit: { type: 'string' },
      action: { type: 'string' },
      actor: { type: 'string' },
      centers: { type: 'string' },
      types: { type: 'string' },
      'dry-run': { type: 'boolean' },
      dir: { type: 'string' },
      section: { type: 'string' },
      again: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const [command, arg1, arg2] = positionals;
  if (!command || command === 'help') {
    console.log(USAGE);
    return;
  }
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new UsageError(`${command} needs ${what}\n\n${USAGE}`);
    return v;
  };

  const config = loadConfig();
  let target: RedisTarget;
  let stopRedis: () => Promise<void> = async () => undefined;
  if (config.redis.kind === 'private') {
    const priv = await ensurePrivateRedis({ dir: config.redis.dir, maxmemoryBytes: config.redis.maxmemoryBytes });
    target = { kind: 'socket', path: priv.socketPath };
    stopRedis = priv.stop;
  } else {
    target = config.redis;
  }
  const redis = connectRedis(target, { name: 'yg-admin-cli' });
  await waitForRedis(redis);
  const keys = redisKeys(config.keyPrefix);
  if (command === 'migrate') {
    // needs no hub secret: it must not claim one for the deployment
    try {
      await migrate({ redis, keys, catalog: loadCatalog(config.catalogDir).catalog, dryRun: values['dry-run'] === true, again: values.again === true });
    } finally {
      redis.disconnect();
      await stopRedis();
    }
    return;
  }
  if (command === 'rebuild') {
    try {
      await rebuildCommand({ redis, keys, config, from: values.from, to: values.to, print: (line) => console.log(line) });
    } finally {
      redis.disconnect();
      await stopRedis();
    }
    return;
  }
  if (command === 'config') {
    // the configuration needs no hub secret either
    try {
      await configCommand({
        redis,
        keys,
        seed: seedFilesOf(config),
        action: arg1,
        dir: values.dir ?? 'config',
        section: values.section,
        actor: `cli:${os.userInfo().username}`,
        print: (line) => console.log(line),
      });
    } finally {
      redis.disconnect();
      await stopRedis();
    }
    return;
  }
  const hubSecret = loadHubSecret({ hubSecret: config.hubSecret, dataDir: config.dataDir });
  if (hubSecret.warning) console.error(`admin: ${hubSecret.warning}`);
  if (command === 'adopt-hub-secret') {
    await redis.set(keys.hubSecretId, hubSecret.id);
    console.log(`hub secret ${hubSecret.id} is now this deployment's; rotate again every ingest token list-tokens marks`);
  } else {
    // a CLI with another secret would print ingest tokens no hub accepts
    await claimHubSecret(redis, keys, hubSecret);
  }
  const auth = createAuth({
    redis,
    keys,
    // the catalog as the hubs have it (the configuration in Redis; seeded from the files when empty)
    catalog: indexCatalog(await currentCatalog(redis, keys, config)),
    log: createLogger('silent'),
    now: Date.now,
    ingestTokens: config.ingestTokens,
    hubSecret,
    screenTokens: config.screenTokens,
    adminPassword: undefined,
  });
  await auth.tokens.refresh();
  const by = { actor: `cli:${os.userInfo().username}`, ip: 'local' };
  try {
    switch (command) {
      case 'add-user': {
        const role = need(values.role, '--role') as UserRole;
        if (!USER_ROLES.includes(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
        const user = await auth.users.create({
          username: need(arg1, 'a user name'),
          role,
          password: values.password ?? (await readPassword()),
          depts: values.depts ? values.depts.split(',').map((d) => d.trim()) : [],
          ...(values.name ? { name: values.name } : {}),
        });
        await auth.audit.record({ ...by, action: 'user.created', target: user.username, detail: { role: user.role, depts: user.depts } });
        console.log(`added ${user.role} ${user.username}${user.depts.length ? ` (${user.depts.join(', ')})` : ''}`);
        break;
      }
      case 'set-password': {
        const username = need(arg1, 'a user name');
        await auth.users.setPassword(username, values.password ?? (await readPassword()));
        await auth.audit.record({ ...by, action: 'user.password-set', target: username });
        console.log(`password of ${username} set; their sessions have ended`);
        break;
      }
      case 'disable-user':
      case 'enable-user': {
        const username = need(arg1, 'a user name');
        const disabled = command === 'disable-user';
        await auth.users.setDisabled(username, disabled);
        await auth.audit.record({ ...by, action: disabled ? 'user.disabled' : 'user.enabled', target: username });
        console.log(`${username} ${disabled ? 'disabled' : 'enabled'}`);
        break;
      }
      case 'list-users':
        for (const u of await auth.users.list()) console.log([u.username, u.role, u.depts.join(',') || '-', u.name, u.disabled ? 'disabled' : ''].join('\t'));
        break;
      case 'rotate-ingest-token': {
        const list = (v: string | undefined) =>
          v === undefined
            ? undefined
            : v === 'all'
              ? null
              : v
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean);
        const { token } = await auth.tokens.rotateIngest(need(arg1, 'a source name'), { centers: list(values.centers), types: list(values.types) }, by);
        console.log(token);
        break;
      }
      case 'revoke-ingest-token':
        await auth.tokens.revokeIngest(need(arg1, 'a source name'), by);
        console.log(`ingest token of ${arg1} revoked`);
        break;
      case 'rotate-screen-token':
        console.log(await auth.tokens.rotateScreen(need(arg1, 'a screen name'), arg2 ?? null, by));
        break;
      case 'revoke-screen-token':
        await auth.tokens.revokeScreen(need(arg1, 'a screen name'), by);
        console.log(`screen token of ${arg1} revoked`);
        break;
      case 'list-tokens': {
        const { ingest, screen } = await auth.tokens.list();
        for (const t of ingest) {
          const scope = formatScope({ ...(t.centers ? { centers: t.centers } : {}), ...(t.types ? { types: t.types } : {}) }) || 'all';
          console.log(
            ['ingest', t.name, t.origin, t.origin === 'revoked' ? '-' : scope, t.by ?? '', t.at ? new Date(t.at).toISOString() : '', t.note ?? ''].join('\t'),
          );
        }
        for (const t of screen) console.log(['screen', t.name, t.origin, t.scope ?? 'city', t.by ?? '', t.at ? new Date(t.at).toISOString() : ''].join('\t'));
        break;
      }
      case 'adopt-hub-secret':
        break;
      case 'audit':
        for (const e of await auth.audit.read({ limit: values.limit ? Number(values.limit) : 50, action: values.action, actor: values.actor })) {
          console.log([new Date(e.at).toISOString(), e.actor, e.action, e.target, e.ip, JSON.stringify(e.detail ?? {})].join('\t'));
        }
        break;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    redis.disconnect();
    await stopRedis();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as Error;
  const expected =
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof SchemaError ||
    err instanceof ConfigCommandError ||
    err instanceof RebuildUsageError ||
    ['UserInputError', 'WeakPasswordError', 'TokenInputError', 'ScopeInputError'].includes(e.name);
  console.error(`admin: ${expected ? e.message : e.stack}`);
  process.exit(expected ? 2 : 1);
});
