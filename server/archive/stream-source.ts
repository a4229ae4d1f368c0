/**
 * An ArchiveSource over the Redis event stream itself: the same {sid, record} the archive keeps, for
 * the days the stream still holds (EVENT_LOG_DAYS, 3 by default). Rebuild and time travel use it for
 * recent days and to catch up past the archive's last entry; tests use it as an archive.
 */
import { startOfDayMs } from '../../common/time.ts';
import type { StreamRecord } from '../ingest/enrich-event.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { inTimeWindow, type ArchiveSource, type ArchivedEntry, type EntryRange } from './archived-entry.ts';
import { sidBefore } from './archive-layout.ts';

/** Entries per XRANGE call. */
const PAGE = 5000;

export interface StreamRange extends EntryRange {
  /** Only entries after this stream id (exclusive). */
  after?: string;
  /** Only entries up to this stream id (inclusive). */
  until?: string;
}

/**
 * The stream's entries whose event day (and time, when bounded) is in the range, in stream order.
 * The stream is ordered by arrival, not event time, so a time bound cannot narrow the XRANGE: it
 * filters each record (the ids bound the reading).
 */
export async function* streamEntries(redis: RedisClient, keys: RedisKeys, range: StreamRange): AsyncGenerator<ArchivedEntry> {
  let start = range.after ? `(${range.after}` : '-';
  const end = range.until ?? '+';
  for (;;) {
    const page = await redis.xrange(keys.stream, start, end, 'COUNT', PAGE);
    for (const [sid, fields] of page) {
      const i = fields.indexOf('r');
      if (i < 0) continue;
      const json = fields[i + 1]!;
      let record: StreamRecord;
      try {
        record = JSON.parse(json) as StreamRecord;
      } catch {
        continue; // unreadable: the live aggregation dead-lettered it
      }
      if (record.day >= range.fromDay && record.day <= range.toDay && inTimeWindow(range, record.ms)) yield { sid, record, json };
    }
    if (page.length < PAGE) return;
    start = `(${page[page.length - 1]![0]}`;
  }
}

export function streamArchiveSource(redis: RedisClient, keys: RedisKeys): ArchiveSource {
  return { entries: (range) => streamEntries(redis, keys, range) };
}

/** Events of a day arrive at most this long before the day begins (a source's clock a little ahead). */
const EARLY_ARRIVAL_MS = 3600_000;

/**
 * The archive, then what the stream holds past the archive's last entry: the archive writer lags
 * the stream by up to a segment, and the last few days are in the stream anyway. With no archived
 * entry the stream is read from shortly before the range's first day (stream ids are Redis's clock;
 * `now`, the hub's clock, maps the day onto it), not from its start three days back.
 *
 * A time-bounded read yields only some of the archive's entries, so its last one is not where the
 * archive ends: the stream is read after the archive writer's cursor (every entry up to it is in
 * the archive, and those inside the window were read from there) or after the last entry read,
 * whichever is later, so neither an entry is read twice nor the whole stream past the window's
 * first hour parsed.
 */
export function archiveThenStream(archive: ArchiveSource | null, redis: RedisClient, keys: RedisKeys, now?: () => number): ArchiveSource {
  return {
    async *entries(range) {
      let last: string | undefined;
      if (archive) {
        for await (const entry of archive.entries(range)) {
          last = entry.sid;
          yield entry;
        }
        if (range.untilMs !== undefined || range.afterMs !== undefined) {
          const cursor = await redis.get(keys.archiveCursor);
          if (cursor && /^\d+-\d+$/.test(cursor) && cursor !== '0-0' && (last === undefined || sidBefore(last, cursor))) last = cursor;
        }
      }
      if (last === undefined && now) {
        const [sec, usec] = await redis.time();
        const redisNow = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
        const from = redisNow - (now() - startOfDayMs(range.fromDay)) - EARLY_ARRIVAL_MS;
        if (from > 0) last = `${from}-0`;
      }
      yield* streamEntries(redis, keys, { ...range, after: last });
    },
  };
}
