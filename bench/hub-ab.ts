/**
 * Two hubs compared flat out on one Redis, their runs alternated (A B, B A, …), so that the
 * machine's drift falls on both alike. On this VM the same code's CPU per event moves by a sixth
 * from one bench to the next: a change of a few per cent shows only run against run, and only
 * in most pairs, which is what this bench counts.
 *   npm run bench -- hub-ab [--a "<node flags>"] [--b "<node flags>"] [--b-entry <path>] [--rounds N] [--seconds S]
 * --a / --b: node flags after production's (package.json's start script), e.g. --b "--no-parallel-scavenge";
 * --b-entry: another build's hub for B, e.g. ../other-worktree/dist/server/main.js (a change of code).
 * Each hub has its own key prefix with the same day of event log preloaded, and the archive on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ingestTokensEnv } from './lib/event-mix.ts';
import { createSender, FLAT_OUT_MAX_RATE, postUntil, prepareBatches, type Sender } from './lib/ingest-sender.ts';
import { CENTER_EVENTS_PER_DAY, preloadEventLog } from './lib/preload-event-log.ts';
import { cpuSeconds, printTable, sleep, startHubProcess, startRedis, type BenchHub } from './lib/processes.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const flagsOf = (s: string | undefined) => (s ?? '').split(' ').filter(Boolean);
// rounds: even, half with each configuration in each slot
const ROUNDS = 2 * Math.ceil(Number(arg('rounds') ?? 8) / 2);
const SECONDS = Number(arg('seconds') ?? 8);
const BATCH = 100;
const SENDERS = 16;

const redis = await startRedis();
const r = new Redis(redis.port);
const configs = [
  { name: 'A', nodeArgs: flagsOf(arg('a')), entry: undefined as string | undefined },
  { name: 'B', nodeArgs: flagsOf(arg('b')), entry: arg('b-entry') },
];
// Two slots, each a key prefix with the same day of event log, both preloaded before either hub
// starts. The configurations swap slots halfway: when each hub was started right after its own
// preload, the second used a tenth less CPU per event whatever it ran (2026-12-01, cause not
// found); a bias of the slots now falls on both alike.
const slots = ['a:', 'b:'];
const archiveDirs: string[] = [];
for (const prefix of slots) {
  await preloadEventLog(r, prefix, CENTER_EVENTS_PER_DAY);
  // the preloaded log counts as archived (steady state: the archive keeps up)
  const last = (await r.xrevrange(`${prefix}events`, '+', '-', 'COUNT', 1))[0]?.[0];
  if (last) await r.set(`${prefix}archive:cursor`, last);
  archiveDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'yg-bench-ab-archive-')));
}
interface Running {
  hub: BenchHub;
  sender: Sender;
}
/** The hubs of a half: `running[k]` runs configuration k in slot `slotOf[k]`. */
async function startHalf(slotOf: number[]): Promise<Running[]> {
  const running: Running[] = [];
  for (let k = 0; k < configs.length; k++) {
    const slot = slotOf[k]!;
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: slots[slot]!, INGEST_TOKENS: ingestTokensEnv(), ARCHIVE: 'on', ARCHIVE_DIR: archiveDirs[slot]! };
    const config = configs[k]!;
    const hub = await startHubProcess(env, { nodeArgs: config.nodeArgs, ...(config.entry ? { entry: config.entry } : {}) });
    running.push({ hub, sender: createSender(hub.url, 128) });
  }
  return running;
}

async function flatOut({ hub, sender }: Running) {
  const batches = prepareBatches(`ab-${Date.now()}`, Math.ceil((FLAT_OUT_MAX_RATE * SECONDS) / BATCH), BATCH);
  const cpu0 = cpuSeconds(hub.pid);
  const rcpu0 = cpuSeconds(redis.pid);
  const started = performance.now();
  const accepted = await postUntil(sender.post, batches, Date.now() + SECONDS * 1000, SENDERS);
  const seconds = (performance.now() - started) / 1000;
  return { rate: accepted / seconds, hub: ((cpuSeconds(hub.pid) - cpu0) * 1e6) / accepted, redis: ((cpuSeconds(redis.pid) - rcpu0) * 1e6) / accepted };
}

type Run = Awaited<ReturnType<typeof flatOut>>;
const runs: Run[][] = [[], []];
for (const slotOf of [
  [0, 1],
  [1, 0],
]) {
  const running = await startHalf(slotOf);
  for (const h of running) await flatOut(h); // warm-up: JIT, script cache, connections
  for (let round = 0; round < ROUNDS / 2; round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
      runs[k]!.push(await flatOut(running[k]!));
      await sleep(500);
    }
  }
  for (const h of running) {
    h.sender.close();
    await h.hub.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: Run) => `${Math.round(x.rate)} / ${x.hub.toFixed(2)} / ${x.redis.toFixed(2)}`;
printTable(
  `Hub A against hub B flat out, ${SECONDS} s runs alternated (events/s / hub µs per event / Redis µs per event); A: node ${flagsOf(arg('a')).join(' ') || '(production flags)'}; B: node ${flagsOf(arg('b')).join(' ') || '(production flags)'}${arg('b-entry') ? ` ${arg('b-entry')}` : ''}`,
  runs[0]!.map((a, i) => ({ round: i + 1, 'A / B slot': i < ROUNDS / 2 ? '1 / 2' : '2 / 1', A: fmt(a), B: fmt(runs[1]![i]!) })),
);
const lowerHub = runs[1]!.filter((b, i) => b.hub < runs[0]![i]!.hub).length;
const faster = runs[1]!.filter((b, i) => b.rate > runs[0]![i]!.rate).length;
printTable('Summary (medians)', [
  ...runs.map((xs, k) => ({
    hub: configs[k]!.name,
    'events/s': Math.round(median(xs.map((x) => x.rate))),
    'hub µs/event': median(xs.map((x) => x.hub)).toFixed(2),
    'redis µs/event': median(xs.map((x) => x.redis)).toFixed(2),
  })),
]);
console.log(`B used less hub CPU per event in ${lowerHub} of ${ROUNDS} rounds, and took more events/s in ${faster}.`);

r.disconnect();
await redis.stop();
for (const dir of archiveDirs) fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
