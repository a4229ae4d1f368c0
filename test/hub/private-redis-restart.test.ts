/**
 * The private redis-server runs with a memory limit and noeviction, and the hub's keeper starts it
 * again when it dies: kill -9 it under a running hub and the hub's health comes back, with every
 * acknowledged event still counted, without restarting the hub.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/env.ts';
import type { Hub } from '../../server/hub.ts';
import { ensurePrivateRedis } from '../../server/redis/private-redis.ts';
import { startKeptPrivateRedis, type PrivateRedisKeeper } from '../../server/redis/private-redis-keeper.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MiB = 1024 ** 2;

async function memoryConfig(socketPath: string): Promise<{ maxmemory: number; policy: string }> {
  const client = new Redis({ path: socketPath });
  try {
    const [, maxmemory] = (await client.config('GET', 'maxmemory')) as [string, string];
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
    return { maxmemory: Number(maxmemory), policy };
  } finally {
    client.disconnect();
  }
}

describe('REDIS_MAXMEMORY', () => {
  it('defaults to 4gb and takes Redis sizes', () => {
    const redisOf = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/yg', ...env }).redis;
    expect(redisOf({})).toMatchObject({ kind: 'private', maxmemoryBytes: 4 * 1024 ** 3 });
    expect(redisOf({ REDIS_MAXMEMORY: '512mb' })).toMatchObject({ maxmemoryBytes: 512 * MiB });
    expect(redisOf({ REDIS_MAXMEMORY: '2G' })).toMatchObject({ maxmemoryBytes: 2e9 });
    expect(redisOf({ REDIS_MAXMEMORY: '0' })).toMatchObject({ maxmemoryBytes: 0 });
    for (const bad of ['1mb', 'lots', '-1gb', '4tb', '4 gigabytes']) expect(() => redisOf({ REDIS_MAXMEMORY: bad }), bad).toThrow(/REDIS_MAXMEMORY/);
  });
});

describe('the private redis-server under a running hub', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-kept-'));
  let keeper: PrivateRedisKeeper | undefined;
  let hub: Hub | undefined;
  afterAll(async () => {
    await hub?.stop();
    await keeper?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts with maxmemory and noeviction, and a reused server takes the setting too', async () => {
    keeper = await startKeptPrivateRedis({ dir, maxmemoryBytes: 256 * MiB });
    expect(await memoryConfig(keeper.socketPath)).toEqual({ maxmemory: 256 * MiB, policy: 'noeviction' });
    // a hub restarted with another REDIS_MAXMEMORY finds the server running and applies it
    const reused = await ensurePrivateRedis({ dir, maxmemoryBytes: 300 * MiB });
    expect(reused.startedHere).toBe(false);
    expect(await memoryConfig(keeper.socketPath)).toEqual({ maxmemory: 300 * MiB, policy: 'noeviction' });
  });

  it('is started again after kill -9, and the hub comes back without a restart', async () => {
    const k = keeper!;
    hub = await startTestHub(testPrefix(), { redisTarget: { kind: 'socket', path: k.socketPath }, now: fixedClock('10:00') });
    const before = Array.from({ length: 20 }, (_, i) => ev.hit(at('09:00'), `v${i}`));
    expect((await postEvents(hub, 'portal', before)).body.accepted).toBe(20);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

    const oldPid = k.current.pid!;
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    await waitFor('the keeper to restart Redis', async () => k.restarts === 1 && k.current.pid !== oldPid);
    const restartedMs = Date.now() - killedAt;
    await waitFor('health back to ok', async () => (await fetch(`${hub!.url}/healthz`)).status === 200);
    const healthyMs = Date.now() - killedAt;
    // the restarted server has the same settings
    expect(await memoryConfig(k.socketPath)).toMatchObject({ policy: 'noeviction' });

    // ingest works again, and what was acknowledged before the kill is still counted, once
    const after = await waitFor('ingest to take a batch again', async () => {
      const res = await postEvents(hub!, 'portal', [...before, ev.hit(at('09:30'), 'late')]);
      return res.status === 202 && res;
    });
    expect(after.body).toMatchObject({ accepted: 1, duplicates: 20 });
    expect((await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv).toBe(21);
    console.log(`private redis killed: restarted after ${restartedMs} ms, hub healthy after ${healthyMs} ms`);
    expect(healthyMs).toBeLessThan(10_000);
  });
});
