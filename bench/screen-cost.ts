/**
 * What the wall costs to draw, next to what its charts alone cost, in one run.
 *
 *   npm run bench -- screen-cost [--quick] [--seconds 30] [--rate 2] [--only hall-1080,bare-1080] [--trace 10 [--trace-size 3840x2160]] [--shots dir] [--css file]
 *
 * A redis-server and a hub process (bench/lib/processes.ts), a busy morning seeded through the
 * ingest API, then a live feed (support/hall-feed.ts, the soak's event mix) at --rate events/s.
 * Each row is measured for --seconds in a fresh headless Chromium (support/screen-browser.ts:
 * Debian's Chromium, `--no-sandbox --disable-gpu`, a fresh profile):
 *
 * - bare-1080 / bare-2160: a page served by this bench with three non-animated ECharts charts
 *   (gauge, line, bar, echarts from node_modules) at the sizes the hall's charts take on that
 *   screen, whose data changes 4 times a second: the cost of the charts alone;
 * - hall-1080, hall-2160: the hall under the live feed (its notices a page at a time,
 *   screens/hall/notice-pages.ts); hall-1080-scroll, hall-2160-scroll: with the notices
 *   scrolling (`?notices=scroll`), what a page at a time saves; hall-1080-cpu4x: with
 *   `Emulation.setCPUThrottlingRate {rate: 4}`;
 * - window-strip: the window LED at 640x160 under the feed;
 * - hall-idle: the hall with the feed stopped (heartbeats only).
 *
 * CPU is the utime+stime (/proc/<pid>/stat) of every process of that browser's process tree,
 * as % of one core; `renderer` is the part of it spent by the renderer processes. fps counts
 * requestAnimationFrame callbacks in the page in a few seconds after the CPU window (a frame
 * counter running during it would cost as much as a window strip); deltas and resyncs come from `window.__yg`
 * (web/debug/screen-debug.ts), resyncs being snapshots after the first.
 *
 * `--trace <seconds>` also records a Chromium trace (devtools.timeline, cc, viz) of the hall at
 * 1920x1080 (or `--trace-size`) under the feed and prints where the CPU went, by event name and
 * thread, and the frames viz drew (how many, CPU and quads each). `--only none` runs just the trace. `--shots <dir>` saves a
 * screenshot of each live screen row after its warm-up.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { ensureWebBuild } from '../scripts/ensure-web-build.ts';
import { HallFeed, batchesInOrder, type FeedEvent } from '../support/hall-feed.ts';
import { launchScreenBrowser, type ScreenBrowser } from '../support/screen-browser.ts';
import { INGEST_TOKENS_ENV, TOKENS } from '../support/source-tokens.ts';
import type {} from '../web/debug/screen-debug.ts';
import { freePort, printTable, sleep, startHubProcess, startRedis, type BenchHub } from './lib/processes.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '' },
    warmup: { type: 'string', default: '' },
    rate: { type: 'string', default: '2' },
    only: { type: 'string', default: '' },
    trace: { type: 'string', default: '' },
    shots: { type: 'string', default: '' },
    'trace-size': { type: 'string', default: '1920x1080' },
    css: { type: 'string', default: '' },
  },
});
const SECONDS = Number(args.seconds || (args.quick ? 8 : 30));
const WARMUP_S = Number(args.warmup || (args.quick ? 3 : 8));
/**
 * Events per second. The mock city center (docs/mock.md: 2,600 tickets and 915 cases a working day)
 * sends about 0.8 hall events a second on average and about 1.3 at the morning peak; 2/s is above
 * that peak, and the hall feed's mix calls a ticket about every 3 s.
 */
const RATE = Number(args.rate);
const ONLY = new Set(args.only.split(',').filter(Boolean));
const CLK_TCK = 100;
/**
 * `--css <file>`: a style sheet added to every hall page (trace and rows) after it is ready, as a
 * constructed sheet (the screens' CSP refuses inline styles): to measure what one part costs by
 * hiding it or stopping its animation, without a rebuild.
 */
const EXTRA_CSS = args.css ? fs.readFileSync(args.css, 'utf8') : '';

// ---------------------------------------------------------------------------------------------
// CPU of a browser's process tree, from /proc

interface ProcTimes {
  /** pid -> CPU seconds (utime + stime) */
  cpu: Map<number, number>;
  renderers: Set<number>;
}

function readProcs(): { pid: number; ppid: number; cpu: number }[] {
  const out: { pid: number; ppid: number; cpu: number }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Every Chromium process under this bench process (the one browser open at a time). */
function browserTimes(): ProcTimes {
  const procs = readProcs();
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const cpu = new Map<number, number>();
  const renderers = new Set<number>();
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...(children.get(pid) ?? []));
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.split('\0')[0]!.includes('chrom')) continue;
    cpu.set(pid, byPid.get(pid)!.cpu);
    if (cmd.includes('--type=renderer')) renderers.add(pid);
  }
  return { cpu, renderers };
}

function cpuBetween(a: ProcTimes, b: ProcTimes): { all: number; renderer: number } {
  let all = 0;
  let renderer = 0;
  for (const [pid, t] of b.cpu) {
    const used = t - (a.cpu.get(pid) ?? 0);
    all += used;
    if (b.renderers.has(pid)) renderer += used;
  }
  return { all, renderer };
}

// ---------------------------------------------------------------------------------------------
// The bare chart page

const ECHARTS_JS = path.resolve('node_modules/echarts/dist/echarts.min.js');

/** Three charts absolutely placed at the given boxes; their data changes every 250 ms; no animation. */
const BARE_HTML = `<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;height:100%;overflow:hidden;background:#040b1a}
.c{position:absolute}</style><script src="/echarts.js"></script></head><body><script>
const q = new URLSearchParams(location.search);
const boxes = JSON.parse(q.get('boxes'));
const kinds = ['gauge', 'line', 'bar'];
const n = 180;
let t = 0;
function data(kind) {
  if (kind === 'gauge') return [{ value: 90 + 10 * Math.abs(Math.sin(t / 7)) }];
  const len = kind === 'line' ? n : 12;
  return Array.from({ length: len }, (_, i) => Math.round(40 + 30 * Math.sin((i + t) / 9) + 10 * Math.cos(i * 1.3 + t)));
}
function option(kind) {
  if (kind === 'gauge') return { animation: false, series: [{ type: 'gauge', startAngle: 220, endAngle: -40, min: 0, max: 100, radius: '96%', center: ['50%', '56%'],
    progress: { show: true, width: 18, roundCap: true, itemStyle: { color: '#35e08a' } },
    axisLine: { roundCap: true, lineStyle: { width: 18, color: [[1, 'rgba(40, 80, 140, 0.45)']] } },
    pointer: { show: false }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, anchor: { show: false }, title: { show: false }, detail: { show: false },
    data: data(kind) }] };
  const len = kind === 'line' ? n : 12;
  return { animation: false, grid: { left: 56, right: 16, top: 16, bottom: 36 },
    xAxis: { type: 'category', data: Array.from({ length: len }, (_, i) => String(i)), axisLabel: { fontSize: 18, color: '#8fa8c8' } },
    yAxis: { type: 'value', splitNumber: 3, axisLabel: { fontSize: 18, color: '#8fa8c8' } },
    series: [kind === 'line'
      ? { type: 'line', data: data(kind), showSymbol: false, smooth: true, lineStyle: { width: 3, color: '#3fd0ff' }, areaStyle: { color: 'rgba(63,208,255,0.3)' } }
      : { type: 'bar', data: data(kind), itemStyle: { color: '#3fd0ff' } }] };
}
const charts = boxes.map((b, i) => {
  const el = document.createElement('div');
  el.className = 'c';
  Object.assign(el.style, { left: b.x + 'px', top: b.y + 'px', width: b.width + 'px', height: b.height + 'px' });
  document.body.appendChild(el);
  const c = echarts.init(el, null, { renderer: 'canvas' });
  c.setOption(option(kinds[i % 3]));
  return { c, kind: kinds[i % 3] };
});
setInterval(() => {
  t++;
  for (const { c, kind } of charts) c.setOption({ series: [{ data: data(kind) }] });
  window.__bareRedraws = (window.__bareRedraws || 0) + charts.length;
}, 250);
window.__bareReady = true;
</script></body></html>`;

async function serveBare(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/echarts.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      fs.createReadStream(ECHARTS_JS).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(BARE_HTML);
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/bare.html`, close: () => new Promise((r) => server.close(() => r())) };
}

// ---------------------------------------------------------------------------------------------
// The feed

async function post(hub: BenchHub, events: FeedEvent[]): Promise<number> {
  let refused = 0;
  for (const b of batchesInOrder(events)) {
    const res = await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[b.source]}`, 'content-type': 'application/json' },
      body: JSON.stringify(b.events),
    });
    if (res.status !== 202) refused += b.events.length;
    await res.arrayBuffer();
  }
  return refused;
}

class LiveFeed {
  sent = 0;
  refused = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  constructor(
    private readonly hub: BenchHub,
    private readonly feed: HallFeed,
  ) {}
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let owed = 0;
      const STEP_MS = 250;
      while (this.running) {
        const at = Date.now();
        owed += (RATE * STEP_MS) / 1000;
        if (owed >= 1) {
          const events = this.feed.step(at, Math.floor(owed));
          owed -= events.length;
          this.sent += events.length;
          this.refused += await post(this.hub, events);
        }
        await sleep(Math.max(0, STEP_MS - (Date.now() - at)));
      }
    })();
  }
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

// ---------------------------------------------------------------------------------------------
// One measured row

/**
 * Counts requestAnimationFrame callbacks for a while. Not left running while CPU is measured: a
 * page that asks for every frame makes Chromium run a main-thread frame 60 times a second, which
 * alone costs about 6% of a core, as much as a whole window strip.
 */
const countFrames = (ms: number) =>
  `new Promise((resolve) => { let n = 0; const end = performance.now() + ${ms}; (function loop(t) { n++; if (t < end) requestAnimationFrame(loop); else resolve(n); })(performance.now()); })`;
const FPS_SAMPLE_S = args.quick ? 3 : 5;

interface PageCounters {
  deltas: number;
  snapshots: number;
  chartUpdates: number;
}

/**
 * Polls an expression with page.evaluate (a CDP evaluation: the screens' CSP forbids the eval a
 * string given to waitForFunction needs, and tsx would wrap a named function in a helper the page lacks).
 */
async function waitForExpression(page: Page, expression: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await sleep(100);
  }
}

async function counters(page: Page): Promise<PageCounters> {
  return page.evaluate(
    '({ deltas: window.__yg?.deltas ?? 0, snapshots: window.__yg?.snapshots ?? 0, chartUpdates: window.__yg?.chartUpdates ?? window.__bareRedraws ?? 0 })',
  );
}

interface Row {
  name: string;
  what: string;
  cpu: number;
  renderer: number;
  fps: number;
  deltas: number | null;
  resyncs: number | null;
  chartUpdates: number | null;
  baseline: string | null;
}

interface Phase {
  name: string;
  what: string;
  url: () => string;
  size: { width: number; height: number };
  ready: string;
  throttle?: number;
  live?: boolean;
  /** which bare row this one is compared with */
  baseline: string | null;
}

async function measure(phase: Phase, onPage?: (page: Page, cdp: CDPSession) => Promise<void>): Promise<Row> {
  const browser: ScreenBrowser = await launchScreenBrowser();
  try {
    const page = await browser.open(phase.url(), phase.size);
    await waitForExpression(page, phase.ready);
    if (EXTRA_CSS && phase.url().includes('/screens/hall'))
      await page.evaluate((css) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }, EXTRA_CSS);
    const cdp = await browser.context.newCDPSession(page);
    if (phase.throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: phase.throttle });
    await sleep(WARMUP_S * 1000);
    if (onPage) await onPage(page, cdp);
    if (args.shots && phase.live === true && !phase.throttle) {
      fs.mkdirSync(args.shots, { recursive: true });
      await page.screenshot({ path: path.join(args.shots, `${phase.name}.png`) });
    }
    const c0 = await counters(page);
    const p0 = browserTimes();
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const p1 = browserTimes();
    const t1 = performance.now();
    const frames = (await page.evaluate(countFrames(FPS_SAMPLE_S * 1000))) as number;
    const c1 = await counters(page);
    const sec = (t1 - t0) / 1000;
    const used = cpuBetween(p0, p1);
    const errors = browser.errors.get(page) ?? [];
    if (errors.length) console.log(`${phase.name}: console errors:\n  ${errors.slice(0, 5).join('\n  ')}`);
    const isScreen = phase.live !== undefined;
    return {
      name: phase.name,
      what: phase.what,
      cpu: (used.all / sec) * 100,
      renderer: (used.renderer / sec) * 100,
      fps: frames / FPS_SAMPLE_S,
      deltas: isScreen ? c1.deltas - c0.deltas : null,
      resyncs: isScreen ? Math.max(0, c1.snapshots - 1) : null,
      chartUpdates: c1.chartUpdates - c0.chartUpdates,
      baseline: phase.baseline,
    };
  } finally {
    await browser.close();
  }
}

/** Where the hall's charts are on the screen (CSS px, after the design canvas's scale). */
async function chartBoxes(hubUrl: string, size: { width: number; height: number }): Promise<{ x: number; y: number; width: number; height: number }[]> {
  const browser = await launchScreenBrowser();
  try {
    const page = await browser.open(`${hubUrl}/screens/hall`, size);
    await page.waitForSelector('[data-testid="hall"][data-seq]:not([data-seq=""]) .yg-chart canvas');
    await sleep(1000);
    return await page.evaluate(() =>
      [...document.querySelectorAll('.yg-chart')].map((el) => {
        const r = el.getBoundingClientRect();
        return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
      }),
    );
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The trace

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  /** thread (CPU) time, when the event has it: robust to a loaded machine */
  tdur?: number;
  args?: { name?: string };
}

const SKIP_IN_TRACE = new Set([
  'RunTask',
  'ThreadControllerImpl::RunTask',
  'ThreadPool_RunTask',
  'Graphics.Pipeline',
  'EpollEvent',
  'SimpleWatcher::OnHandleReady',
  'Receive mojo message',
  'AsyncTask Run',
]);

async function traceSummary(events: TraceEvent[], seconds: number, size: string): Promise<void> {
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const sum = new Map<string, { ms: number; count: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur || SKIP_IN_TRACE.has(e.name)) continue;
    const thread = (threads.get(`${e.pid}:${e.tid}`) ?? '?').replace(/\d+$/, '');
    const key = `${thread} | ${e.name}`;
    const s = sum.get(key) ?? { ms: 0, count: 0 };
    s.ms += (e.tdur ?? e.dur) / 1000;
    s.count++;
    sum.set(key, s);
  }
  const draws = sum.get('VizCompositorThread | Display::DrawAndSwap');
  const quads = sum.get('VizCompositorThread | SoftwareRenderer::DoDrawQuad');
  if (draws)
    console.log(
      `frames drawn: ${(draws.count / seconds).toFixed(1)}/s, ${(draws.ms / draws.count).toFixed(2)} ms of CPU each, ${((quads?.count ?? 0) / draws.count).toFixed(0)} quads each`,
    );
  const rows = [...sum.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 40)
    .map(([key, s]) => {
      const [thread, name] = key.split(' | ');
      return { thread: thread!, event: name!, 'CPU ms/s (incl. children)': (s.ms / seconds).toFixed(1), 'per second': (s.count / seconds).toFixed(1) };
    });
  printTable(`Trace of the hall at ${size} under the feed, ${seconds} s (task wrappers left out; nested events count in their parents too)`, rows);
}

async function recordTrace(cdp: CDPSession, seconds: number): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => {
    events.push(...(d.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz', 'gpu', 'toplevel', 'v8.execute', 'benchmark'],
    },
  });
  await sleep(seconds * 1000);
  await cdp.send('Tracing.end');
  await complete;
  return events;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await ensureWebBuild();
  const redis = await startRedis();
  const prefix = `cost${Date.now().toString(36)}:`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-screen-cost-'));
  const hub = await startHubProcess({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, INGEST_TOKENS: INGEST_TOKENS_ENV, SCREEN_TOKENS: '', DATA_DIR: dataDir });
  const bare = await serveBare();
  const feed = new HallFeed(23);
  const live = new LiveFeed(hub, feed);
  try {
    const now = Date.now();
    // A morning's data: since 08:30 Shanghai time when that was less than two hours ago, else two hours.
    const morning = feed.morning(Math.max(now - 2 * 3600_000, now - ((now + 8 * 3600_000) % 86_400_000) + 1000), now - 1000);
    const refused = await post(hub, morning);
    console.log(
      `screen-cost: ${SECONDS} s per row after ${WARMUP_S} s warm-up, feed ${RATE} events/s, ${morning.length} events seeded (${refused} refused), load ${os.loadavg()[0]!.toFixed(1)}`,
    );

    const boxes1080 = await chartBoxes(hub.url, { width: 1920, height: 1080 });
    const boxes2160 = await chartBoxes(hub.url, { width: 3840, height: 2160 });
    const hallReady = '!!document.querySelector(\'[data-testid="hall"][data-seq]:not([data-seq=""]) .yg-chart canvas\')';
    const phases: Phase[] = [
      {
        name: 'bare-1080',
        what: `3 charts (gauge, line, bar) ${boxes1080.map((b) => `${b.width}x${b.height}`).join(' ')}, data 4x/s`,
        url: () => `${bare.url}?boxes=${encodeURIComponent(JSON.stringify(boxes1080))}`,
        size: { width: 1920, height: 1080 },
        ready: 'window.__bareReady === true',
        baseline: null,
      },
      {
        name: 'hall-1080',
        what: 'hall 1920x1080, live feed',
        url: () => `${hub.url}/screens/hall`,
        size: { width: 1920, height: 1080 },
        ready: hallReady,
        live: true,
        baseline: 'bare-1080',
      },
      {
        name: 'hall-1080-scroll',
        what: 'hall 1920x1080, live feed, notices scrolling (?notices=scroll)',
        url: () => `${hub.url}/screens/hall?notices=scroll`,
        size: { width: 1920, height: 1080 },
        ready: hallReady,
        live: true,
        baseline: 'bare-1080',
      },
      {
        name: 'bare-2160',
        what: `3 charts ${boxes2160.map((b) => `${b.width}x${b.height}`).join(' ')}, data 4x/s`,
        url: () => `${bare.url}?boxes=${encodeURIComponent(JSON.stringify(boxes2160))}`,
        size: { width: 3840, height: 2160 },
        ready: 'window.__bareReady === true',
        baseline: null,
      },
      {
        name: 'hall-2160',
        what: 'hall 3840x2160, live feed',
        url: () => `${hub.url}/screens/hall`,
        size: { width: 3840, height: 2160 },
        ready: hallReady,
        live: true,
        baseline: 'bare-2160',
      },
      {
        name: 'hall-2160-scroll',
        what: 'hall 3840x2160, live feed, notices scrolling (?notices=scroll)',
        url: () => `${hub.url}/screens/hall?notices=scroll`,
        size: { width: 3840, height: 2160 },
        ready: hallReady,
        live: true,
        baseline: 'bare-2160',
      },
      {
        name: 'hall-1080-cpu4x',
        what: 'hall 1920x1080, live feed, CPU throttled 4x',
        url: () => `${hub.url}/screens/hall`,
        size: { width: 1920, height: 1080 },
        ready: hallReady,
        throttle: 4,
        live: true,
        baseline: 'bare-1080',
      },
      {
        name: 'window-strip',
        what: 'window LED 640x160, live feed',
        url: () => `${hub.url}/screens/window/5`,
        size: { width: 640, height: 160 },
        ready: '!!document.querySelector(\'[data-testid="window-screen"]\') && window.__yg?.snapshots > 0',
        live: true,
        baseline: 'bare-1080',
      },
      {
        name: 'hall-idle',
        what: 'hall 1920x1080, no feed',
        url: () => `${hub.url}/screens/hall`,
        size: { width: 1920, height: 1080 },
        ready: hallReady,
        live: false,
        baseline: 'bare-1080',
      },
    ];

    if (args.trace) {
      live.start();
      const seconds = Number(args.trace);
      const [width, height] = args['trace-size'].split('x').map(Number) as [number, number];
      await measure({ ...phases[1]!, name: 'hall-traced', size: { width, height } }, async (_page, cdp) => {
        await traceSummary(await recordTrace(cdp, seconds), seconds, args['trace-size']);
      });
    }

    const rows: Row[] = [];
    for (const phase of phases) {
      if (ONLY.size && !ONLY.has(phase.name)) continue;
      if (phase.live === false) await live.stop();
      else live.start();
      const row = await measure(phase);
      rows.push(row);
      console.log(`${row.name}: cpu ${row.cpu.toFixed(1)}% (renderer ${row.renderer.toFixed(1)}%), ${row.fps.toFixed(1)} fps`);
    }
    await live.stop();
    const byName = new Map(rows.map((r) => [r.name, r]));
    printTable(
      `What the wall costs (${SECONDS} s a row, feed ${RATE} events/s, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} at the end; CPU: all of the browser's processes, % of one core)`,
      rows.map((r) => {
        const base = r.baseline ? byName.get(r.baseline) : undefined;
        return {
          row: r.name,
          what: r.what,
          'CPU %': r.cpu.toFixed(1),
          'renderer %': r.renderer.toFixed(1),
          fps: r.fps.toFixed(1),
          deltas: r.deltas ?? '',
          resyncs: r.resyncs ?? '',
          'chart redraws': r.chartUpdates ?? '',
          'vs bare': base ? `${(r.cpu / base.cpu).toFixed(2)}x ${base.name}` : '',
        };
      }),
    );
    console.log(`feed: ${live.sent} events sent, ${live.refused} refused`);
  } finally {
    await live.stop();
    await bare.close();
    await hub.stop();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
