/**
 * Yesterday's time-travel checkpoints made overnight (server/archive/checkpoint-schedule.ts): nothing
 * before ARCHIVE_CHECKPOINT_AT, yesterday's checkpoints at it, and the first replay of yesterday
 * after that starts from a checkpoint and answers what a replay from the opening answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dateOfDayIndex, dayIndexOfDate, startOfDayMs } from '../../common/time.ts';
import { createArchiveReader } from '../../server/archive/archive-reader.ts';
import { startCheckpointScheduler } from '../../server/archive/checkpoint-schedule.ts';
import { CHECKPOINT_DIR, createCheckpointStore } from '../../server/archive/time-travel-checkpoints.ts';
import { createTimeTravel } from '../../server/archive/time-travel.ts';
import { indexCatalog, loadCatalog } from '../../server/catalog/load-catalog.ts';
import { loadConfig } from '../../server/config/env.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { appendArrived, redisClockMs, runArchiveWriter, streamRecord, tempArchiveDir, replayRedisEachTest } from './archive-fixtures.ts';

const HOUR = 3_600_000;
const Y = dayFromToday(-1);
const Y_DAY = dayIndexOfDate(Y);
const catalog = indexCatalog(loadCatalog('config/catalog').catalog);
const log = createLogger('silent');

/** Yesterday's morning: tickets through their steps, page views and a rating, sorted by time. */
function yesterdayMorning(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [ev.windowStatus(at('07:55', Y), 'open')];
  for (let i = 0; i < 24; i++) {
    const m = 8 * 60 + i * 10;
    const hhmm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    const ticket = `A${String(i + 1).padStart(3, '0')}`;
    out.push(ev.issued(at(hhmm(m), Y), ticket));
    out.push(ev.called(at(hhmm(m + 3), Y), ticket));
    out.push(ev.hit(at(hhmm(m + 1), Y), `v${i % 5}`));
    if (i % 4 === 0) out.push(ev.rating(at(hhmm(m + 8), Y), 1 + (i % 5)));
  }
  return out.sort((a, b) => Date.parse(a.at as string) - Date.parse(b.at as string));
}

const own = replayRedisEachTest('checkpoint-schedule');
const redis = own.redis;

describe("yesterday's checkpoints, made overnight", () => {
  it('makes none before the hour, makes them at it, once, and the first replay of yesterday starts from one', async () => {
    const keys = redisKeys(testPrefix());
    const dir = tempArchiveDir();
    // yesterday's events arrived in an hour that is over (Redis's clock), and the writer sealed it
    const arrival = (await redisClockMs(redis.client)) - 3 * HOUR;
    const records = yesterdayMorning().map(streamRecord);
    await appendArrived(
      redis.client,
      keys,
      records.map((r, i) => [arrival + i, r]),
    );
    await runArchiveWriter(redis.url, keys, dir, 'the hour archived and sealed', (w) => w.stats.sealed >= 1);

    let clock = fixedClock('01:29');
    const travelOf = () =>
      createTimeTravel({
        redis: own.client,
        keys,
        source: createArchiveReader({ dir }),
        catalog,
        now: () => clock(),
        log,
        checkpoints: createCheckpointStore({ dir, redis: own.client, keys }),
      });
    const overnight = travelOf();
    const scheduler = startCheckpointScheduler({ timeTravel: overnight, now: () => clock(), log }, { atMinute: 90 });
    const made = path.join(dir, CHECKPOINT_DIR, dateOfDayIndex(Y_DAY), 'index.json');
    try {
      expect(await scheduler.check()).toBeNull();
      expect(fs.existsSync(made)).toBe(false);
      clock = fixedClock('01:30');
      expect(await scheduler.check()).toBe(Y_DAY);
      expect(fs.existsSync(made)).toBe(true);
      expect(overnight.stats.made).toBe(1);
      // made once: later checks find the day done
      clock = fixedClock('03:00');
      expect(await scheduler.check()).toBe(Y_DAY);
      expect(overnight.stats.made).toBe(1);
    } finally {
      await scheduler.stop();
      await overnight.stop();
    }

    // the morning's first replay of yesterday: from a checkpoint, the same answer as from the opening
    clock = fixedClock('09:00');
    const instant = startOfDayMs(Y_DAY) + 10 * HOUR + 5 * 60_000;
    const first = travelOf();
    const reference = createTimeTravel({ redis: own.client, keys, source: createArchiveReader({ dir }), catalog, now: () => clock(), log, checkpoints: null });
    try {
      const got = await first.snapshotAt('center:yiyang', instant);
      expect(first.stats.restored).toBe(1);
      expect(first.stats.fromOpening).toBe(0);
      expect(got).toEqual(await reference.snapshotAt('center:yiyang', instant));
    } finally {
      await first.stop();
      await reference.stop();
    }
  });

  it('reads ARCHIVE_CHECKPOINT_AT as a time of day or off, and refuses anything else naming it', () => {
    const base = { REDIS_PREFIX: 'yg:', ARCHIVE: 'on' };
    expect(loadConfig(base).archive?.checkpointAtMinute).toBe(90);
    expect(loadConfig({ ...base, ARCHIVE_CHECKPOINT_AT: '02:15' }).archive?.checkpointAtMinute).toBe(135);
    expect(loadConfig({ ...base, ARCHIVE_CHECKPOINT_AT: 'off' }).archive?.checkpointAtMinute).toBeNull();
    expect(() => loadConfig({ ...base, ARCHIVE_CHECKPOINT_AT: '25:00' })).toThrow(/ARCHIVE_CHECKPOINT_AT/);
  });
});
