/**
 * Sealing, the day index and damage: entries are written to the stream with ids of past hours (a
 * stream id is the Redis clock when it was appended), so their hours are over and the writer seals
 * them; the records carry their event day as the ingest enrichment does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayIndexOf } from '../../common/time.ts';
import { segmentOfMs } from '../../server/archive/archive-layout.ts';
import { ArchiveDamaged, createArchiveReader } from '../../server/archive/archive-reader.ts';
import { createArchiveWriter } from '../../server/archive/archive-writer.ts';
import { connectRedis } from '../../server/redis/connect.ts';
import { redisKeys } from '../../server/redis/keys.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { dayFromToday, testNow } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { archived, removeTempArchiveDirs, tempArchiveDir } from './archive-fixtures.ts';

let redis: DedicatedRedis;
beforeEach(async () => {
  redis = await startDedicatedRedis();
});
afterEach(async () => {
  await redis.stop();
  removeTempArchiveDirs();
});

const HOUR = 3_600_000;
/** A record as the stream holds it (enrichEvent's keys, in its order), of a given event day. */
const record = (id: string, day: number, ms: number) =>
  JSON.stringify({ t: 'portal.hit', ms, day, hh: '09', mm: '0540', month: '2026-01', scopes: ['city'], e: { id, type: 'portal.hit', column: '市民留言' } });

describe('archive segments', () => {
  it('seals each hour once it is over (checksum, manifest, day index), finds late events through the index, and names a damaged file', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const [sec] = await redis.client.time();
    const nowMs = Number(sec) * 1000;
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
    let seq = 0;
    for (const [ms, id, day] of plan) await redis.client.xadd(keys.stream, `${ms}-${seq++}`, 'r', record(id, day, ms));

    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-test', commandTimeoutMs: 5000 });
    const writer = createArchiveWriter({ redis: client, keys, log: createLogger('silent'), dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
    writer.start();
    try {
      await waitFor('both past hours sealed', () => writer.stats.sealed === 2);
    } finally {
      await writer.stop();
      client.disconnect();
    }
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
    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-test', commandTimeoutMs: 5000 });
    const writer = createArchiveWriter({
      redis: client,
      keys: redisKeys(testPrefix()),
      log: createLogger('silent'),
      dir,
      keepDays: 400,
      now: testNow,
      idleMs: 20,
      leaseMs: 2000,
    });
    writer.start();
    try {
      await waitFor('the old day removed', () => !fs.existsSync(path.join(dir, old)));
      // its empty segment (a crash at the first append leaves one) is dropped when sealed, the day's folder kept
      await waitFor('the empty segment dropped', () => !fs.existsSync(path.join(dir, kept, '09.ndjson.gz')));
    } finally {
      await writer.stop();
      client.disconnect();
    }
    expect(fs.existsSync(path.join(dir, 'days', `${old}.list`))).toBe(false);
    expect(fs.existsSync(path.join(dir, kept))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'days', `${kept}.list`))).toBe(true);
  });

  it('cuts a segment cut short by a crash back to its whole members, and goes on after them', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const dir = tempArchiveDir();
    const client = connectRedis({ kind: 'url', url: redis.url }, { name: 'archive-test', commandTimeoutMs: 5000 });
    const start = () => {
      const w = createArchiveWriter({ redis: client, keys, log: createLogger('silent'), dir, keepDays: 400, now: testNow, idleMs: 20, leaseMs: 2000 });
      w.start();
      return w;
    };
    const [sec] = await redis.client.time();
    const ms = Number(sec) * 1000;
    const day = dayIndexOf(ms);
    try {
      for (let i = 0; i < 5; i++) await redis.client.xadd(keys.stream, '*', 'r', record(`x${i}`, day, ms));
      let writer = start();
      await waitFor('five archived', () => writer.stats.entries === 5);
      await writer.stop();
      // half a member more, as a machine crash in the middle of a write could leave it
      const seg = segmentOfMs(Number((await redis.client.xrevrange(keys.stream, '+', '-', 'COUNT', 1))[0]![0].split('-')[0]));
      const file = path.join(dir, seg.date, `${seg.hour}.ndjson.gz`);
      const whole = fs.statSync(file).size;
      const member = fs.readFileSync(file);
      fs.appendFileSync(file, member.subarray(0, Math.floor(member.length / 2)));
      // the cursor behind, as if the crash came before the cursor moved
      await redis.client.set(keys.archiveCursor, '0-0');
      for (let i = 5; i < 8; i++) await redis.client.xadd(keys.stream, '*', 'r', record(`x${i}`, day, ms));
      writer = start();
      await waitFor('eight archived', async () => (await archived(dir, day, day)).length === 8);
      await writer.stop();
      expect(writer.stats).toMatchObject({ entries: 3, skipped: 5 });
      expect(fs.statSync(file).size).toBeGreaterThan(whole);
      expect((await archived(dir, day, day)).map((e) => e.record.e.id)).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
    } finally {
      client.disconnect();
    }
  });
});
