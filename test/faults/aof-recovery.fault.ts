import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { RedisProcess } from './processes.ts';

/** The incremental AOF file and the manifest of a data dir (Redis 7 multi-part AOF). */
function aofFiles(dir: string): { incr: string; manifest: string } {
  const aofDir = path.join(dir, 'appendonlydir');
  const files = fs.readdirSync(aofDir);
  return {
    incr: path.join(
      aofDir,
      files.find((f) => f.endsWith('.incr.aof'))!,
    ),
    manifest: path.join(
      aofDir,
      files.find((f) => f.endsWith('.manifest'))!,
    ),
  };
}

async function xlen(port: number): Promise<number> {
  const r = new Redis(port);
  try {
    return await r.xlen('events');
  } finally {
    r.disconnect();
  }
}

/** Starts redis-server on the dir and tells whether it refused to load the AOF (exited) rather than serve (answered PING). */
async function refusesToStart(r: RedisProcess): Promise<boolean> {
  const child = spawn('redis-server', ['--port', String(r.port), '--bind', '127.0.0.1', '--dir', r.dir, '--appendonly', 'yes', '--save', ''], {
    stdio: 'ignore',
  });
  let code: number | null = null;
  const exited = new Promise<void>((res) =>
    child.once('exit', (c) => {
      code = c ?? -1;
      res();
    }),
  );
  const probe = new Redis({ port: r.port, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  let served = false;
  void probe.ping().then(
    () => {
      served = true;
    },
    () => undefined,
  );
  try {
    await waitFor('redis-server to serve or to exit', () => served || code !== null);
  } finally {
    probe.disconnect();
  }
  if (code === null) {
    child.kill('SIGKILL');
    await exited;
  }
  return code !== null && code !== 0;
}

describe('a damaged append-only file', () => {
  let redis: RedisProcess;
  afterAll(async () => {
    await redis?.cleanup();
  });

  it('loads past a truncated tail, and the documented redis-check-aof --fix recovers a corrupted one', async () => {
    redis = await RedisProcess.create(['--appendfsync', 'always']);
    const client = new Redis(redis.port);
    const p = client.pipeline();
    for (let i = 0; i < 1000; i++) p.xadd('events', '*', 'e', JSON.stringify({ id: `e${i}`, pad: 'x'.repeat(100) }));
    await p.exec();
    client.disconnect();
    await redis.kill('SIGKILL');

    // 1. a write cut short by a crash: the last command is incomplete
    const { incr, manifest } = aofFiles(redis.dir);
    fs.truncateSync(incr, fs.statSync(incr).size - 20);
    await redis.start(); // aof-load-truncated yes (the default) drops the incomplete command
    expect(await xlen(redis.port)).toBe(999);
    await redis.kill('SIGKILL');

    // 2. a broken command header in the middle of the file: Redis refuses to start until it is repaired
    const bytes = fs.readFileSync(incr);
    const header = bytes.indexOf('\r\n*', Math.floor(bytes.length / 2)) + 2;
    bytes.write('X', header);
    fs.writeFileSync(incr, bytes);
    expect(await refusesToStart(redis)).toBe(true);
    const fix = spawnSync('redis-check-aof', ['--fix', manifest], { input: 'y\n', encoding: 'utf8' });
    expect(fix.stdout + fix.stderr).toMatch(/Successfully truncated|OK/);
    await redis.start();
    const kept = await xlen(redis.port);
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThan(999);
    console.log(`AOF recovery: truncated tail → 999 of 1000 entries; corrupted middle → refused to start, redis-check-aof --fix kept ${kept}`);
  }, 60_000);
});
