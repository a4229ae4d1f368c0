import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePrivateRedis } from '../../server/redis/private-redis.ts';

describe('the private redis-server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yg-private-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is reused after a hub crash and keeps its data across a clean restart', async () => {
    const first = await ensurePrivateRedis({ dir });
    expect(first.startedHere).toBe(true);
    const client = new Redis({ path: first.socketPath });
    await client.set('kept', 'yes');
    client.disconnect();

    // a crashed hub never called stop(): the next start finds the server still running
    const afterCrash = await ensurePrivateRedis({ dir });
    expect(afterCrash).toMatchObject({ startedHere: false, pid: first.pid });

    await first.stop();
    expect(fs.existsSync(path.join(dir, 'appendonlydir'))).toBe(true);
    const restarted = await ensurePrivateRedis({ dir });
    expect(restarted.startedHere).toBe(true);
    const again = new Redis({ path: restarted.socketPath });
    expect(await again.get('kept')).toBe('yes');
    again.disconnect();
    await restarted.stop();
  });
});
