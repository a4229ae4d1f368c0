/**
 * The aggregation loop of one hub process. The apply-events script reads the next entries of the
 * event stream for the consumer group and applies them in one atomic step, so the hub only drives
 * it: it calls the script while there is work, and otherwise waits for new entries. Several hub
 * processes share the work through the group; a crash of any of them leaves nothing half done.
 */
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';

export interface AggregatorOptions {
  redis: RedisClient & ScriptCommands;
  /** A separate connection for the blocking wait for new entries. */
  reader: RedisClient;
  keys: RedisKeys;
  log: Logger;
  /** Entries per script run: larger runs cost less per event but hold Redis longer. @default 500 */
  batchSize?: number;
  /** How long one wait for new entries blocks. @default 1000 */
  blockMs?: number;
  /** How long the stream keeps applied entries. */
  retentionMs: number;
  /** Called after each applied batch with the scopes whose numbers may have changed. */
  onApplied?: (scopes: Set<Scope>, applied: number) => void;
}

export interface Aggregator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Entries applied since start (for metrics and tests). */
  readonly stats: { applied: number; failed: number; batches: number };
}

/** With the read and the apply in one script nothing stays pending, so every hub reads as one consumer. */
const CONSUMER = 'apply';

export function createAggregator(opts: AggregatorOptions): Aggregator {
  const { redis, reader, keys, log } = opts;
  const batchSize = opts.batchSize ?? 500;
  const blockMs = opts.blockMs ?? 1_000;
  const stats = { applied: 0, failed: 0, batches: 0 };
  let running = false;
  let loop: Promise<void> | null = null;

  async function run(): Promise<void> {
    while (running) {
      try {
        const [applied, failed, touched, lastId] = await redis.ygApplyEvents(
          keys.stream, keys.deadLetters, keys.group, CONSUMER, keys.prefix, batchSize, opts.retentionMs,
        );
        if (applied + failed.length > 0) {
          stats.applied += applied;
          stats.failed += failed.length;
          stats.batches++;
          if (failed.length > 0) log.error({ failed }, 'events cannot be aggregated; moved to the dead-letter stream');
          if (applied > 0) opts.onApplied?.(new Set(touched as Scope[]), applied);
          // a short batch took everything there was: wait for the next entry rather than run the
          // script again for nothing (that doubled the script runs when ingest comes in batches)
          if (applied + failed.length >= batchSize) continue;
        }
        // Nothing new: wait until the stream has an entry after the group's position (another
        // hub may take it first; the next script run then finds nothing and we wait again).
        await reader.xread('COUNT', 1, 'BLOCK', blockMs, 'STREAMS', keys.stream, lastId);
      } catch (err) {
        if (!running) break;
        log.warn({ err: (err as Error).message }, 'aggregator: Redis call failed; retrying in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    stats,
    async start() {
      await ensureGroup(redis, keys);
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

export async function ensureGroup(redis: RedisClient, keys: RedisKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  } catch (err) {
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}
