/** `npm start`: read the configuration, make sure Redis is there, run the hub until a signal. */
import { ConfigError, loadConfig } from './config/env.ts';
import { startHub } from './hub.ts';
import { createLogger } from './observability/logger.ts';
import { ensurePrivateRedis, RedisServerMissingError, type PrivateRedis } from './redis/private-redis.ts';
import type { RedisTarget } from './redis/connect.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let privateRedis: PrivateRedis | null = null;
  let target: RedisTarget;
  if (config.redis.kind === 'private') {
    privateRedis = await ensurePrivateRedis({
      dir: config.redis.dir,
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
