/**
 * Fan-out of /live: 1,000 and 3,000 websocket clients (in two child processes) subscribed to the
 * city while events flow (the burst: 1,000 events/s); 2 hubs sharing 3,000 clients; and, in the
 * same run, a raw Socket.IO broadcast of a payload of the same size to the same number of clients.
 * Then the call latency: 1,000 clients on the hall's center room and on 50 window rooms, one call
 * every 1-3 s (`--call-every`: the mean) over a background of the day's mix, and again the raw
 * broadcast beside it.
 *   npm run bench -- fanout [--quick] [--seconds N] [--rate EVENTS_PER_SEC] [--clients N [--hubs 2]]
 *                            [--calls-only | --no-calls] [--call-every MS] [--call-seconds N] [--bg-rate EVENTS_PER_SEC]
 *
 * "call → client": from the start of the POST of a lone ticket.called to the arrival of the first
 * delta that shows it, at every client whose room shows it (the center's, the called window's).
 * "hub: mark→read / read / send": the hub's own timing of each room flush that sent a call
 * (`yg_live_call_flush_seconds`, scraped before and after: bucket bounds, so "≤10" means in the
 * 5-10 ms bucket): from the batch's mark to the room's read, the Redis read, and the diff, encoding
 * and writes to every socket of the room; with "call POST → 202" (the ingest's share) and
 * "send → client" (the wire and the client processes) it says where a call's time goes.
 *
 * Latency "event → client": from the start of the ingest POST to the arrival of the first delta
 * whose portal pv includes that batch. "send → client": from the hub's (or raw server's) send
 * time to the arrival. CPU and RSS are read from /proc for the hub (or raw server) process only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { ServiceWindow } from '../common/catalog.ts';
import { toShanghaiIso } from '../common/time.ts';
import { Histogram } from './fanout/histogram.ts';
import type { ClientsConfig, ClientsReport, FromClients, ToClients } from './fanout/protocol.ts';
import { benchTokens, createMixer, ingestTokensEnv } from './lib/event-mix.ts';
import { cpuSeconds, freePort, printTable, rssMiB, sleep, startHubProcess, startRedis, type BenchHub } from './lib/processes.ts';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const quick = argv.includes('--quick');
const SECONDS = flag('--seconds', quick ? 5 : 20);
const WARMUP_SECONDS = quick ? 1 : 3;
const EVENTS_PER_SEC = flag('--rate', 1000);
const BATCH = 100;
const TICK_MS = 250;
const tokens = benchTokens();

interface Scenario {
  name: string;
  hubs: 1 | 2;
  clients: number;
}
const only = argv.includes('--clients') ? { clients: flag('--clients', 1000), hubs: flag('--hubs', 1) === 2 ? (2 as const) : (1 as const) } : null;
const callsOnly = argv.includes('--calls-only');
const CALL_EVERY_MS = flag('--call-every', 2000);
const BG_RATE = flag('--bg-rate', 20);
// enough calls for a p99 that is not one unlucky call: 60 at the default 1 every 2 s
const CALL_SECONDS = flag('--call-seconds', quick ? 10 : 120);
const CALL_CLIENTS = only?.clients ?? (quick ? 300 : 1000);
const scenarios: Scenario[] = callsOnly
  ? []
  : only
    ? [{ name: `${only.hubs} hub${only.hubs > 1 ? 's' : ''}`, ...only }]
    : quick
      ? [{ name: '1 hub', hubs: 1, clients: 300 }]
      : [
          { name: '1 hub', hubs: 1, clients: 1000 },
          { name: '1 hub', hubs: 1, clients: 3000 },
          { name: '2 hubs', hubs: 2, clients: 3000 },
        ];

const redis = await startRedis();
/**
 * What every hub of the bench is started with (and its key prefix): the live tick, no screen
 * tokens, and no event archive, so the hub's CPU is the fan-out's alone (what the archive costs per
 * event is bench/ingest.ts's); archiving by default to var/archive, a hub would be refused there
 * after the first run anyway, the folder holding that run's prefix ("archive: not started").
 */
const HUB_ENV = { REDIS_URL: redis.url, INGEST_TOKENS: ingestTokensEnv(), LIVE_TICK_MS: String(TICK_MS), SCREEN_TOKENS: '', ARCHIVE: 'off' };
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function startClients(cfg: ClientsConfig): Promise<{ child: ChildProcess; connected: number; basePv: number }> {
  const child = fork('bench/fanout/clients.ts', [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`client process exited with ${code}`)));
    child.on('message', (m: FromClients) => {
      if (m.type === 'ready') resolve({ child, connected: m.connected, basePv: m.basePv });
    });
  });
}

function report(child: ChildProcess): Promise<ClientsReport> {
  return new Promise((resolve) => {
    const on = (m: FromClients) => {
      if (m.type === 'report') {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send({ type: 'report' } satisfies ToClients);
  });
}

async function stopChildren(list: ChildProcess[]): Promise<void> {
  await Promise.all(
    list.map(
      (c) =>
        new Promise((r) => {
          c.once('exit', r);
          c.kill('SIGTERM');
          children.delete(c);
        }),
    ),
  );
}

/** Samples the summed RSS of processes every second until stopped. */
function rssSampler(pids: number[]) {
  const samples: number[] = [];
  let on = true;
  const done = (async () => {
    while (on) {
      samples.push(pids.reduce((a, p) => a + rssMiB(p), 0));
      await sleep(1000);
    }
  })();
  return {
    samples,
    async stop() {
      on = false;
      await done;
    },
  };
}

async function snapshotPv(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/snapshot?scope=city`);
  return ((await res.json()) as { portal: { pv: number } }).portal.pv;
}

async function runLive(s: Scenario, prefix: string) {
  const hubs: BenchHub[] = [];
  for (let i = 0; i < s.hubs; i++) {
    hubs.push(await startHubProcess({ ...HUB_ENV, REDIS_PREFIX: prefix }));
  }
  await sleep(500);
  const rssIdle = hubs.reduce((a, h) => a + rssMiB(h.pid), 0);
  const perProcess = Math.ceil(s.clients / 2);
  const started = await Promise.all(
    [0, 1].map((i) => startClients({ url: hubs[i % hubs.length]!.url, count: Math.min(perProcess, s.clients - i * perProcess), mode: 'live', scope: 'city' })),
  );
  const procs = started.map((x) => x.child);
  const connected = started.reduce((a, x) => a + x.connected, 0);
  let pv = await snapshotPv(hubs[0]!.url);
  const mixer = createMixer(`fan${Date.now()}`);
  const postEvery = 1000 / (EVENTS_PER_SEC / BATCH);
  let posted = 0;

  const post = async (until: number) => {
    let next = Date.now();
    let k = 0;
    while (Date.now() < until) {
      const t = Date.now();
      const batch = mixer.batch(BATCH, t);
      if (batch.portalHits > 0) {
        pv += batch.portalHits;
        for (const c of procs) c.send({ type: 'batch', pv, t } satisfies ToClients);
      }
      const hub = hubs[k++ % hubs.length]!;
      const res = await fetch(`${hub.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[batch.source]}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch.events),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
      await res.arrayBuffer();
      posted += batch.events.length;
      next += postEvery;
      await sleep(Math.max(0, next - Date.now()));
    }
  };

  await post(Date.now() + WARMUP_SECONDS * 1000);
  for (const c of procs) c.send({ type: 'reset' } satisfies ToClients);
  posted = 0;
  const cpu0 = hubs.map((h) => cpuSeconds(h.pid));
  const rss = rssSampler(hubs.map((h) => h.pid));
  const t0 = Date.now();
  await post(t0 + SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const cpu = hubs.reduce((a, h, i) => a + (cpuSeconds(h.pid) - cpu0[i]!), 0) / wall;
  await rss.stop();
  await sleep(TICK_MS * 3);
  const reports = await Promise.all(procs.map(report));
  const rssEnd = hubs.reduce((a, h) => a + rssMiB(h.pid), 0);
  await stopChildren(procs);
  for (const h of hubs) await h.stop();

  const e2c = new Histogram();
  const s2c = new Histogram();
  for (const r of reports) {
    e2c.merge(r.eventToClient);
    s2c.merge(r.sendToClient);
  }
  const messages = reports.reduce((a, r) => a + r.messages, 0);
  const bytes = reports.reduce((a, r) => a + r.messageBytes, 0);
  const rssStart = rss.samples[0] ?? rssEnd;
  if (argv.includes('--rss')) console.log(`hub RSS every second (MiB): ${rss.samples.map((x) => x.toFixed(0)).join(' ')}`);
  return {
    row: {
      scenario: s.name,
      clients: connected,
      'events/s': Math.round(posted / wall),
      'msgs/s/client': (messages / connected / wall).toFixed(2),
      'event→client p50': `${e2c.percentile(0.5)} ms`,
      'event→client p99': `${e2c.percentile(0.99)} ms`,
      'send→client p50': `${s2c.percentile(0.5)} ms`,
      'send→client p99': `${s2c.percentile(0.99)} ms`,
      'CPU (core)': `${(cpu * 100).toFixed(0)}%`,
      'CPU µs/s per client': ((cpu * 1e6) / connected).toFixed(0),
      'RSS idle→start→end': `${rssIdle.toFixed(0)}→${rssStart.toFixed(0)}→${rssEnd.toFixed(0)} MiB`,
      'KiB/client': (((rssEnd - rssIdle) * 1024) / connected).toFixed(0),
      disconnects: reports.reduce((a, r) => a + r.disconnects, 0),
    },
    avgBytes: messages > 0 ? Math.round(bytes / Math.max(1, messages)) : 500,
    msgsPerSecPerClient: messages / connected / wall,
  };
}

async function runRaw(clients: number, bytes: number, intervalMs: number) {
  const port = await freePort();
  const server = fork('bench/fanout/raw-server.ts', [String(port), String(bytes), String(intervalMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(server);
  await new Promise((r) => server.once('message', r));
  await sleep(300);
  const rssIdle = rssMiB(server.pid!);
  const perProcess = Math.ceil(clients / 2);
  const started = await Promise.all(
    [0, 1].map((i) => startClients({ url: `http://127.0.0.1:${port}`, count: Math.min(perProcess, clients - i * perProcess), mode: 'raw', scope: 'city' })),
  );
  const procs = started.map((x) => x.child);
  const connected = started.reduce((a, x) => a + x.connected, 0);
  await sleep(WARMUP_SECONDS * 1000);
  for (const c of procs) c.send({ type: 'reset' } satisfies ToClients);
  const cpu0 = cpuSeconds(server.pid!);
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const cpu = (cpuSeconds(server.pid!) - cpu0) / wall;
  const reports = await Promise.all(procs.map(report));
  const rssEnd = rssMiB(server.pid!);
  await stopChildren([...procs, server]);
  const s2c = new Histogram();
  for (const r of reports) s2c.merge(r.sendToClient);
  const messages = reports.reduce((a, r) => a + r.messages, 0);
  return {
    scenario: 'raw broadcast',
    clients: connected,
    'events/s': '-',
    'msgs/s/client': (messages / connected / wall).toFixed(2),
    'event→client p50': '-',
    'event→client p99': '-',
    'send→client p50': `${s2c.percentile(0.5)} ms`,
    'send→client p99': `${s2c.percentile(0.99)} ms`,
    'CPU (core)': `${(cpu * 100).toFixed(0)}%`,
    'CPU µs/s per client': ((cpu * 1e6) / connected).toFixed(0),
    'RSS idle→start→end': `${rssIdle.toFixed(0)}→${rssEnd.toFixed(0)} MiB`,
    'KiB/client': (((rssEnd - rssIdle) * 1024) / connected).toFixed(0),
    disconnects: reports.reduce((a, r) => a + r.disconnects, 0),
  };
}

const CALL_WINDOWS = (JSON.parse(fs.readFileSync('config/catalog/windows.json', 'utf8')) as ServiceWindow[])
  .filter((w) => w.center === 'yiyang')
  .slice(0, 50)
  .map((w) => w.code);

/**
 * Calls at a realistic rate over a background load: half the clients on the hall's center room
 * (the hall), half spread over 50 window rooms (window LEDs); one lone ticket.called every
 * CALL_EVERY_MS to one of those windows, while the day's mix flows at BG_RATE events/s in small
 * batches (each source posting as it goes: portal hits keep the center room busy).
 */
/** The hub's room flushes so far, by when (`yg_live_flushes`, docs/realtime.md). */
async function flushes(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = { quiet: 0, call: 0, merged: 0 };
  for (const m of text.matchAll(/^yg_live_flushes\{when="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** The hub's histogram of the parts of its call flushes (`yg_live_call_flush_seconds`), cumulative by bucket (ms). */
async function callFlushParts(url: string): Promise<Map<string, Map<number, number>>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, Map<number, number>>();
  for (const m of text.matchAll(/^yg_live_call_flush_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (labels.le === undefined || labels.part === undefined) continue;
    const part = out.get(labels.part) ?? new Map<number, number>();
    part.set(labels.le === '+Inf' ? Infinity : Number(labels.le) * 1000, Number(m[2]));
    out.set(labels.part, part);
  }
  return out;
}

/** "p50 ≤ a / p99 ≤ b ms" of one part between two scrapes (bucket bounds: the histogram's resolution). */
function partPercentiles(before: Map<string, Map<number, number>>, after: Map<string, Map<number, number>>, part: string): string {
  const b = before.get(part) ?? new Map<number, number>();
  const a = after.get(part);
  if (!a) return 'n/a';
  const rows = [...a].map(([le, n]) => [le, n - (b.get(le) ?? 0)] as const).sort((x, y) => x[0] - y[0]);
  const total = rows.at(-1)?.[1] ?? 0;
  if (total === 0) return 'none';
  const at = (p: number) => {
    const le = rows.find(([, n]) => n >= total * p)![0];
    return le === Infinity ? '>2000' : String(le);
  };
  return `≤${at(0.5)} / ≤${at(0.99)} ms`;
}

async function runCalls(clients: number, prefix: string) {
  const hub = await startHubProcess({ ...HUB_ENV, REDIS_PREFIX: prefix });
  await sleep(500);
  const scopes = CALL_WINDOWS.flatMap((w) => ['center:yiyang', `window:${w}`]);
  const perProcess = Math.ceil(clients / 2);
  const started = await Promise.all(
    [0, 1].map((i) => startClients({ url: hub.url, count: Math.min(perProcess, clients - i * perProcess), mode: 'live', scope: 'center:yiyang', scopes })),
  );
  const procs = started.map((x) => x.child);
  const connected = started.reduce((a, x) => a + x.connected, 0);
  const mixer = createMixer(`calls${Date.now()}`);
  const BG_BATCH = 2;
  const bgEvery = 1000 / (BG_RATE / BG_BATCH);
  const postTo = async (source: keyof typeof tokens, events: unknown[]) => {
    const res = await fetch(`${hub.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[source]}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
    await res.arrayBuffer();
  };
  let callNo = 0;
  let callsPosted = 0;
  // the ingest's share of a call's latency: POST start → 202 (the batch applied and its rooms marked)
  let answered = new Histogram();
  const runTag = Date.now().toString(36);
  const background = async (until: number) => {
    let next = Date.now();
    while (Date.now() < until) {
      const batch = mixer.batch(BG_BATCH, Date.now());
      await postTo(batch.source, batch.events);
      next += bgEvery;
      await sleep(Math.max(0, next - Date.now()));
    }
  };
  const callLoop = async (until: number) => {
    let next = Date.now() + CALL_EVERY_MS / 2;
    while (next < until) {
      await sleep(Math.max(0, next - Date.now()));
      const code = `K${runTag}${callNo++}`;
      const window = CALL_WINDOWS[callNo % CALL_WINDOWS.length]!;
      const t = Date.now();
      for (const c of procs) c.send({ type: 'call', code, window, t } satisfies ToClients);
      await postTo('queue', [{ id: `${code}-called`, type: 'ticket.called', at: toShanghaiIso(t), source: 'queue', center: 'yiyang', ticket: code, window }]);
      answered.add(Date.now() - t);
      callsPosted++;
      // jittered (mean CALL_EVERY_MS): a fixed period would lock each call to one phase of a 250 ms tick
      next += CALL_EVERY_MS * (0.5 + Math.random());
    }
  };
  const phase = (ms: number) => {
    const until = Date.now() + ms;
    return Promise.all([background(until), callLoop(until)]);
  };
  await phase(WARMUP_SECONDS * 1000);
  for (const c of procs) c.send({ type: 'reset' } satisfies ToClients);
  callsPosted = 0;
  answered = new Histogram();
  const flushes0 = await flushes(hub.url);
  const parts0 = await callFlushParts(hub.url);
  const cpu0 = cpuSeconds(hub.pid);
  const t0 = Date.now();
  await phase(CALL_SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const cpu = (cpuSeconds(hub.pid) - cpu0) / wall;
  await sleep(TICK_MS * 4);
  const flushes1 = await flushes(hub.url);
  const parts1 = await callFlushParts(hub.url);
  const flushed = (k: string) => flushes1[k]! - flushes0[k]!;
  const reports = await Promise.all(procs.map(report));
  await stopChildren(procs);
  await hub.stop();

  const center = new Histogram();
  const windows = new Histogram();
  const all = new Histogram();
  const toSend = new Histogram();
  const s2c = new Histogram();
  for (const r of reports) {
    center.merge(r.callToCenter);
    windows.merge(r.callToWindow);
    all.merge(r.callToCenter);
    all.merge(r.callToWindow);
    toSend.merge(r.callToSend);
    s2c.merge(r.sendToClient);
  }
  const messages = reports.reduce((a, r) => a + r.messages, 0);
  const bytes = reports.reduce((a, r) => a + r.messageBytes, 0);
  const expected = reports.reduce((a, r) => a + r.callsExpected, 0);
  const missed = reports.reduce((a, r) => a + r.callsMissed, 0);
  const pct = (h: Histogram) => `${h.percentile(0.5)} / ${h.percentile(0.95)} / ${h.percentile(0.99)} ms`;
  return {
    row: {
      scenario: `calls, 1 hub`,
      clients: connected,
      calls: callsPosted,
      'background events/s': BG_RATE,
      'msgs/s/client': (messages / connected / wall).toFixed(2),
      'call→client p50/p95/p99 (all)': pct(all),
      'center room': pct(center),
      'window rooms': pct(windows),
      'call POST → 202': pct(answered),
      'call→hub send': pct(toSend),
      'hub: mark→read / read / send p50/p99': ['wait', 'read', 'send'].map((p) => partPercentiles(parts0, parts1, p)).join('; '),
      'send→client p50/p99': `${s2c.percentile(0.5)} / ${s2c.percentile(0.99)} ms`,
      'calls seen': `${expected - missed}/${expected}`,
      'room flushes quiet/call/merged': `${flushed('quiet')}/${flushed('call')}/${flushed('merged')}`,
      'CPU (core)': `${(cpu * 100).toFixed(0)}%`,
      'CPU µs/s per client': ((cpu * 1e6) / connected).toFixed(0),
    },
    avgBytes: messages > 0 ? Math.round(bytes / messages) : 500,
    msgsPerSecPerClient: messages / connected / wall,
  };
}

const rows: Record<string, string | number>[] = [];
let run = 0;
for (const s of scenarios) {
  const live = await runLive(s, `fanout${run++}:`);
  rows.push(live.row);
  console.log(JSON.stringify(live.row));
  if (s.hubs === 1) {
    // Same clients, same message size and rate as the hub sent, straight from a bare Socket.IO server.
    const raw = await runRaw(s.clients, live.avgBytes, Math.max(20, Math.round(1000 / Math.max(0.5, live.msgsPerSecPerClient))));
    rows.push(raw);
    console.log(JSON.stringify(raw), `payload ${live.avgBytes} B`);
  }
}
if (rows.length > 0)
  printTable(
    `/live fan-out, ${EVENTS_PER_SEC} events/s offered (all clients on the city room: msgs/s/client = deltas/s of the room), tick ${TICK_MS} ms, ${SECONDS} s measured`,
    rows,
  );

if (!argv.includes('--no-calls')) {
  const calls = await runCalls(CALL_CLIENTS, `fanout${run++}:`);
  console.log(JSON.stringify(calls.row));
  const raw = await runRaw(CALL_CLIENTS, calls.avgBytes, Math.max(20, Math.round(1000 / Math.max(0.5, calls.msgsPerSecPerClient))));
  console.log(JSON.stringify(raw), `payload ${calls.avgBytes} B`);
  const rawRow: Record<string, string | number> = {};
  for (const k of Object.keys(calls.row)) rawRow[k] = '-';
  Object.assign(rawRow, {
    scenario: `raw broadcast (${calls.avgBytes} B)`,
    clients: raw.clients,
    'msgs/s/client': raw['msgs/s/client'],
    'send→client p50/p99': `${raw['send→client p50']} / ${raw['send→client p99']}`,
    'CPU (core)': raw['CPU (core)'],
    'CPU µs/s per client': raw['CPU µs/s per client'],
  });
  printTable(
    `/live call latency: one call every ${CALL_EVERY_MS} ms on average over ${BG_RATE} events/s of the day's mix, tick ${TICK_MS} ms, ${CALL_SECONDS} s measured (goal: call→client p99 ≤ 100 ms)`,
    [calls.row, rawRow],
  );
}
await redis.stop();
process.exit(0);
