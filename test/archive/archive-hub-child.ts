/**
 * A hub in a process of its own, with the archive on and the test clock, for the tests that kill
 * one (test/archive/archive-crash.test.ts). Prints `READY <url>` once it listens.
 *   CHILD_PREFIX, CHILD_REDIS_URL, CHILD_ARCHIVE_DIR
 */
import { loadConfig } from '../../server/config/env.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { INGEST_TOKENS_ENV } from '../../support/source-tokens.ts';
import { testNow } from '../helpers/test-clock.ts';

const dir = process.env.CHILD_ARCHIVE_DIR!;
const hub = await startHub({
  config: loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: process.env.CHILD_PREFIX!,
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    INGEST_TOKENS: INGEST_TOKENS_ENV,
    REPORT_SCHEDULE: 'off',
    DATA_DIR: dir,
    ARCHIVE: 'on',
    ARCHIVE_DIR: dir,
  }),
  redisTarget: { kind: 'url', url: process.env.CHILD_REDIS_URL! },
  log: createLogger('silent'),
  now: testNow,
  aggregator: { idleMs: 50 },
  // small steps: many append-then-move-the-cursor cycles for a kill to fall between
  archive: { idleMs: 10, leaseMs: 1500, batchSize: 40 },
});
console.log(`READY ${hub.url}`);
process.on('SIGTERM', () => void hub.stop().then(() => process.exit(0)));
