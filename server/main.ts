/** `npm start`: read the configuration, make sure Redis is there, run the hub until a signal. */
import os from 'node:os';
import { ConfigError, loadConfig } from './config/env.ts';
import { startHub } from './hub.ts';
import { createLogger } from './observability/logger.ts';
import { RedisServerMissingError } from './redis/private-redis.ts';
import { startKeptPrivateRedis, type PrivateRedisKeeper } from './redis/private-redis-keeper.ts';
import type { RedisTarget } from './redis/connect.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let privateRedis: PrivateRedisKeeper | null = null;
  let target: RedisTarget;
  if (config.redis.kind === 'private') {
    const { maxmemoryBytes } = config.redis;
    // Redis's fork for an AOF rewrite can need as much again while pages are copied (docs/deploy.md)
    if (maxmemoryBytes === 0 || maxmemoryBytes > os.totalmem() * 0.6) {
      log.warn(
        `REDIS_MAXMEMORY is ${maxmemoryBytes === 0 ? 'off' : `${Math.round(maxmemoryBytes / 2 ** 20)} MiB`} on a machine with ${Math.round(os.totalmem() / 2 ** 20)} MiB: the kernel may kill Redis before Redis refuses writes; see docs/deploy.md "Redis memory"`,
      );
    }
    // restarted by the keeper if it dies, for as long as the hub runs
    privateRedis = await startKeptPrivateRedis({
      dir: config.redis.dir,
      maxmemoryBytes,
      log: (m) => log.info(m),
      ...(config.ingestDurability === 'fsync' ? { appendfsync: 'always' as const } : {}),
    });
    target = { kind: 'socket', path: privateRedis.socketPath };
  } else {
    target = config.redis;
  }
  const hub = await startHub({ config, redisTarget: target, log });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    let code = 0;
    try {
      await hub.stop();
    } catch (err) {
      code = 1;
      log.error({ err }, 'the hub did not stop cleanly');
    } finally {
      // the private Redis is ours to stop whatever happened above, or it outlives us
      await privateRedis?.stop().catch((err: unknown) => log.error({ err }, 'the private redis-server did not stop'));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RedisServerMissingError) {
    console.error(`yangguang: ${err.message}`);
    process.exit(78);
  }
  console.error(err);
  process.exit(1);
});
