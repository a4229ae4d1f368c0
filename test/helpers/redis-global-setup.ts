/** Starts one real redis-server for the test run: its own port and data dir, removed afterwards. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';
import { freePort } from '../../support/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisPort: number;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-test-redis-'));
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
    { stdio: 'ignore' },
  );
  // keeps retrying the connection until the server listens; a fresh connect() per try would race it
  const client = new Redis({ port, retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  let giveUp: NodeJS.Timeout | undefined;
  const started = await Promise.race([
    client.ping().then(() => true),
    new Promise<false>((r) => {
      giveUp = setTimeout(() => r(false), 15_000);
    }),
  ]);
  // a pending timer would keep vitest from exiting for the rest of its 15 s
  clearTimeout(giveUp);
  if (!started) {
    client.disconnect();
    child.kill('SIGKILL');
    throw new Error('the test redis-server did not start within 15 s (is redis-server installed?)');
  }
  client.disconnect();
  project.provide('redisPort', port);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
