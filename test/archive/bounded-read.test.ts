/**
 * A read of the archive bounded in event time (`EntryRange.untilMs` / `afterMs`, what time travel's
 * first frame asks for): the sealed segments whose manifest puts every event of the day outside the
 * window are not opened, and every event inside it is found whichever segment it arrived in. The
 * entries go onto the stream with ids of past hours, so the writer seals those hours (as in
 * archive-seal.test.ts); the records' event times are set apart from their arrival.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { manifestPath, segmentOfMs, segmentPath } from '../../server/archive/archive-layout.ts';
import { ArchiveDamaged, createArchiveReader } from '../../server/archive/archive-reader.ts';
import type { EntryRange } from '../../server/archive/archived-entry.ts';
import { archiveThenStream } from '../../server/archive/stream-source.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { appendArrived, hitRecord, ownRedisEachTest, redisClockMs, runArchiveWriter, tempArchiveDir } from './archive-fixtures.ts';

const redis = ownRedisEachTest();
const HOUR = 3_600_000;
const MIN = 60_000;

describe('a bounded read of the archive', () => {
  it('finds a late event of an early time in a later segment, skips segments after the bound unopened, continues with the stream, and reads segments of older manifests', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const nowMs = await redisClockMs(redis.client);
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
    await appendArrived(
      redis.client,
      keys,
      plan.map(([arrival, id, ms]): [number, string] => [arrival, hitRecord(id, ms)]),
    );
    await runArchiveWriter(redis.url, keys, dir, 'the three past hours sealed', (w) => w.stats.sealed === 3);

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
    await redis.client.xadd(keys.stream, '*', 'r', hitRecord('x7', opening + 2 * MIN));
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
