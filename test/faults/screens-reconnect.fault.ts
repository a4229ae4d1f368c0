import { afterAll, describe, expect, it } from 'vitest';
import { createLiveClient, type LiveClient } from '../../web/live/index.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV } from './sender.ts';

const SCREENS = Number(process.env.FAULT_SCREENS ?? 500);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

describe(`${SCREENS} screens connected when both hubs restart`, () => {
  let redis: RedisProcess;
  const hubs: HubProcess[] = [];
  const clients: LiveClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const h of hubs) await h.kill();
    await redis?.cleanup();
  });

  it('all reconnect and resync within 30 s, with no duplicated sockets and event-loop lag under 200 ms', async () => {
    redis = await RedisProcess.create();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV };
    hubs.push(await HubProcess.start(env), await HubProcess.start(env));
    const lastSnapshotAt = new Array<number>(SCREENS).fill(0);
    for (let i = 0; i < SCREENS; i++) {
      const client = createLiveClient({ url: hubs[i % 2]!.url });
      client.subscribe('center:yiyang', (_state, info) => {
        if (info.kind === 'snapshot') lastSnapshotAt[i] = Date.now();
      });
      clients.push(client);
    }
    const everyoneSince = (t: number, timeoutMs: number) =>
      waitFor(`every screen to have a snapshot since ${t}`, () => lastSnapshotAt.every((s) => s >= t), timeoutMs, 100);
    await everyoneSince(1, 60_000);

    // both hubs go down at once (a deploy), and come back on the same addresses
    const restartAt = Date.now();
    await Promise.all(hubs.map((h) => h.kill('SIGTERM')));
    await Promise.all(hubs.map((h) => h.start()));
    await everyoneSince(restartAt, 30_000);
    const reconnectSec = (Math.max(...lastSnapshotAt) - restartAt) / 1000;

    const socketCount = async () => (await Promise.all(hubs.map((h) => metric(h.url, 'yg_live_sockets')))).reduce((a, b) => a + b, 0);
    // the hubs count each screen once (a duplicated socket keeps the sum above SCREENS)
    await waitFor(`${SCREENS} sockets on the hubs`, async () => (await socketCount()) === SCREENS, 10_000, 100).catch(() => undefined);
    const sockets = await socketCount();
    const lagMax = Math.max(...(await Promise.all(hubs.map((h) => metric(h.url, 'yg_nodejs_eventloop_lag_max_seconds')))));
    expect(sockets).toBe(SCREENS);
    expect(lagMax).toBeLessThan(0.2);
    console.log(
      `${SCREENS} screens: all resynced ${reconnectSec.toFixed(1)} s after both hubs were stopped (restart included); ${sockets} sockets on the hubs; event-loop lag max ${(lagMax * 1000).toFixed(0)} ms`,
    );
  }, 180_000);
});
