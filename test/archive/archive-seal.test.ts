/**
 * Sealing, the day index and damage: entries are written to the stream with ids of past hours (a
 * stream id is the Redis clock when it was appended), so their hours are over and the writer seals
 * them; the records carry their event day as the ingest enrichment does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { segmentOfMs } from '../../server/archive/archive-layout.ts';
import { ArchiveDamaged, createArchiveReader } from '../../server/archive/archive-reader.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { dayFromToday } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { appendArrived, archived, hitRecord, ownRedisEachTest, redisClockMs, runArchiveWriter, tempArchiveDir } from './archive-fixtures.ts';

const redis = ownRedisEachTest();
const HOUR = 3_600_000;
/** A page view of event day `day` (at 09:00 of it, whenever it arrives). */
const record = (id: string, day: number) => hitRecord(id, startOfDayMs(day) + 9 * HOUR);

describe('archive segments', () => {
  it('seals each hour once it is over (checksum, manifest, day index), finds late events through the index, and names a damaged file', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const nowMs = await redisClockMs(redis.client);
    // three hours ago and two hours ago (by the Redis clock), and now
    const h3 = segmentOfMs(nowMs - 3 * HOUR);
    const h2 = segmentOfMs(nowMs - 2 * HOUR);
    const today = dayIndexOf(nowMs);
    const plan: [number, string, number][] = [
      [h3.startMs + 1000, 'a1', today],
      [h3.startMs + 2000, 'a2', today - 5], // arrived late: its day is five days back
      [h2.startMs + 10, 'b1', today],
      [h2.startMs + 10, 'b2', today - 5],
      [h2.endMs, 'b3', today - 1],
    ];
    await appendArrived(
      redis.client,
      keys,
      plan.map(([ms, id, day]): [number, string] => [ms, record(id, day)]),
    );
    await runArchiveWriter(redis.url, keys, dir, 'both past hours sealed', (w) => w.stats.sealed === 2);
    for (const h of [h3, h2]) {
      expect(fs.existsSync(path.join(dir, h.date, `${h.hour}.ndjson.gz.sha256`))).toBe(true);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, h2.date, `${h2.hour}.days.json`), 'utf8'));
    expect(manifest).toMatchObject({
      count: 3,
      days: { [today]: 1, [today - 5]: 1, [today - 1]: 1 },
      firstSid: `${h2.startMs + 10}-2`,
      lastSid: `${h2.endMs}-4`,
    });

    const reader = createArchiveReader({ dir });
    expect((await reader.segmentsFor({ fromDay: today - 5, toDay: today - 5 })).map((s) => [s.segment.name, s.sealed])).toEqual([
      [h3.name, true],
      [h2.name, true],
    ]);
    expect((await reader.segmentsFor({ fromDay: today - 1, toDay: today - 1 })).map((s) => s.segment.name)).toEqual([h2.name]);
    expect((await archived(dir, today - 5, today - 5)).map((e) => e.record.e.id)).toEqual(['a2', 'b2']);
    expect((await archived(dir, today - 5, today)).map((e) => e.sid)).toEqual(plan.map(([ms], i) => `${ms}-${i}`));

    // one byte changed in a sealed segment: an error naming it, not a silent skip
    const file = path.join(dir, h2.date, `${h2.hour}.ndjson.gz`);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 12] = bytes[bytes.length - 12]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const reading = archived(dir, today - 1, today - 1);
    await expect(reading).rejects.toBeInstanceOf(ArchiveDamaged);
    await expect(reading).rejects.toThrow(`${h2.date}/${h2.hour}.ndjson.gz`);
  });

  it('deletes the arrival days past ARCHIVE_DAYS, and their day lists, and keeps the rest', async () => {
    const dir = tempArchiveDir();
    const old = dayFromToday(-401);
    const kept = dayFromToday(-399);
    for (const date of [old, kept]) {
      fs.mkdirSync(path.join(dir, date), { recursive: true });
      fs.writeFileSync(path.join(dir, date, '09.ndjson.gz'), '');
      fs.mkdirSync(path.join(dir, 'days'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'days', `${date}.list`), `${date}/09\n`);
    }
    // the old day removed; its empty segment (a crash at the first append leaves one) is dropped when sealed, the day's folder kept
    await runArchiveWriter(
      redis.url,
      redisKeys(testPrefix()),
      dir,
      'the old day removed and the empty segment dropped',
      () => !fs.existsSync(path.join(dir, old)) && !fs.existsSync(path.join(dir, kept, '09.ndjson.gz')),
    );
    expect(fs.existsSync(path.join(dir, 'days', `${old}.list`))).toBe(false);
    expect(fs.existsSync(path.join(dir, kept))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'days', `${kept}.list`))).toBe(true);
  });

  it('cuts a segment cut short by a crash back to its whole members, and goes on after them', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const ms = await redisClockMs(redis.client);
    const day = dayIndexOf(ms);
    for (let i = 0; i < 5; i++) await redis.client.xadd(keys.stream, '*', 'r', hitRecord(`x${i}`, ms));
    await runArchiveWriter(redis.url, keys, dir, 'five archived', (w) => w.stats.entries === 5);
    // half a member more, as a machine crash in the middle of a write could leave it
    const seg = segmentOfMs(Number((await redis.client.xrevrange(keys.stream, '+', '-', 'COUNT', 1))[0]![0].split('-')[0]));
    const file = path.join(dir, seg.date, `${seg.hour}.ndjson.gz`);
    const whole = fs.statSync(file).size;
    const member = fs.readFileSync(file);
    fs.appendFileSync(file, member.subarray(0, Math.floor(member.length / 2)));
    // the cursor behind, as if the crash came before the cursor moved
    await redis.client.set(keys.archiveCursor, '0-0');
    for (let i = 5; i < 8; i++) await redis.client.xadd(keys.stream, '*', 'r', hitRecord(`x${i}`, ms));
    const stats = await runArchiveWriter(redis.url, keys, dir, 'eight archived', async () => (await archived(dir, day, day)).length === 8);
    expect(stats).toMatchObject({ entries: 3, skipped: 5 });
    expect(fs.statSync(file).size).toBeGreaterThan(whole);
    expect((await archived(dir, day, day)).map((e) => e.record.e.id)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
  });
});
