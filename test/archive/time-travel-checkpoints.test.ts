/**
 * Hourly checkpoints of replayed past days (server/archive/time-travel-checkpoints.ts): a replay
 * that starts from a checkpoint must answer exactly what a replay from the day's opening answers,
 * at any instant; a checkpoint whose day's archive changed (a late segment), whose Lua is another,
 * whose cases' earlier lives changed, or that misses a late event not sealed yet, is not used.
 *
 * Yesterday's events reach the stream with ids of past hours, so the archive's writer seals them as
 * a hub's would; a case accepted the day before has its live record (its earlier life).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchema } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOfDate, startOfDayMs } from '../../common/time.ts';
import { segmentOfMs } from '../../server/archive/archive-layout.ts';
import { createArchiveReader } from '../../server/archive/archive-reader.ts';
import { createArchiveWriter } from '../../server/archive/archive-writer.ts';
import { applyRecords, scanKeys } from '../../server/archive/replay-core.ts';
import { CHECKPOINT_DIR, createCheckpointStore } from '../../server/archive/time-travel-checkpoints.ts';
import { createTimeTravel, timeTravelPrefixOf, type TimeTravel } from '../../server/archive/time-travel.ts';
import { indexCatalog, loadCatalog } from '../../server/catalog/load-catalog.ts';
import { enrichEvent } from '../../server/ingest/enrich-event.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { redisKeys, type RedisKeys } from '../../server/redis/keys.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock, testNow } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { tempArchiveDir, replayRedisEachTest } from './archive-fixtures.ts';

const HOUR = 3_600_000;
const Y = dayFromToday(-1);
const Y_DAY = dayIndexOfDate(Y);
const BEFORE = dayFromToday(-2);
const catalog = indexCatalog(loadCatalog('config/catalog').catalog);
const log = createLogger('silent');
const now = fixedClock('16:30');
const record = (raw: Record<string, unknown>) => JSON.stringify(enrichEvent(eventSchema.parse(raw), catalog));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Yesterday from 08:00 to 17:59: windows, tickets through their steps, ratings, portal hits, cases, trades. */
function yesterday(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    ev.windowStatus(at('07:55', Y), 'open'),
    ev.windowStatus(at('07:58', Y), 'open', 'yiyang.w002'),
    ev.completed(at('09:40', Y), 'C-0'), // accepted the day before: its earlier life is the live record's
  ];
  for (let i = 0; i < 40; i++) {
    const m = 8 * 60 + i * 15;
    const ticket = `A${String(i + 1).padStart(3, '0')}`;
    const window = i % 2 === 0 ? 'yiyang.w001' : 'yiyang.w002';
    out.push(ev.issued(at(hhmm(m), Y), ticket));
    out.push(ev.called(at(hhmm(m + 4), Y), ticket, window));
    out.push(ev.started(at(hhmm(m + 5), Y), ticket, window));
    out.push(ev.finished(at(hhmm(m + 11), Y), ticket, window));
    out.push(ev.hit(at(hhmm(m + 2), Y), `v${i % 7}`));
    if (i % 3 === 0) out.push(ev.rating(at(hhmm(m + 12), Y), 1 + (i % 5), window));
    if (i % 5 === 0) out.push(ev.accepted(at(hhmm(m + 7), Y), `C-${i + 1}`, 3));
    if (i % 10 === 5) out.push(ev.completed(at(hhmm(m + 9), Y), `C-${i - 4}`));
    if (i % 8 === 3) out.push(ev.trade(at(hhmm(m + 1), Y), 100 + i));
  }
  out.push(ev.windowStatus(at('12:00', Y), 'paused', 'yiyang.w002'));
  out.push(ev.windowStatus(at('13:00', Y), 'open', 'yiyang.w002'));
  return out;
}

const own = replayRedisEachTest('time-travel-checkpoints');
const redis = own.redis;

const redisNowMs = async () => {
  const [sec, usec] = await redis.client.time();
  return Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
};

/** Appends the records to the stream with ids in the arrival hour `hoursAgo` (Redis's clock), then lets the writer archive them. */
async function arrive(keys: RedisKeys, dir: string, hoursAgo: number, records: string[], sealed: (n: number) => boolean): Promise<void> {
  const start = segmentOfMs((await redisNowMs()) - hoursAgo * HOUR).startMs;
  const last = await redis.client.xrevrange(keys.stream, '+', '-', 'COUNT', 1);
  const after = last.length > 0 ? Number(last[0]![0].split('-')[0]) : 0;
  let ms = Math.max(start + 1000, after + 1);
  for (const r of records) await redis.client.xadd(keys.stream, `${ms++}-0`, 'r', r);
  const writer = createArchiveWriter({ redis: own.client, keys, log, dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
  writer.start();
  try {
    await waitFor('the archive to take the entries', async () => (await own.client.get(keys.archiveCursor)) === `${ms - 1}-0` && sealed(writer.stats.sealed));
  } finally {
    await writer.stop();
  }
}

async function setUp(): Promise<{ keys: RedisKeys; dir: string }> {
  const keys = redisKeys(testPrefix());
  const dir = tempArchiveDir();
  // the case accepted the day before: its live record holds its earlier life
  await applyRecords(own.client, keys.prefix, now(), [record(ev.accepted(at('15:00', BEFORE), 'C-0', 5))]);
  const records = yesterday()
    .sort((a, b) => Date.parse(a.at as string) - Date.parse(b.at as string))
    .map(record);
  // in three past arrival hours, each sealed
  const third = Math.ceil(records.length / 3);
  await arrive(keys, dir, 5, records.slice(0, third), (n) => n >= 1);
  await arrive(keys, dir, 4, records.slice(third, 2 * third), (n) => n >= 1);
  await arrive(keys, dir, 3, records.slice(2 * third), (n) => n >= 1);
  return { keys, dir };
}

function travelOf(keys: RedisKeys, dir: string, withCheckpoints: boolean): TimeTravel {
  const source = createArchiveReader({ dir });
  return createTimeTravel({
    redis: own.client,
    keys,
    source,
    catalog,
    now,
    log,
    checkpoints: withCheckpoints ? createCheckpointStore({ dir, redis: own.client, keys }) : null,
  });
}

/** `use` given a fresh time travel over the archive (a new process's, nothing cached), stopped after. */
async function withTravel<T>(keys: RedisKeys, dir: string, withCheckpoints: boolean, use: (travel: TimeTravel) => Promise<T>): Promise<T> {
  const travel = travelOf(keys, dir, withCheckpoints);
  try {
    return await use(travel);
  } finally {
    await travel.stop();
  }
}

/** The day's snapshot at `instant` replayed from the opening by a fresh time travel without checkpoints. */
const fromOpening = (keys: RedisKeys, dir: string, instant: number) => withTravel(keys, dir, false, (travel) => travel.snapshotAt('center:yiyang', instant));

/** Yesterday's checkpoints made by a fresh time travel: whether it made them. */
const makeCheckpoints = (keys: RedisKeys, dir: string) => withTravel(keys, dir, true, (travel) => travel.makeCheckpoints(Y_DAY));

/** A fresh time travel's answer at `instant`, checked against a replay from the opening; returns how many checkpoints it restored (0 or 1). */
const restoredAt = (keys: RedisKeys, dir: string, instant: number) =>
  withTravel(keys, dir, true, async (travel) => {
    expect(await travel.snapshotAt('center:yiyang', instant)).toEqual(await fromOpening(keys, dir, instant));
    return travel.stats.restored;
  });

const checkpointDir = (dir: string) => path.join(dir, CHECKPOINT_DIR, dateOfDayIndex(Y_DAY));

describe('time travel from hourly checkpoints', () => {
  it('answers every instant of a past day exactly as a replay from the opening, forward and back', async () => {
    const { keys, dir } = await setUp();
    const maker = travelOf(keys, dir, true);
    try {
      // the first replay of the day answers from the opening, then makes the day's checkpoints in the background
      await maker.snapshotAt('center:yiyang', startOfDayMs(Y_DAY) + 12 * HOUR);
      expect(maker.stats).toEqual({ fromOpening: 1, restored: 0, made: 0 });
      await waitFor('the checkpoints made', () => maker.stats.made === 1);
      expect(await maker.makeCheckpoints(Y_DAY)).toBe(true);
      expect(maker.stats.made).toBe(1);
      // today is still coming in: never checkpointed
      expect(await maker.makeCheckpoints(dayIndexOfDate(dayFromToday(0)))).toBe(false);
    } finally {
      await maker.stop();
    }
    const hours = fs.readdirSync(checkpointDir(dir)).filter((f) => f.endsWith('.ckpt'));
    expect(hours.length).toBeGreaterThanOrEqual(10);

    const travel = travelOf(keys, dir, true);
    try {
      const dayStart = startOfDayMs(Y_DAY);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 7 * 60, max: 24 * 60 - 1 }), fc.integer({ min: 0, max: 59_999 }), async (minute, ms) => {
          const instant = dayStart + minute * 60_000 + ms;
          expect({ instant, snapshot: await travel.snapshotAt('center:yiyang', instant) }).toEqual({
            instant,
            snapshot: await fromOpening(keys, dir, instant),
          });
        }),
        {
          numRuns: 14,
          examples: [
            [9 * 60 + 41, 0],
            [12 * 60, 0],
            [11 * 60 + 59, 59_999],
            [23 * 60 + 59, 59_999],
            [10 * 60 + 30, 0],
          ],
        },
      );
      expect(travel.stats.restored).toBeGreaterThan(0);
    } finally {
      await travel.stop();
    }
    // the replays leave no scratch key behind
    expect(await scanKeys(own.client, `${timeTravelPrefixOf(keys)}*`)).toEqual([]);
  });

  it('does not use a checkpoint made before a late segment, nor one that misses a late event not sealed yet', async () => {
    const { keys, dir } = await setUp();
    const noon = startOfDayMs(Y_DAY) + 12 * HOUR + 30 * 60_000;
    const restored = () => restoredAt(keys, dir, noon);
    expect(await makeCheckpoints(keys, dir)).toBe(true);
    expect(await restored()).toBe(1);

    // a late segment sealed into the day's list: the archive changed, the checkpoints are stale
    await arrive(keys, dir, 2, [record(ev.hit(at('10:06', Y), 'late-visitor'))], (n) => n >= 1);
    expect(await restored()).toBe(0);
    expect(await makeCheckpoints(keys, dir)).toBe(true);
    expect(await restored()).toBe(1);

    // a late event of 10:05 not sealed yet (the current arrival hour): the checkpoints miss it, so are not used
    await arrive(keys, dir, 0, [record(ev.hit(at('10:05', Y), 'late-visitor-2'))], () => true);
    expect(await restored()).toBe(0);
    // and the day is not checkpointed again while an event of it is not sealed
    expect(await makeCheckpoints(keys, dir)).toBe(false);
  });

  it('ignores a checkpoint made by another Lua or with other case lives, and one made before a late segment', async () => {
    const { keys, dir } = await setUp();
    const noon = startOfDayMs(Y_DAY) + 12 * HOUR + 10 * 60_000;
    const make = () => makeCheckpoints(keys, dir);
    const restored = () => restoredAt(keys, dir, noon);
    expect(await make()).toBe(true);
    const indexFile = path.join(checkpointDir(dir), 'index.json');

    // another aggregation Lua
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { lua: string };
    fs.writeFileSync(indexFile, JSON.stringify({ ...index, lua: 'another' }));
    expect(await restored()).toBe(0);
    expect(await make()).toBe(true);
    expect(await restored()).toBe(1);

    // the earlier life of C-0 changed (a suspension the day before, applied live): not restored
    await applyRecords(own.client, keys.prefix, now(), [record(ev.suspended(at('16:00', BEFORE), 'C-0'))]);
    expect(await restored()).toBe(0);
    expect(await make()).toBe(true);
    expect(await restored()).toBe(1);

    // a late segment sealed into the day's list (the current hour sealed with it by arriving later)
    await arrive(keys, dir, 2, [record(ev.rating(at('10:07', Y), 2))], (n) => n >= 1);
    expect(await restored()).toBe(0);
    expect(await make()).toBe(true);
    expect(await restored()).toBe(1);
  });
});
