/**
 * `npm run bench -- rebuild [--quick] [--events N]`: rebuild speed (events/s) and time travel's
 * first frame, on one day of the benchmark's event mix (bench/lib/event-mix.ts) written to a real
 * archive by the hub's own writer (server/archive/archive-writer.ts) from a production-configured
 * redis-server. The events arrive in their own hours (stream ids two seconds after their times), so
 * the archive holds the day as ten sealed hourly segments, as a hub's archive would.
 *
 * Each figure stands next to its baseline from the same run, so a loaded machine shows in both:
 * - reading the archive alone (the archive reader, every entry, nothing applied), and bounded to the
 *   day's first hour (`untilMs`: what time travel's first frame reads);
 * - applying alone (the replay Lua on records already in memory, no reading);
 * - the rebuild (both, then the swap), events/s;
 * - time travel: the first frame of a hub that has not replayed the day yet, at the opening
 *   (08:00:30), noon, 17:59:30 and 23:59:30, cold (no checkpoint: replayed from the opening) beside
 *   the same from the day's half-hourly checkpoints (time-travel-checkpoints.ts); making them; and a
 *   replay going on from a checkpoint (a minute's step, back to 10:00).
 * Goal (issue 20): the first frame of a replayed day of 360,000 events within 2 s, at any instant.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { eventSchema } from '../common/events.ts';
import { dayIndexOf, startOfDayMs } from '../common/time.ts';
import { createArchiveReader } from '../server/archive/archive-reader.ts';
import { createArchiveWriter } from '../server/archive/archive-writer.ts';
import type { ArchiveSource } from '../server/archive/archived-entry.ts';
import { rebuildDays } from '../server/archive/rebuild.ts';
import { applyRecords, withReplayScripts } from '../server/archive/replay-core.ts';
import { archiveThenStream } from '../server/archive/stream-source.ts';
import { createTimeTravel } from '../server/archive/time-travel.ts';
import { CHECKPOINT_DIR, createCheckpointStore } from '../server/archive/time-travel-checkpoints.ts';
import { indexCatalog, loadCatalog } from '../server/catalog/load-catalog.ts';
import { enrichEvent, recordJson } from '../server/ingest/enrich-event.ts';
import { createLogger } from '../server/observability/logger.ts';
import { redisKeys } from '../server/redis/keys.ts';
import { createMixer } from './lib/event-mix.ts';
import { startRedis } from './lib/processes.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const eventsArg = args.indexOf('--events');
const EVENTS = eventsArg >= 0 ? Number(args[eventsArg + 1]) : quick ? 36_000 : 360_000;
const OPEN_H = 8;
const CLOSE_H = 18;
/** How long after its time an event reaches the stream (sources send within seconds). */
const ARRIVAL_LAG_MS = 2000;

const log = createLogger('silent');
const catalog = indexCatalog(loadCatalog('config/catalog').catalog);
const keys = redisKeys('bench:');
// yesterday (Asia/Shanghai): a whole past day, as a rebuild or a replay would find it
const day = dayIndexOf(Date.now()) - 1;
const dayStart = startOfDayMs(day);

const redisServer = await startRedis();
const redis = withReplayScripts(new Redis({ port: redisServer.port }));
const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-bench-archive-'));
const rows: [string, string, string][] = [];
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en-US')} events/s`;

try {
  // the day's events, in order through its opening hours, enriched as ingest does, on the stream
  process.stdout.write(`writing ${EVENTS.toLocaleString('en-US')} events of one day to the stream and the archive … `);
  const mixer = createMixer(`rebuild${Date.now()}`);
  const span = (CLOSE_H - OPEN_H) * 3600_000;
  const records: string[] = [];
  for (let i = 0; i < EVENTS; i += 100) {
    const at = dayStart + OPEN_H * 3600_000 + Math.floor((span * i) / EVENTS);
    for (const raw of mixer.batch(100, at).events) records.push(recordJson(enrichEvent(eventSchema.parse(raw), catalog)));
  }
  // each event arrives ARRIVAL_LAG_MS after its time (stream ids set so): the archive's hourly
  // segments hold the hours as a hub's would, each sealed with its manifest
  const hours = new Set<number>();
  let lastMs = 0;
  let seq = 0;
  for (let i = 0; i < records.length; i += 2000) {
    const p = redis.pipeline();
    for (const r of records.slice(i, i + 2000)) {
      const ms = Math.max(lastMs, (JSON.parse(r) as { ms: number }).ms + ARRIVAL_LAG_MS);
      seq = ms === lastMs ? seq + 1 : 0;
      lastMs = ms;
      hours.add(Math.floor(ms / 3600_000));
      p.xadd(keys.stream, `${ms}-${seq}`, 'r', r);
    }
    await p.exec();
  }
  // the writer archives the stream as a hub does; the live figures are not built (the rebuild builds them)
  const writer = createArchiveWriter({ redis, keys, log, dir: archiveDir, keepDays: 400, now: Date.now, idleMs: 20 });
  writer.start();
  while (writer.stats.entries < records.length || writer.stats.sealed < hours.size) await new Promise((r) => setTimeout(r, 50));
  await writer.stop();
  console.log('done');
  const archive = createArchiveReader({ dir: archiveDir });

  // baseline 1: reading the archive alone
  let t = performance.now();
  let read = 0;
  for await (const _ of archive.entries({ fromDay: day, toDay: day })) read++;
  const readMs = performance.now() - t;
  rows.push(['reading the archive (baseline)', `${read.toLocaleString('en-US')} in ${(readMs / 1000).toFixed(2)} s`, rate(read, readMs)]);
  // the same, bounded to the opening hour: the sealed segments after it are skipped unopened
  t = performance.now();
  read = 0;
  for await (const _ of archive.entries({ fromDay: day, toDay: day, untilMs: dayStart + (OPEN_H + 1) * 3600_000 - 1 })) read++;
  const boundedMs = performance.now() - t;
  rows.push(['reading the archive up to 08:59:59 (bounded)', `${read.toLocaleString('en-US')} in ${(boundedMs / 1000).toFixed(2)} s`, rate(read, boundedMs)]);

  // baseline 2: applying alone (records in memory), into scratch keys deleted after
  t = performance.now();
  await applyRecords(redis, 'bench-apply:', Date.now(), records);
  const applyMs = performance.now() - t;
  rows.push([
    'applying with the aggregation Lua (baseline)',
    `${records.length.toLocaleString('en-US')} in ${(applyMs / 1000).toFixed(2)} s`,
    rate(records.length, applyMs),
  ]);
  for (let cursor = '0'; ;) {
    const [next, found] = await redis.scan(cursor, 'MATCH', 'bench-apply:*', 'COUNT', 5000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
    if (cursor === '0') break;
  }

  // the rebuild: archive (and the stream past it), apply, swap
  const source: ArchiveSource = archiveThenStream(archive, redis, keys);
  const result = await rebuildDays({ redis, keys, source, log, now: Date.now }, { fromDay: day, toDay: day });
  rows.push([
    'rebuild of the day (read + apply + swap)',
    `${result.events.toLocaleString('en-US')} in ${(result.ms / 1000).toFixed(2)} s`,
    rate(result.events, result.ms),
  ]);
  const perMonth = (30 * 360_000) / Math.max(1, result.eventsPerSec);
  rows.push(['a month of 360,000-event days at that rate', '(extrapolated)', `${(perMonth / 60).toFixed(1)} min`]);

  // time travel: the first frame of a hub that has not replayed the day (a fresh time travel per
  // instant), cold (no checkpoint: replayed from the opening) and from the day's half-hourly checkpoints
  const instants: [string, number][] = [
    ['the opening (08:00:30)', dayStart + OPEN_H * 3600_000 + 30_000],
    ['noon', dayStart + 12 * 3600_000],
    ['17:59:30 (half an hour after its checkpoint)', dayStart + 17 * 3600_000 + 59 * 60_000 + 30_000],
    ["the day's last minute (23:59:30)", dayStart + 23 * 3600_000 + 59 * 60_000 + 30_000],
  ];
  const checkpoints = createCheckpointStore({ dir: archiveDir, redis, keys });
  const firstFrame = async (withCheckpoints: boolean, at: number) => {
    const travel = createTimeTravel({ redis, keys, source, catalog, now: Date.now, log, checkpoints: withCheckpoints ? checkpoints : null });
    try {
      const t0 = performance.now();
      const snap = await travel.snapshotAt('center:yiyang', at);
      const ms = performance.now() - t0;
      return { ms, pv: snap.portal.pv, restored: travel.stats.restored === 1 };
    } finally {
      await travel.stop();
    }
  };
  const cold: number[] = [];
  for (const [, at] of instants) cold.push((await firstFrame(false, at)).ms);
  // the day's checkpoints, as the first replay of the day makes them in the background
  const maker = createTimeTravel({ redis, keys, source, catalog, now: Date.now, log, checkpoints });
  t = performance.now();
  if (!(await maker.makeCheckpoints(day))) throw new Error('the day got no checkpoints');
  const makeMs = performance.now() - t;
  await maker.stop();
  const ckDir = path.join(archiveDir, CHECKPOINT_DIR);
  let ckBytes = 0;
  let ckFiles = 0;
  for (const f of fs.readdirSync(ckDir, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ckpt')) continue;
    ckFiles++;
    ckBytes += fs.statSync(path.join(ckDir, f)).size;
  }
  rows.push([
    "making the day's half-hourly checkpoints (once per day, in the background)",
    `${(makeMs / 1000).toFixed(2)} s`,
    `${ckFiles} checkpoints, ${(ckBytes / 1e6).toFixed(1)} MB on disk`,
  ]);
  let worst = 0;
  for (let i = 0; i < instants.length; i++) {
    const [label, at] = instants[i]!;
    const { ms, pv, restored } = await firstFrame(true, at);
    worst = Math.max(worst, ms);
    // before the first whole hour after the opening there is no checkpoint: the few events since the opening are applied
    const how = restored ? 'from a checkpoint' : 'with checkpoints (none before it: from the opening)';
    rows.push([
      `time travel: first frame at ${label}`,
      `cold ${cold[i]!.toFixed(0)} ms`,
      `${how} ${ms.toFixed(0)} ms (goal <= 2 s; ${pv.toLocaleString('en-US')} page views)`,
    ]);
  }
  // a replay going on from a checkpoint: a minute's step, and back
  const travel = createTimeTravel({ redis, keys, source, catalog, now: Date.now, log, checkpoints });
  const step = async (label: string, at: number) => {
    const t0 = performance.now();
    const snap = await travel.snapshotAt('center:yiyang', at);
    rows.push([label, `${(performance.now() - t0).toFixed(0)} ms`, `${snap.portal.pv.toLocaleString('en-US')} page views shown`]);
  };
  await step('time travel (checkpoints): noon', dayStart + 12 * 3600_000);
  await step('time travel (checkpoints): one minute on from noon', dayStart + 12 * 3600_000 + 60_000);
  await step('time travel (checkpoints): back to 10:00', dayStart + 10 * 3600_000);
  await travel.stop();

  console.log(`\nrebuild and time travel, ${EVENTS.toLocaleString('en-US')} events of one day (load average at the end: ${os.loadavg()[0]!.toFixed(1)})\n`);
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c}`);
  if (worst > 2000) console.log('\nfirst frame from a checkpoint: over the 2 s goal');
} finally {
  redis.disconnect();
  await redisServer.stop();
  fs.rmSync(archiveDir, { recursive: true, force: true });
}
