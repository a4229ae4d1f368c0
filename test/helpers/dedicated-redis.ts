/**
 * A redis-server of a test's own, for tests that change Redis's configuration (maxmemory) or
 * starve it of disk: the run's shared server must not be touched. `fileSizeLimitBytes` starts it
 * under `ulimit -f` (with SIGXFSZ ignored, so a write past the limit fails with EFBIG as a full
 * disk fails with ENOSPC); `prlimit` lifts the limit again, as freeing the disk would.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../support/free-port.ts';

export interface DedicatedRedis {
  port: number;
  url: string;
  pid: number;
  dir: string;
  client: Redis;
  /** Lets Redis write files of any size again. */
  freeDisk(): void;
  stop(): Promise<void>;
}

export async function startDedicatedRedis(opts: { fileSizeLimitBytes?: number } = {}): Promise<DedicatedRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-own-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
  let child: ChildProcess;
  if (opts.fileSizeLimitBytes !== undefined) {
    // bash counts ulimit -f in KiB; the soft limit alone, which prlimit may lift again without privileges; `exec` keeps the pid, and an ignored signal stays ignored across exec
    const kib = Math.max(1, Math.ceil(opts.fileSizeLimitBytes / 1024));
    child = spawn('bash', ['-c', `trap '' XFSZ; ulimit -S -f ${kib}; exec redis-server "$@"`, 'redis', ...args], { stdio: 'ignore' });
  } else {
    child = spawn('redis-server', args, { stdio: 'ignore' });
  }
  const client = new Redis({ port, retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the dedicated redis-server did not start')), 15_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    port,
    dir,
    client,
    pid: child.pid!,
    url: `redis://127.0.0.1:${port}`,
    freeDisk: () => {
      execFileSync('prlimit', ['--pid', String(child.pid), '--fsize=unlimited:']);
    },
    async stop() {
      client.disconnect();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
