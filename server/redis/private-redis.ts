/**
 * The private redis-server the hub runs when no REDIS_URL is configured: AOF persistence under
 * DATA_DIR/redis, reachable only through a unix socket (no port to collide with). After a hub
 * crash the server keeps running; the next start finds it through the socket and reuses it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { replyCode } from './store-failure.ts';

/**
 * How the private Redis keeps its data; the benchmarks start theirs with the same, so that they
 * measure what runs. The AOF (fsync per `appendfsync`) is the copy that counts; RDB snapshots are a
 * second one. The AOF is rewritten only once it has doubled and is at least 1 GB: the rewrite's base
 * is the compressed snapshot (about 60 MB for a 3-day event log), so with Redis's 64 MB floor a
 * burst of events made Redis fork and rewrite every few seconds, each fork stopping it for a
 * quarter of a second and each rewrite taking a core. At the center's volume (some 200 MB of AOF a
 * day, about 630 bytes an event) 1 GB is about five days of writes; replaying it takes seconds.
 */
export const PERSISTENCE_ARGS = ['--appendonly', 'yes', '--save', '3600 1 300 100', '--auto-aof-rewrite-min-size', '1gb'];

export class RedisServerMissingError extends Error {
  override name = 'RedisServerMissingError';
  constructor() {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to an existing Redis.');
  }
}

export interface PrivateRedis {
  socketPath: string;
  /** True when this process started the server (and so stops it on exit). */
  startedHere: boolean;
  pid: number | null;
  /** Settles when a server this process started exits, however (null: reused, not our child). */
  exited: Promise<void> | null;
  stop(): Promise<void>;
}

/** The private Redis's default memory limit (REDIS_MAXMEMORY; sizing in docs/deploy.md). */
export const DEFAULT_MAXMEMORY_BYTES = 4 * 1024 ** 3;

/**
 * A full Redis must refuse writes, never drop keys: every key of the hub is data (the event log
 * not yet applied, de-duplication ids, aggregates, sessions), so `noeviction`.
 */
export function memoryArgs(maxmemoryBytes: number): string[] {
  return ['--maxmemory', String(maxmemoryBytes), '--maxmemory-policy', 'noeviction'];
}

export interface PrivateRedisOptions {
  dir: string;
  /** `always` makes every write wait for the disk (INGEST_DURABILITY=fsync on Redis < 7.2). @default 'everysec' */
  appendfsync?: 'everysec' | 'always';
  binary?: string;
  /** @default DEFAULT_MAXMEMORY_BYTES; 0: no limit */
  maxmemoryBytes?: number;
  log?: (msg: string) => void;
}

export async function ensurePrivateRedis(opts: PrivateRedisOptions): Promise<PrivateRedis> {
  const log = opts.log ?? (() => undefined);
  fs.mkdirSync(opts.dir, { recursive: true });
  const socketPath = socketPathFor(opts.dir);
  const pidFile = path.join(opts.dir, 'redis.pid');
  const maxmemory = opts.maxmemoryBytes ?? DEFAULT_MAXMEMORY_BYTES;

  if (await answers(socketPath)) {
    const pid = readPid(pidFile);
    log(`reusing the private redis-server already running (pid ${pid ?? '?'}) at ${socketPath}`);
    // the settings may have changed since that server started: apply those given to it (a CLI
    // that passes none must not reset the hub's)
    await configSet(socketPath, [
      ...(opts.appendfsync ? [['appendfsync', opts.appendfsync]] : []),
      ...(opts.maxmemoryBytes !== undefined
        ? [
            ['maxmemory', String(opts.maxmemoryBytes)],
            ['maxmemory-policy', 'noeviction'],
          ]
        : []),
    ]);
    return { socketPath, startedHere: false, pid, exited: null, stop: async () => undefined };
  }
  // Not answering: whatever is left is stale (a crashed server). Remove it so the new one can bind.
  const stalePid = readPid(pidFile);
  if (stalePid && isAlive(stalePid)) {
    log(`private redis-server pid ${stalePid} does not answer; stopping it`);
    process.kill(stalePid, 'SIGTERM');
    await waitUntil(() => !isAlive(stalePid), 10_000);
  }
  fs.rmSync(socketPath, { force: true });

  const binary = opts.binary ?? 'redis-server';
  const child = spawn(
    binary,
    [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--unixsocketperm',
      '700',
      '--dir',
      opts.dir,
      '--pidfile',
      pidFile,
      '--daemonize',
      'no',
      ...PERSISTENCE_ARGS,
      '--appendfsync',
      opts.appendfsync ?? 'everysec',
      ...memoryArgs(maxmemory),
      '--logfile',
      path.join(opts.dir, 'redis.log'),
    ],
    { detached: true, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const ready = waitUntil(() => answers(socketPath), 30_000);
  const first = await Promise.race([ready.then(() => null), spawnError]);
  if (first) {
    if ((first as NodeJS.ErrnoException).code === 'ENOENT') throw new RedisServerMissingError();
    throw first;
  }
  child.unref();
  log(`started a private redis-server (pid ${child.pid}) with AOF persistence in ${opts.dir}`);
  return { socketPath, startedHere: true, pid: child.pid ?? null, exited, stop: () => stopServer(child, socketPath) };
}

async function configSet(socketPath: string, settings: string[][]): Promise<void> {
  const client = new Redis({ path: socketPath, maxRetriesPerRequest: 0 });
  try {
    for (const [name, value] of settings) await client.config('SET', name!, value!);
  } finally {
    client.disconnect();
  }
}

async function stopServer(child: ChildProcess, socketPath: string): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis({ path: socketPath, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    await client.call('SHUTDOWN').catch(() => undefined); // the connection drops as the server exits
  } catch {
    child.kill('SIGTERM');
  } finally {
    client.disconnect();
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

/** Unix socket paths are limited to ~107 bytes; a deep checkout falls back to a stable path in tmp. */
function socketPathFor(dir: string): string {
  const inDir = path.join(dir, 'redis.sock');
  if (Buffer.byteLength(inDir) <= 100) return inDir;
  const hash = crypto.createHash('sha1').update(dir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `yangguang-redis-${hash}.sock`);
}

export async function answers(socketPath: string): Promise<boolean> {
  if (!fs.existsSync(socketPath)) return false;
  const client = new Redis({ path: socketPath, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (err) {
    // A server still loading its AOF answers LOADING: it is alive, just not ready.
    return replyCode(err) === 'LOADING';
  } finally {
    client.disconnect();
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the private redis-server`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
