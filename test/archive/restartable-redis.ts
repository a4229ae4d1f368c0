/** A redis-server with its AOF in a folder of its own, that a test may kill (SIGKILL) and start again on the same data and port. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../support/free-port.ts';
import { waitFor } from '../helpers/wait-for.ts';

export interface RestartableRedis {
  url: string;
  client: Redis;
  /** kill -9, then the same server again on its AOF; answers once it takes commands. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRestartableRedis(): Promise<RestartableRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-archive-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  let exited: Promise<void>;
  const launch = () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
      {
        stdio: 'ignore',
      },
    );
    exited = new Promise<void>((r) => child.once('exit', () => r()));
  };
  launch();
  const client = new Redis({ port, retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  const up = () =>
    waitFor(
      'redis-server to answer',
      () =>
        client.ping().then(
          () => true,
          () => false,
        ),
      20_000,
    );
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    async restart() {
      child.kill('SIGKILL');
      await exited;
      launch();
      await up();
    },
    async stop() {
      client.disconnect();
      child.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
