/**
 * The aggregation loop of one hub process: it drains what ingest did not apply itself. A hub that
 * aggregates applies each batch in its append script when the group has nothing left to read
 * (server/ingest/append-events.lua), so this loop finds work only behind a backlog: events taken
 * by hubs with AGGREGATOR=off, taken while no hub aggregated, or after a restart. The backlog
 * script (aggregate-backlog.lua) reads the next entries for the consumer group and applies them in one atomic step; the
 * hub calls it while runs come back full, and checks again every `idleMs` otherwise. Several hub
 * processes share the work through the group; a crash of any of them leaves nothing half done.
 */
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import { holdsCall } from '../../common/live-calls.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { ScriptCommands } from '../redis/scripts.ts';
import { replyCode } from '../redis/store-failure.ts';
import { createBackgroundLoop } from '../util/background-loop.ts';

export interface AggregatorOptions {
  redis: RedisClient & ScriptCommands;
  keys: RedisKeys;
  log: Logger;
  /** Entries per script run: larger runs cost less per event but hold Redis longer. @default 500 */
  batchSize?: number;
  /**
   * How long to wait after a run that found the group caught up. Ingest applies its own batches,
   * so this bounds only how late a backlog's events are counted. @default 250
   */
  idleMs?: number;
  /** How long the stream keeps applied entries. */
  retentionMs: number;
  /** The hub's clock: the expiries of what a batch writes are counted from it. */
  now: () => number;
  /**
   * Called after each applied batch with the scopes whose numbers may have changed, and whether
   * it held a call (the walls show a call at once, from the backlog too: docs/realtime.md).
   */
  onApplied?: (scopes: Set<Scope>, applied: number, call: boolean) => void;
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
  const { redis, keys, log } = opts;
  const batchSize = opts.batchSize ?? 500;
  const idleMs = opts.idleMs ?? 250;
  const stats = { applied: 0, failed: 0, batches: 0 };
  const loop = createBackgroundLoop({
    async step() {
      const [applied, failed, touched, types] = await redis.ygApplyEvents(
        keys.stream,
        keys.deadLetters,
        keys.group,
        CONSUMER,
        keys.prefix,
        batchSize,
        opts.retentionMs,
        opts.now(),
      );
      if (applied + failed.length > 0) {
        stats.applied += applied;
        stats.failed += failed.length;
        stats.batches++;
        if (failed.length > 0) log.error({ failed }, 'events cannot be aggregated; moved to the dead-letter stream');
        if (applied > 0) opts.onApplied?.(new Set(touched as Scope[]), applied, holdsCall(types));
      }
      // a full run may have left more behind it; a short one took everything there was
      return applied + failed.length < batchSize ? idleMs : 0;
    },
    onError(err) {
      log.warn({ err: (err as Error).message }, 'aggregator: Redis call failed; retrying in 1 s');
      return 1000;
    },
  });

  return {
    stats,
    async start() {
      await ensureGroup(redis, keys);
      loop.start();
    },
    stop: () => loop.stop(),
  };
}

export async function ensureGroup(redis: RedisClient, keys: RedisKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  } catch (err) {
    if (replyCode(err) !== 'BUSYGROUP') throw err;
  }
}
