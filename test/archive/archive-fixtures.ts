/** What the archive tests share: a hub with the archive on (own Redis, own folder), and the stream and archive read back. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { ArchivedEntry } from '../../server/archive/archived-entry.ts';
import { createArchiveReader } from '../../server/archive/archive-reader.ts';
import { startHub, type Hub, type HubOptions } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
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
