/** Real processes for benchmarks: a redis-server and hub processes on loopback, cleaned up at exit. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

// one free-port finder for tests, fault tests and benchmarks
export { freePort } from '../../support/free-port.ts';
import { freePort } from '../../support/free-port.ts';
import { PERSISTENCE_ARGS } from '../../server/redis/private-redis.ts';
import { hubNodeFlags } from '../../scripts/hub-node-flags.ts';

export interface BenchRedis {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A redis-server configured like production (the private Redis's persistence, fsync every second). */
export async function startRedis(): Promise<BenchRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-bench-redis-'));
  const port = await freePort();
  // e.g. BENCH_REDIS_ARGS='--auto-aof-rewrite-min-size 64mb' (Redis's default) to see what AOF rewrites cost
  const extra = (process.env.BENCH_REDIS_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...PERSISTENCE_ARGS, '--appendfsync', 'everysec', ...extra],
    { stdio: 'ignore' },
  );
  children.add(child);
  const probe = new Redis({ port, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await Promise.race([
    probe.ping(),
    sleep(10_000).then(() => {
      throw new Error('bench redis-server did not start');
    }),
  ]);
  probe.disconnect();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      children.delete(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The node flags `npm start` gives the hub, so that the bench's hubs run as production's do. */
export const HUB_NODE_ARGS: string[] = hubNodeFlags();

export interface BenchHub {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The hub as `npm start` runs it: the production build (tsc's JavaScript, dist/server/main.js),
 * compiled first when a source is newer. Not tsx: its transform wraps every function made at run
 * time in a naming helper, and its loader stays in the process, which production has neither of.
 */
let hubBuilt = false;
function productionHubEntry(): string {
  if (!hubBuilt) {
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale', '--server-only'], { stdio: ['ignore', 'ignore', 'inherit'] });
    hubBuilt = true;
  }
  return 'dist/server/main.js';
}

export interface HubProcessOptions {
  /** Node flags after production's (HUB_NODE_ARGS); default BENCH_HUB_NODE_ARGS from the environment. */
  nodeArgs?: string[];
  /** Another build's entry, e.g. a worktree's dist/server/main.js (bench/hub-ab.ts); default this tree's build. */
  entry?: string;
}

/** A hub in its own process, so its CPU is its own and the load generator does not share its event loop. */
export async function startHubProcess(env: Record<string, string>, opts: HubProcessOptions = {}): Promise<BenchHub> {
  const port = await freePort();
  // e.g. BENCH_HUB_NODE_ARGS='--max-semi-space-size=16' to compare V8 settings (the last of a flag wins)
  const nodeArgs = [...HUB_NODE_ARGS, ...(opts.nodeArgs ?? (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean))];
  // BENCH_CPU_PROF=dir: each hub writes a V8 CPU profile there when it stops (summarise with any
  // .cpuprofile viewer, e.g. Chrome's DevTools)
  if (process.env.BENCH_CPU_PROF) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  const child = spawn(process.execPath, [...nodeArgs, opts.entry ?? productionHubEntry()], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    // a minute: a loaded machine can take half of it to load the hub's modules
    if (i > 600 || child.exitCode !== null) {
      child.kill('SIGKILL');
      children.delete(child);
      throw new Error('bench hub did not start');
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      // a hub that already exited sends no more 'exit'; one that does not stop in 30 s is killed
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
}

/** Rewrites Redis's AOF now and waits until the rewrite is done. */
export async function rewriteAof(redis: Redis): Promise<void> {
  // Redis may have started one of its own (auto-aof-rewrite-percentage): a second is refused while it runs
  await aofRewriteDone(redis);
  await redis.bgrewriteaof();
  await aofRewriteDone(redis);
}

async function aofRewriteDone(redis: Redis): Promise<void> {
  for (;;) {
    const persistence = await redis.info('persistence');
    if (/aof_rewrite_in_progress:0/.test(persistence) && /aof_rewrite_scheduled:0/.test(persistence)) return;
    await sleep(200);
  }
}

/** CPU seconds (user+system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}
