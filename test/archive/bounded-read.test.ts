/**
 * A read of the archive bounded in event time (`EntryRange.untilMs` / `afterMs`, what time travel's
 * first frame asks for): the sealed segments whose manifest puts every event of the day outside the
 * window are not opened, and every event inside it is found whichever segment it arrived in. The
 * entries go onto the stream with ids of past hours, so the writer seals those hours (as in
 * archive-seal.test.ts); the records' event times are set apart from their arrival.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { manifestPath, segmentOfMs, segmentPath } from '../../server/archive/archive-layout.ts';
import { ArchiveDamaged, createArchiveReader } from '../../server/archive/archive-reader.ts';
import { createArchiveWriter } from '../../server/archive/archive-writer.ts';
import type { EntryRange } from '../../server/archive/archived-entry.ts';
import { archiveThenStream } from '../../server/archive/stream-source.ts';
import { connectRedis } from '../../server/redis/connect.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { testNow } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { removeTempArchiveDirs, tempArchiveDir } from './archive-fixtures.ts';

let redis: DedicatedRedis;
beforeEach(async () => {
  redis = await startDedicatedRedis();
});
afterEach(async () => {
  await redis.stop();
  removeTempArchiveDirs();
});

const HOUR = 3_600_000;
const MIN = 60_000;
/** A record as the stream holds it (enrichEvent's keys, in its order), of a given event day and time. */
const record = (id: string, day: number, ms: number) =>
  JSON.stringify({ t: 'portal.hit', ms, day, hh: '08', mm: '0480', month: '2026-01', scopes: ['city'], e: { id, type: 'portal.hit' } });

describe('a bounded read of the archive', () => {
  it('finds a late event of an early time in a later segment, skips segments after the bound unopened, continues with the stream, and reads segments of older manifests', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const [sec] = await redis.client.time();
    const nowMs = Number(sec) * 1000;
    // three past arrival hours (by the Redis clock), holding events of the day before
    const [h4, h3, h2] = [4, 3, 2].map((n) => segmentOfMs(nowMs - n * HOUR)) as [
      ReturnType<typeof segmentOfMs>,
      ReturnType<typeof segmentOfMs>,
      ReturnType<typeof segmentOfMs>,
    ];
    const day = dayIndexOf(nowMs) - 1;
    const opening = startOfDayMs(day) + 8 * HOUR;
    // [arrival ms, id, event ms]
    const plan: [number, string, number][] = [
      [h4.startMs + 1000, 'x1', opening + MIN],
      [h4.startMs + 2000, 'x2', opening + 10 * MIN],
      [h3.startMs + 1000, 'x3', opening + 70 * MIN],
      [h3.startMs + 2000, 'x4', opening + 5 * MIN], // arrived an hour or more late: its time is in the first window
      [h2.startMs + 1000, 'x5', opening + 130 * MIN],
      [h2.startMs + 2000, 'x6', opening + 140 * MIN],
    ];
    let seq = 0;
    for (const [arrival, id, ms] of plan) await redis.client.xadd(keys.stream, `${arrival}-${seq++}`, 'r', record(id, day, ms));

    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-test', commandTimeoutMs: 5000 });
    const writer = createArchiveWriter({ redis: client, keys, log: createLogger('silent'), dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
    writer.start();
    try {
      await waitFor('the three past hours sealed', () => writer.stats.sealed === 3);
    } finally {
      await writer.stop();
      client.disconnect();
    }

    // the manifest says each event day's smallest and largest event time
    const manifestOf = (h: typeof h3) => JSON.parse(fs.readFileSync(manifestPath(dir, h), 'utf8')) as { times?: Record<string, [number, number]> };
    expect(manifestOf(h3).times).toEqual({ [day]: [opening + 5 * MIN, opening + 70 * MIN] });

    const reader = createArchiveReader({ dir });
    const ids = async (range: EntryRange) => {
      const out: string[] = [];
      for await (const e of reader.entries(range)) out.push(String(e.record.e.id));
      return out;
    };
    const all = { fromDay: day, toDay: day };
    expect(await ids(all)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    // in stream order, only the window's events; x4 from the later segment too
    expect(await ids({ ...all, untilMs: opening + 30 * MIN })).toEqual(['x1', 'x2', 'x4']);
    expect(await ids({ ...all, afterMs: opening + 30 * MIN })).toEqual(['x3', 'x5', 'x6']);
    expect(await ids({ ...all, afterMs: opening + 5 * MIN, untilMs: opening + 130 * MIN })).toEqual(['x2', 'x3', 'x5']);
    // the record's JSON as archived comes with it (time travel hands it on without serialising again)
    for await (const e of reader.entries({ ...all, untilMs: opening + MIN })) expect(JSON.parse(e.json!)).toEqual(e.record);

    // the archive, then the stream past it (a hub's source): an entry not archived yet, of an early
    // time, is found after the archive's, and none of the archived ones is read a second time
    // from the stream (it is continued after the writer's cursor, not after the last entry read)
    await redis.client.xadd(keys.stream, '*', 'r', record('x7', day, opening + 2 * MIN));
    const both = archiveThenStream(reader, redis.client, keys);
    const fromBoth = async (range: EntryRange) => {
      const out: string[] = [];
      for await (const e of both.entries(range)) out.push(String(e.record.e.id));
      return out;
    };
    expect(await fromBoth({ ...all, untilMs: opening + 30 * MIN })).toEqual(['x1', 'x2', 'x4', 'x7']);
    expect(await fromBoth({ ...all, afterMs: opening + 30 * MIN })).toEqual(['x3', 'x5', 'x6']);
    expect(await fromBoth(all)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);

    // the last segment damaged: a read bounded before its events never opens it, an unbounded one names the damage
    const file = segmentPath(dir, h2);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 12] = bytes[bytes.length - 12]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    expect(await ids({ ...all, untilMs: opening + 30 * MIN })).toEqual(['x1', 'x2', 'x4']);
    await expect(ids(all)).rejects.toBeInstanceOf(ArchiveDamaged);
    await expect(ids({ ...all, untilMs: opening + 130 * MIN })).rejects.toThrow(path.relative(dir, file));

    // a manifest written before event times were recorded says nothing: the segment is read (and found damaged)
    const older = manifestOf(h2);
    delete older.times;
    fs.writeFileSync(manifestPath(dir, h2), `${JSON.stringify(older)}\n`);
    await expect(ids({ ...all, untilMs: opening + 30 * MIN })).rejects.toBeInstanceOf(ArchiveDamaged);
  });
});
