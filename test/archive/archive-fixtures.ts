/**
 * What the archive tests share: a redis-server of each test's own, a hub with the archive on (own
 * folder), stream entries of past hours and a writer that seals them, and the stream and archive
 * read back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach } from 'vitest';
import { eventSchema } from '../../common/events.ts';
import { toShanghaiIso } from '../../common/time.ts';
import type { ArchivedEntry } from '../../server/archive/archived-entry.ts';
import { createArchiveReader } from '../../server/archive/archive-reader.ts';
import { createArchiveWriter, type ArchiveWriter } from '../../server/archive/archive-writer.ts';
import { withReplayScripts, type ReplayRedis } from '../../server/archive/replay-core.ts';
import { indexCatalog, loadCatalog } from '../../server/catalog/load-catalog.ts';
import { startHub, type Hub, type HubOptions } from '../../server/hub.ts';
import { enrichEvent, recordJson } from '../../server/ingest/enrich-event.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { connectRedis, waitForRedis } from '../../server/redis/connect.ts';
import type { RedisKeys } from '../../server/redis/keys.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { testNow } from '../helpers/test-clock.ts';
import { testConfig } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const made: string[] = [];
export function tempArchiveDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-archive-'));
  made.push(dir);
  return dir;
}

/** Removes the folders tempArchiveDir made (after the hubs using them stopped). */
export function removeTempArchiveDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A redis-server of each test's own (a fresh stream, lease and cursor), started before each test of
 * the file and stopped after it, with the folders of tempArchiveDir removed. The object answers
 * for the server of the test that is running.
 */
export function ownRedisEachTest(): DedicatedRedis {
  let current: DedicatedRedis | undefined;
  beforeEach(async () => {
    current = await startDedicatedRedis();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
    removeTempArchiveDirs();
  });
  const running = (): DedicatedRedis => {
    if (!current) throw new Error('no redis-server outside a test');
    return current;
  };
  return {
    get port() {
      return running().port;
    },
    get url() {
      return running().url;
    },
    get pid() {
      return running().pid;
    },
    get dir() {
      return running().dir;
    },
    get client() {
      return running().client;
    },
    freeDisk: () => running().freeDisk(),
    stop: () => running().stop(),
  };
}

export async function startArchivingHub(
  prefix: string,
  redisUrl: string,
  dir: string,
  opts: { now?: () => number; env?: Record<string, string>; archive?: HubOptions['archive'] } = {},
): Promise<Hub> {
  return startHub({
    config: testConfig(prefix, { ARCHIVE: 'on', ARCHIVE_DIR: dir, DATA_DIR: dir, ...opts.env }),
    redisTarget: { kind: 'url', url: redisUrl },
    log: createLogger('silent'),
    aggregator: { idleMs: 50 },
    archive: { idleMs: 20, leaseMs: 2000, ...opts.archive },
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/** Every entry of the stream: its id and record. */
export async function streamEntries(redis: Redis, stream: string): Promise<{ sid: string; record: ArchivedEntry['record'] }[]> {
  const out: { sid: string; record: ArchivedEntry['record'] }[] = [];
  let from = '-';
  for (;;) {
    const page = (await redis.xrange(stream, from, '+', 'COUNT', 5000)) as [string, string[]][];
    for (const [sid, fields] of page) {
      if (from !== '-' && sid === from.slice(1)) continue;
      out.push({ sid, record: JSON.parse(fields[fields.indexOf('r') + 1]!) as ArchivedEntry['record'] });
    }
    if (page.length < 5000) return out;
    from = `(${page[page.length - 1]![0]}`;
  }
}

/** What the archive holds of the days, in the order it reads them. */
export async function archived(dir: string, fromDay: number, toDay: number): Promise<ArchivedEntry[]> {
  const out: ArchivedEntry[] = [];
  // as the stream holds them ({sid, record}; the archive's JSON text beside the record left out)
  for await (const { sid, record } of createArchiveReader({ dir }).entries({ fromDay, toDay })) out.push({ sid, record });
  return out;
}

/** Waits until the archive's cursor is the stream's last id (every entry written). */
export async function archiveCaughtUp(redis: Redis, prefix: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the archive to hold the whole stream',
    async () => {
      const [cursor, last] = await Promise.all([redis.get(`${prefix}archive:cursor`), redis.xrevrange(`${prefix}events`, '+', '-', 'COUNT', 1)]);
      return last.length > 0 && cursor === last[0]![0];
    },
    timeoutMs,
  );
}

const catalog = indexCatalog(loadCatalog('config/catalog').catalog);

/** An event as the stream holds it: validated and enriched as ingest does (enrichEvent), serialised once. */
export function streamRecord(event: Record<string, unknown>): string {
  return recordJson(enrichEvent(eventSchema.parse(event), catalog));
}

/** A page view with the id `id` at `ms` (its event day and time), as the stream holds it. */
export function hitRecord(id: string, ms: number): string {
  return streamRecord({ ...ev.hit(toShanghaiIso(ms), 'v1'), id });
}

/** The Redis server's clock (whole seconds, in ms): the stream ids' clock, by which an hour is over and sealed. */
export async function redisClockMs(redis: Redis): Promise<number> {
  const [sec] = await redis.time();
  return Number(sec) * 1000;
}

/**
 * Appends records with the ids of their arrival instants (`<ms>-<n>`, n their place in the list),
 * so they sit in hours that are over by the Redis clock, as entries appended then would.
 */
export async function appendArrived(redis: Redis, keys: RedisKeys, entries: [arrivalMs: number, record: string][]): Promise<void> {
  for (const [i, [ms, record]] of entries.entries()) await redis.xadd(keys.stream, `${ms}-${i}`, 'r', record);
}

/**
 * Runs an archive writer at the tests' pace (keepDays 400, the test clock) over the stream of
 * `keys` on its own connection until `done` holds of it, then stops it; its stats are returned.
 */
export async function runArchiveWriter(
  redisUrl: string,
  keys: RedisKeys,
  dir: string,
  what: string,
  done: (writer: ArchiveWriter) => boolean | Promise<boolean>,
): Promise<ArchiveWriter['stats']> {
  const client = connectRedis({ kind: 'url', url: redisUrl }, { name: 'archive-test', commandTimeoutMs: 5000 });
  const writer = createArchiveWriter({ redis: client, keys, log: createLogger('silent'), dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
  writer.start();
  try {
    await waitFor(what, () => done(writer));
  } finally {
    await writer.stop();
    client.disconnect();
  }
  return writer.stats;
}

/**
 * ownRedisEachTest, with a client that has the replay scripts (time travel, rebuild) on it: connected
 * after each test's redis-server starts, disconnected before it stops.
 */
export function replayRedisEachTest(name: string): { redis: DedicatedRedis; readonly client: ReplayRedis } {
  const redis = ownRedisEachTest();
  let current: ReplayRedis | undefined;
  beforeEach(async () => {
    current = withReplayScripts(connectRedis({ kind: 'url', url: redis.url }, { name, commandTimeoutMs: 10_000 }));
    await waitForRedis(current);
  });
  afterEach(() => {
    current?.disconnect();
    current = undefined;
  });
  return {
    redis,
    get client() {
      if (!current) throw new Error('no replay client outside a test');
      return current;
    },
  };
}
