import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dayIndexOfDate } from '../../common/time.ts';
import { createArchiveWriter } from '../../server/archive/archive-writer.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { connectRedis } from '../../server/redis/connect.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, testNow } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import {
  appendArrived,
  archiveCaughtUp,
  archived,
  ownRedisEachTest,
  redisClockMs,
  startArchivingHub,
  streamEntries,
  streamRecord,
  tempArchiveDir,
} from './archive-fixtures.ts';

const redis = ownRedisEachTest();

const TODAY_I = dayIndexOfDate(dayFromToday(0));

describe('the event archive', () => {
  it('holds every accepted event once, in stream order, and reads back by event day (a late event under its own day)', async () => {
    const prefix = testPrefix();
    const dir = tempArchiveDir();
    const hub = await startArchivingHub(prefix, redis.url, dir, { now: testNow });
    try {
      const today = Array.from({ length: 30 }, (_, i) => ev.issued(at('09:00'), `A${i}`));
      // arrives today, belongs three days back: found when that day is asked for
      const late = [ev.rating(at('15:00', dayFromToday(-3)), 5), ev.hit(at('10:00'), 'v1', '市民留言')];
      expect((await postEvents(hub, 'queue', today)).body.accepted).toBe(30);
      expect((await postEvents(hub, 'rating', [late[0]])).body.accepted).toBe(1);
      expect((await postEvents(hub, 'portal', [late[1]])).body.accepted).toBe(1);
      // a repeat is not a new event: not archived again
      expect((await postEvents(hub, 'queue', today.slice(0, 5))).body.duplicates).toBe(5);
      await archiveCaughtUp(redis.client, prefix);

      const stream = await streamEntries(redis.client, `${prefix}events`);
      expect(stream).toHaveLength(32);
      const all = await archived(dir, TODAY_I - 10, TODAY_I + 1);
      expect(all).toEqual(stream);
      const threeBack = await archived(dir, TODAY_I - 3, TODAY_I - 3);
      expect(threeBack.map((e) => e.record.e.id)).toEqual([late[0]!.id]);
      expect((await archived(dir, TODAY_I, TODAY_I)).map((e) => e.record.e.id)).toEqual([...today.map((e) => e.id), late[1]!.id]);
      // Chinese text as sent
      expect(all.at(-1)!.record.e).toMatchObject({ column: '市民留言' });

      const health = await getJson(hub, '/healthz');
      expect(health.archive).toMatchObject({ cursor: stream.at(-1)!.sid, lagSeconds: 0 });
      expect(health.archive.writer).toMatch(/:/);
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toMatch(/^yg_archive_lag_seconds 0$/m);
      expect(metrics).toMatch(/^yg_archive_written_events 32$/m);
    } finally {
      await hub.stop();
    }
  });

  it('after a crash between an append and the cursor move, the next writer skips what the file already holds', async () => {
    const prefix = testPrefix();
    const dir = tempArchiveDir();
    const first = await startArchivingHub(prefix, redis.url, dir, { now: testNow });
    const batchA = Array.from({ length: 40 }, (_, i) => ev.issued(at('10:00'), `B${i}`));
    try {
      expect((await postEvents(first, 'queue', batchA)).body.accepted).toBe(40);
      await archiveCaughtUp(redis.client, prefix);
    } finally {
      await first.stop();
    }
    // what a crash after the append and before the cursor move leaves: the cursor behind the file
    const stream = await streamEntries(redis.client, `${prefix}events`);
    await redis.client.set(`${prefix}archive:cursor`, stream[9]!.sid);

    const second = await startArchivingHub(prefix, redis.url, dir, { now: testNow });
    try {
      const batchB = Array.from({ length: 25 }, (_, i) => ev.issued(at('10:30'), `C${i}`));
      expect((await postEvents(second, 'queue', batchB)).body.accepted).toBe(25);
      await archiveCaughtUp(redis.client, prefix);
      expect(second.archive!.stats.skipped).toBe(30);
      expect(second.archive!.stats.entries).toBe(25);
      expect(await archived(dir, TODAY_I - 1, TODAY_I + 1)).toEqual(await streamEntries(redis.client, `${prefix}events`));
    } finally {
      await second.stop();
    }
  });

  it('refuses a folder that is not the one the deployment archives to, or that belongs to another prefix', async () => {
    const prefix = testPrefix();
    const shared = tempArchiveDir();
    const first = await startArchivingHub(prefix, redis.url, shared, { now: testNow });
    // the same hub secret (DATA_DIR), another archive folder
    const elsewhere = await startArchivingHub(prefix, redis.url, tempArchiveDir(), { now: testNow, env: { DATA_DIR: shared } });
    const otherPrefix = await startArchivingHub(testPrefix(), redis.url, shared, { now: testNow });
    try {
      await waitFor('the first hub to write', () => first.archive!.holding());
      expect(await waitFor('a refusal', () => elsewhere.archive!.refused())).toMatch(/is not the folder the other hubs archive to/);
      expect(await waitFor('a refusal', () => otherPrefix.archive!.refused())).toMatch(/holds the archive of REDIS_PREFIX/);
      expect(first.archive!.refused()).toBeNull();
    } finally {
      await otherPrefix.stop();
      await elsewhere.stop();
      await first.stop();
    }
  });

  it('keeps the event log until the archive has it: the trim never passes the cursor', async () => {
    const prefix = testPrefix();
    const dir = tempArchiveDir();
    // a log of 0.01 days (14 minutes): every entry of the test is within it, so set the cursor to hold
    const hub = await startArchivingHub(prefix, redis.url, dir, { now: testNow, env: { EVENT_LOG_DAYS: '0.01' } });
    try {
      await hub.archive!.stop(); // the archive stops: nothing more is written
      await redis.client.set(`${prefix}archive:cursor`, '0-0');
      // entries older than the log's horizon, as if the archive had been down for longer than it
      const old = Date.now() - 3_600_000;
      for (let i = 0; i < 200; i++) await redis.client.xadd(`${prefix}events`, `${old + i}-0`, 'r', '{}');
      const events = Array.from({ length: 10 }, (_, i) => ev.issued(at('11:00'), `D${i}`));
      expect((await postEvents(hub, 'queue', events)).body.accepted).toBe(10);
      // the aggregators read all of them (the 200 dead-lettered) and trimmed as far as they may
      await drained(hub);
      expect(await redis.client.xlen(`${prefix}events`)).toBe(210);
      // once the archive holds them, the next append trims them
      await redis.client.set(`${prefix}archive:cursor`, `${old + 199}-0`);
      expect((await postEvents(hub, 'queue', [ev.issued(at('11:01'), 'D99')])).body.accepted).toBe(1);
      await waitFor('the log trimmed', async () => (await redis.client.xlen(`${prefix}events`)) < 200);
    } finally {
      await hub.stop();
    }
  });

  it('stops after the step under way: its wait cut short, then the lease let go and the open hour closed', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-test', commandTimeoutMs: 5000 });
    // a minute between steps once caught up: a stop that waited for it would time this test out
    const writer = createArchiveWriter({ redis: client, keys, log: createLogger('silent'), dir, keepDays: 400, now: testNow, idleMs: 60_000, leaseMs: 60_000 });
    try {
      // entries of the hour under way by the Redis clock: their segment stays open, its file held open
      const nowMs = await redisClockMs(redis.client);
      await appendArrived(redis.client, keys, [
        [nowMs, streamRecord(ev.issued(at('09:00'), 'S1'))],
        [nowMs, streamRecord(ev.issued(at('09:01'), 'S2'))],
      ]);
      writer.start();
      await waitFor('both entries written', () => writer.stats.entries === 2);
      expect(await redis.client.get(keys.archiveLease)).not.toBeNull();
      const started = performance.now();
      await writer.stop();
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(writer.holding()).toBe(false);
      expect(await redis.client.get(keys.archiveLease)).toBeNull();
      // no descriptor of this process is left on a file of the folder
      const held = fs.readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
        } catch {
          return []; // closed while listed
        }
      });
      expect(held.filter((target) => target.startsWith(dir))).toEqual([]);
      expect(await archived(dir, TODAY_I - 1, TODAY_I + 1)).toEqual(await streamEntries(redis.client, keys.stream));
    } finally {
      await writer.stop();
      client.disconnect();
    }
  });
});
