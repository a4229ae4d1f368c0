/**
 * The hall LED wall under a high event rate for a long time, in headless Chromium:
 * JS heap after warm-up and at the end (both after a forced GC), live ECharts instances, frames
 * per second, renderer CPU, updates applied and dropped (resyncs after a seq gap or reconnect).
 * Goal: no heap growth beyond noise, the same chart instance count at the end as at the start.
 *
 *   npx tsx bench/screen-soak.ts [--minutes 10] [--rate 100] [--warmup 60] [--port 8310] [--width 1920 --height 1080]
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

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '' },
    port: { type: 'string', default: '8310' },
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
  },
});
const minutes = Number(args.minutes);
const rate = Number(args.rate);
const totalMs = minutes * 60_000;
const warmupMs = args.warmup ? Number(args.warmup) * 1000 : Math.min(60_000, totalMs * 0.2);
const STEP_MS = 200;

interface Probe {
  heapMB: number;
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
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
  const page_ = await page.evaluate(() => {
    const d = window.__yg!;
    const f = (window as unknown as { __ygFrames: number }).__ygFrames;
    return { charts: d.charts(), chartsCreated: d.chartsCreated, deltas: d.deltas, snapshots: d.snapshots, frames: f };
  });
  return { heapMB: m('JSHeapUsedSize') / 1048576, nodes: m('Nodes'), listeners: m('JSEventListeners'), taskSec: m('TaskDuration'), at: Date.now(), ...page_ };
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

    console.log(`soak: ${minutes} min at ~${rate} events/s, warm-up ${Math.round(warmupMs / 1000)} s, ${args.width}x${args.height}`);
    const startedAt = Date.now();
    let start: Probe | null = null;
    let last: Probe | null = null;
    let nextReport = startedAt + Math.min(60_000, totalMs / 4);
    const rows: string[] = [];
    while (Date.now() - startedAt < totalMs) {
      const tickStart = Date.now();
      const events = feed.step(tickStart, Math.max(1, Math.round((rate * STEP_MS) / 1000)));
      failedEvents += await post(hub, events);
      sentEvents += events.length;
      if (!start && tickStart - startedAt >= warmupMs) {
        start = await probe(page, cdp, true);
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
    const table: [string, string, string][] = [
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
    console.log(`\n| measure | after warm-up | end (${minutes} min) |\n|---|---|---|`);
    for (const [k, a, b] of table) console.log(`| ${k} | ${a} | ${b} |`);
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

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
