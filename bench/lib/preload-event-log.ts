/**
 * Gives the bench's Redis what a production Redis holds in steady state: the event log of
 * EVENT_LOG_DAYS days (3 by default, about 320,000 events a day at the center), already applied,
 * and an AOF rewritten once since.
 *
 * Why: Redis rewrites its AOF when the file has grown by 100% of what the last rewrite left. From an
 * empty Redis that base is a few MB, so under a sustained load Redis forked and rewrote every few
 * seconds (8 to 10 times in a quick run, a whole core each on a 2-core machine), which a production
 * Redis with a 3-day log (a base of some 300 MB) does not. Production also keeps DEDUPE_DAYS of seen
 * ids, so its base is larger still and its rewrites rarer: this preload is the conservative side.
 */
import type { Redis } from 'ioredis';
import { eventSchema } from '../../common/events.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { enrichEvent, recordJson } from '../../server/ingest/enrich-event.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { createMixer } from './event-mix.ts';
import { rewriteAof } from './processes.ts';

export const CENTER_EVENTS_PER_DAY = 320_000;

export interface PreloadResult {
  events: number;
  seconds: number;
  memoryMiB: number;
  aofBaseMiB: number;
}

/** Fills `<prefix>events` with `events` stream records and places the aggregators' group after them. */
export async function preloadEventLog(redis: Redis, prefix: string, events: number): Promise<PreloadResult> {
  const started = performance.now();
  const keys = redisKeys(prefix);
  const catalog = loadCatalog('config/catalog');
  const mixer = createMixer(`preload${Date.now()}`);
  const CHUNK = 2_000;
  let inFlight: Promise<unknown> | null = null;
  for (let done = 0; done < events; done += CHUNK) {
    const pipeline = redis.pipeline();
    for (let n = 0; n < CHUNK; n += 100) {
      for (const raw of mixer.batch(100, Date.now()).events) {
        const record = enrichEvent(eventSchema.parse(raw), catalog);
        pipeline.xadd(keys.stream, '*', 'r', recordJson(record));
      }
    }
    // one chunk in flight while the next is built
    await inFlight;
    inFlight = pipeline.exec();
  }
  await inFlight;
  // the log is history: the hub's aggregators start after it, as they would in production
  await redis.xgroup('CREATE', keys.stream, keys.group, '$');
  await rewriteAof(redis);
  const memory = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
  const base = Number(/aof_base_size:(\d+)/.exec(await redis.info('persistence'))?.[1] ?? 0);
  return { events, seconds: (performance.now() - started) / 1000, memoryMiB: memory / 2 ** 20, aofBaseMiB: base / 2 ** 20 };
}
