/**
 * Time travel over a sealed archive reads a day only as far as each instant needs (bounded reads,
 * extended as later instants come): its answers must be those of reading the whole window at once.
 * The day's events reach the stream with ids of past hours (so the writer seals those hours), some
 * of them late: an event of 08:20 arriving with those of 10:00, one of 09:10 with those of 11:00.
 * Each answer of one time travel, moving forward and back, is compared with a fresh time travel
 * that reads the instant's events in one go from a source that opens every segment.
 */
import { describe, expect, it } from 'vitest';
import { segmentOfMs } from '../../server/archive/archive-layout.ts';
import { createArchiveReader } from '../../server/archive/archive-reader.ts';
import { inTimeWindow, type ArchiveSource } from '../../server/archive/archived-entry.ts';
import { withReplayScripts } from '../../server/archive/replay-core.ts';
import { createTimeTravel } from '../../server/archive/time-travel.ts';
import { indexCatalog, loadCatalog } from '../../server/catalog/load-catalog.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { connectRedis, waitForRedis } from '../../server/redis/connect.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock, instant } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { appendArrived, ownRedisEachTest, redisClockMs, runArchiveWriter, streamRecord, tempArchiveDir } from './archive-fixtures.ts';

const redis = ownRedisEachTest();
const HOUR = 3_600_000;
const Y = dayFromToday(-1);
const catalog = indexCatalog(loadCatalog('config/catalog').catalog);
const log = createLogger('silent');

// [arrival hour: hours before now by the Redis clock, event]
const story: [number, Record<string, unknown>][] = [
  [5, ev.windowStatus(at('08:05', Y), 'open')],
  [5, ev.issued(at('08:10', Y), 'A001')],
  [5, ev.hit(at('08:15', Y), 'v1')],
  [4, ev.called(at('09:00', Y), 'A001')],
  [4, ev.started(at('09:01', Y), 'A001')],
  [4, ev.issued(at('09:30', Y), 'A002')],
  [3, ev.finished(at('10:00', Y), 'A001')],
  [3, ev.rating(at('10:05', Y), 5)],
  [3, ev.hit(at('08:20', Y), 'v2')], // late: arrived about two hours after its time
  [3, ev.issued(at('10:40', Y), 'A003')],
  [2, ev.called(at('11:00', Y), 'A002')],
  [2, ev.windowStatus(at('09:10', Y), 'paused', 'yiyang.w002')], // late
  [2, ev.trade(at('11:20', Y), 300)],
];

describe('time travel over a sealed archive', () => {
  it('answers each instant, forward and back, as a reading of all its events at once does, late arrivals included', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const nowMs = await redisClockMs(redis.client);
    await appendArrived(
      redis.client,
      keys,
      story.map(([hoursAgo, raw], i): [number, string] => [segmentOfMs(nowMs - hoursAgo * HOUR).startMs + 1000 + i, streamRecord(raw)]),
    );
    await runArchiveWriter(redis.url, keys, dir, 'the four past hours sealed', (w) => w.stats.sealed === 4);
    const client = withReplayScripts(connectRedis({ kind: 'url', url: redis.url }, { name: 'time-travel-bounded', commandTimeoutMs: 10_000 }));
    await waitForRedis(client);

    const reader = createArchiveReader({ dir });
    // the reference: every segment opened, the window applied to each record
    const everySegment: ArchiveSource = {
      async *entries(range) {
        for await (const e of reader.entries({ fromDay: range.fromDay, toDay: range.toDay })) if (inTimeWindow(range, e.record.ms)) yield e;
      },
    };
    const now = fixedClock('16:30');
    const travel = createTimeTravel({ redis: client, keys, source: reader, catalog, now, log });
    try {
      for (const time of ['08:12', '08:30', '09:20', '10:10', '08:25', '11:30', '09:05']) {
        const fresh = createTimeTravel({ redis: client, keys, source: everySegment, catalog, now, log });
        try {
          const expected = await fresh.snapshotAt('center:yiyang', instant(time, Y));
          const got = await travel.snapshotAt('center:yiyang', instant(time, Y));
          expect({ time, snapshot: got }).toEqual({ time, snapshot: expected });
          // the late page view of 08:20 (archived with the hour of 10:00) counts from 08:20 on
          if (time === '08:25') expect(got.portal.pv).toBe(2);
        } finally {
          await fresh.stop();
        }
      }
    } finally {
      await travel.stop();
      client.disconnect();
    }
  });
});
