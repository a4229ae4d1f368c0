/**
 * Fan-out of /live: 1,000 and 3,000 websocket clients (in two child processes) subscribed to the
 * city while events flow; 2 hubs sharing 3,000 clients; and, in the same run, a raw Socket.IO
 * broadcast of a payload of the same size to the same number of clients.
 *   npm run bench -- fanout [--quick] [--seconds N] [--rate EVENTS_PER_SEC] [--clients N [--hubs 2]]
 *
 * Latency "event → client": from the start of the ingest POST to the arrival of the first delta
 * whose portal pv includes that batch. "send → client": from the hub's (or raw server's) send
 * time to the arrival. CPU and RSS are read from /proc for the hub (or raw server) process only.
 */
import { fork, type ChildProcess } from 'node:child_process';
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
const scenarios: Scenario[] = only
  ? [{ name: `${only.hubs} hub${only.hubs > 1 ? 's' : ''}`, ...only }]
  : quick
    ? [{ name: '1 hub', hubs: 1, clients: 300 }]
    : [
        { name: '1 hub', hubs: 1, clients: 1000 },
        { name: '1 hub', hubs: 1, clients: 3000 },
        { name: '2 hubs', hubs: 2, clients: 3000 },
      ];

const redis = await startRedis();
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
    hubs.push(
      await startHubProcess({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, INGEST_TOKENS: ingestTokensEnv(), LIVE_TICK_MS: String(TICK_MS), SCREEN_TOKENS: '' }),
    );
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
    'RSS idle→start→end': `${rssIdle.toFixed(0)}→${rssEnd.toFixed(0)} MiB`,
    'KiB/client': (((rssEnd - rssIdle) * 1024) / connected).toFixed(0),
    disconnects: reports.reduce((a, r) => a + r.disconnects, 0),
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
printTable(
  `/live fan-out, ${EVENTS_PER_SEC} events/s offered, tick ${TICK_MS} ms, ${SECONDS} s measured (goal: event→client p99 ≤ ${TICK_MS + 50} ms at 1,000 clients)`,
  rows,
);
await redis.stop();
process.exit(0);
