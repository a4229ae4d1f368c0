import { afterAll, describe, expect, it } from 'vitest';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, today, waitDrained } from './sender.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 of a hub between reading and acknowledging events', () => {
  let redis: RedisProcess;
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.kill();
    await redis?.cleanup();
  });

  it('leaves nothing half applied: the other hub goes on with the stream and counts change exactly once', async () => {
    redis = await RedisProcess.create();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV };
    const a = await HubProcess.start(env);
    const b = await HubProcess.start(env);
    hubs.push(a, b);
    const sender = createSender(() => a.url, `hubkill-${Date.now()}`);
    const sending = sender.run(6);
    await sleep(3000);
    await b.kill('SIGKILL');
    await sleep(3000);
    sender.stop();
    await sending;
    await waitDrained(a.url, 30_000);
    expect(await countedPv(a.url, today())).toBe(sender.stats.acked);
    expect((await (await fetch(`${a.url}/healthz`)).json()).consumer.pending).toBe(0);
    console.log(`hub kill -9: ${sender.stats.acked} events, all counted once; nothing left pending`);
  }, 90_000);
});
