/**
 * The hall LED wall under a high event rate for a long time, in headless Chromium:
 * JS heap after warm-up and at the end (both after a forced GC), live ECharts instances, frames
 * per second, renderer CPU, updates applied and dropped (resyncs after a seq gap or reconnect).
 * Goal: no heap growth beyond noise, the same chart instance count at the end as at the start.
 *
 *   npx tsx bench/screen-soak.ts [--minutes 10] [--rate 100] [--warmup 60] [--port 8310] [--width 1920 --height 1080]
 *
 * `--day`: an 8-hour office day's events (`--day-events`, default 48,000: the hall's share of the
 * center's ~320,000 events a day, docs/performance.md, without the portal hits the hall does not
 * show) replayed `--speed` times faster (default 16: 30 minutes), at the even rate that takes;
 * the events carry the wall clock's time. At the end it says whether the heap after GC is within
 * 10% of the heap after warm-up and the chart instances the same (docs/screens.md).
 *   npx tsx bench/screen-soak.ts --day [--speed 16] [--day-events 48000]
 * `--heap-diff`: heap snapshots after warm-up and at the end, and what grew between them by constructor.
 *
 * It starts a private redis-server under var/screens/redis and a hub on --port.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { CDPSession, Page } from 'playwright-core';
import { loadConfig } from '../server/config/env.ts';
import { startHub, type Hub } from '../server/hub.ts';
import { createLogger } from '../server/observability/logger.ts';
import { ensurePrivateRedis } from '../server/redis/private-redis.ts';
import { ensureWebBuild } from '../scripts/ensure-web-build.ts';
import { launchScreenBrowser } from '../support/screen-browser.ts';
import type {} from '../web/debug/screen-debug.ts';
import { INGEST_TOKENS_ENV, TOKENS } from '../support/source-tokens.ts';
import { HallFeed, batchesInOrder, type FeedEvent } from '../support/hall-feed.ts';
import { heapGrowth, heapSummary, type HeapSummary } from './lib/heap-summary.ts';
import { benchArchiveDir } from './lib/bench-archive.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '' },
    port: { type: 'string', default: '8310' },
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
    day: { type: 'boolean', default: false },
    speed: { type: 'string', default: '16' },
    'day-events': { type: 'string', default: '48000' },
    'heap-diff': { type: 'boolean', default: false },
  },
});
const OFFICE_DAY_MINUTES = 8 * 60;
const minutes = args.day ? OFFICE_DAY_MINUTES / Number(args.speed) : Number(args.minutes);
const rate = args.day ? Number(args['day-events']) / (minutes * 60) : Number(args.rate);
if (!(minutes > 0) || !(rate > 0)) throw new Error('--minutes, --rate, --speed and --day-events must be positive numbers');
const totalMs = minutes * 60_000;
// A day's warm-up is its first office hour: the hall fills its lists and V8 compiles its hot code
// then (a 60 s warm-up at 16x measured +16% by the end, the growth being compiled code, not objects).
const warmupMs = args.warmup ? Number(args.warmup) * 1000 : args.day ? totalMs / 8 : Math.min(60_000, totalMs * 0.2);
const STEP_MS = 200;

interface Probe {
  heapMB: number;
  /** Runtime.getHeapUsage right after HeapProfiler.collectGarbage (probes with gc only). */
  gcHeapMB: number | null;
  nodes: number;
  listeners: number;
  charts: number;
  chartsCreated: number;
  deltas: number;
  snapshots: number;
  frames: number;
  taskSec: number;
  at: number;
}

async function probe(page: Page, cdp: CDPSession, gc: boolean): Promise<Probe> {
  let gcHeapMB: number | null = null;
  if (gc) {
    await cdp.send('HeapProfiler.collectGarbage');
    gcHeapMB = (await cdp.send('Runtime.getHeapUsage')).usedSize / 1048576;
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
  const page_ = await page.evaluate(() => {
    const d = window.__yg!;
    const f = (window as unknown as { __ygFrames: number }).__ygFrames;
    return { charts: d.charts(), chartsCreated: d.chartsCreated, deltas: d.deltas, snapshots: d.snapshots, frames: f };
  });
  return {
    heapMB: m('JSHeapUsedSize') / 1048576,
    gcHeapMB,
    nodes: m('Nodes'),
    listeners: m('JSEventListeners'),
    taskSec: m('TaskDuration'),
    at: Date.now(),
    ...page_,
  };
}

async function post(hub: Hub, events: FeedEvent[]): Promise<number> {
  let failed = 0;
  for (const b of batchesInOrder(events)) {
    const res = await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[b.source]}`, 'content-type': 'application/json' },
      body: JSON.stringify(b.events),
    });
    if (res.status !== 202) failed += b.events.length;
  }
  return failed;
}

async function main(): Promise<void> {
  const log = createLogger('warn');
  await ensureWebBuild();
  const redisServer = await ensurePrivateRedis({ dir: path.resolve('var/screens/redis') });
  const prefix = `soak${Date.now().toString(36)}:`;
  const config = loadConfig({
    PORT: args.port,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_PREFIX: prefix,
    DATA_DIR: 'var/screens',
    // an archive of this run's own: each run takes a new prefix, and var/screens/archive holds an earlier run's (bench/lib/bench-archive.ts)
    ARCHIVE_DIR: benchArchiveDir(),
    INGEST_TOKENS: INGEST_TOKENS_ENV,
  });
  const hub = await startHub({ config, redisTarget: { kind: 'socket', path: redisServer.socketPath }, log });
  const browser = await launchScreenBrowser(['--enable-precise-memory-info']);
  const feed = new HallFeed(23);
  let failedEvents = 0;
  let sentEvents = 0;
  try {
    const now = Date.now();
    const morning = feed.morning(Math.max(now - 2 * 3600_000, now - ((now + 8 * 3600_000) % 86_400_000) + 1000), now - 1000);
    failedEvents += await post(hub, morning);
    sentEvents += morning.length;

    const page = await browser.open(`${hub.url}/screens/hall`, { width: Number(args.width), height: Number(args.height) });
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""])');
    // A string, not a function: tsx would wrap a named arrow in a helper the page does not have.
    await page.evaluate('window.__ygFrames = 0; (function loop() { window.__ygFrames++; requestAnimationFrame(loop); })()');
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');

    console.log(
      args.day
        ? `soak: an 8-hour day (${args['day-events']} events) at ${args.speed}x: ${minutes.toFixed(1)} min at ~${rate.toFixed(1)} events/s, warm-up ${Math.round(warmupMs / 1000)} s, ${args.width}x${args.height}`
        : `soak: ${minutes} min at ~${rate} events/s, warm-up ${Math.round(warmupMs / 1000)} s, ${args.width}x${args.height}`,
    );
    const startedAt = Date.now();
    let start: Probe | null = null;
    let startHeap: HeapSummary | null = null;
    let last: Probe | null = null;
    let nextReport = startedAt + Math.min(60_000, totalMs / 4);
    const rows: string[] = [];
    let owed = 0;
    while (Date.now() - startedAt < totalMs) {
      const tickStart = Date.now();
      // the fraction left over is carried, so a low rate (a day's) is kept exactly on average
      owed += (rate * STEP_MS) / 1000;
      const due = Math.floor(owed);
      owed -= due;
      const events = due > 0 ? feed.step(tickStart, due) : [];
      failedEvents += await post(hub, events);
      sentEvents += events.length;
      if (!start && tickStart - startedAt >= warmupMs) {
        start = await probe(page, cdp, true);
        if (args['heap-diff']) startHeap = await heapSummary(cdp);
        last = start;
      }
      if (start && last && Date.now() >= nextReport && Date.now() - last.at >= 10_000) {
        const p = await probe(page, cdp, false);
        const sec = (p.at - last.at) / 1000;
        rows.push(
          `${((p.at - startedAt) / 60_000).toFixed(1).padStart(6)} min | heap ${p.heapMB.toFixed(1).padStart(6)} MB | fps ${((p.frames - last.frames) / sec).toFixed(0).padStart(3)} | cpu ${(((p.taskSec - last.taskSec) / sec) * 100).toFixed(0).padStart(3)}% | charts ${p.charts} | deltas/s ${((p.deltas - last.deltas) / sec).toFixed(1)}`,
        );
        console.log(rows[rows.length - 1]);
        last = p;
        nextReport += Math.min(60_000, totalMs / 4);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, STEP_MS - (Date.now() - tickStart))));
    }
    await new Promise((r) => setTimeout(r, 2000)); // let the last deltas land
    const end = await probe(page, cdp, true);
    const s = start ?? end;
    const sec = (end.at - s.at) / 1000;
    const errors = browser.errors.get(page) ?? [];
    const gcStart = s.gcHeapMB ?? s.heapMB;
    const gcEnd = end.gcHeapMB ?? end.heapMB;
    const table: [string, string, string][] = [
      [
        'JS heap used after GC (Runtime.getHeapUsage)',
        `${gcStart.toFixed(2)} MB`,
        `${gcEnd.toFixed(2)} MB (${gcEnd >= gcStart ? '+' : ''}${(((gcEnd - gcStart) / gcStart) * 100).toFixed(1)}%)`,
      ],
      [
        'JS heap used (after GC)',
        `${s.heapMB.toFixed(2)} MB`,
        `${end.heapMB.toFixed(2)} MB (${end.heapMB >= s.heapMB ? '+' : ''}${(end.heapMB - s.heapMB).toFixed(2)})`,
      ],
      ['DOM nodes', String(s.nodes), String(end.nodes)],
      ['JS event listeners', String(s.listeners), String(end.listeners)],
      ['live ECharts instances', String(s.charts), String(end.charts)],
      ['ECharts instances ever created', String(s.chartsCreated), String(end.chartsCreated)],
      ['frames per second (avg)', '', ((end.frames - s.frames) / sec).toFixed(1)],
      ['renderer CPU (avg, one core = 100%)', '', `${(((end.taskSec - s.taskSec) / sec) * 100).toFixed(1)}%`],
      ['deltas applied', String(s.deltas), `${end.deltas} (${((end.deltas - s.deltas) / sec).toFixed(2)}/s)`],
      ['dropped updates (resync snapshots)', String(Math.max(0, s.snapshots - 1)), String(Math.max(0, end.snapshots - 1))],
      ['events sent / refused', '', `${sentEvents} / ${failedEvents}`],
      ['console errors', '', String(errors.length)],
    ];
    console.log(`\n| measure | after warm-up | end (${minutes.toFixed(1)} min${args.day ? `, a day at ${args.speed}x` : ''}) |\n|---|---|---|`);
    for (const [k, a, b] of table) console.log(`| ${k} | ${a} | ${b} |`);
    const heapOk = gcEnd <= gcStart * 1.1;
    const chartsOk = end.charts === s.charts;
    console.log(
      `\nheap after GC within 10% of warm-up: ${heapOk ? 'yes' : 'NO'} (${gcStart.toFixed(2)} → ${gcEnd.toFixed(2)} MB); chart instances constant: ${chartsOk ? 'yes' : 'NO'} (${s.charts} → ${end.charts})`,
    );
    if (startHeap) {
      console.log('\n| what grew (heap snapshot, by constructor) | count | self size | at the end |\n|---|---|---|---|');
      for (const row of heapGrowth(startHeap, await heapSummary(cdp))) console.log(row);
    }
    if (errors.length) console.log(errors.slice(0, 5).join('\n'));
  } finally {
    await browser.close();
    await hub.stop();
    const r = new Redis({ path: redisServer.socketPath });
    const keys = await r.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await r.del(...keys.slice(i, i + 500));
    r.disconnect();
    await redisServer.stop();
  }
}

main().then(
  // the web build's esbuild service (ensureWebBuild) keeps a handle open after everything else stopped
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
