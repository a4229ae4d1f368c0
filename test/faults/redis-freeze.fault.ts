import { afterAll, describe, expect, it } from 'vitest';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, today, waitDrained } from './sender.ts';

const FREEZE_SEC = Number(process.env.FAULT_FREEZE_SEC ?? 60);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`Redis frozen (SIGSTOP) for ${FREEZE_SEC} s`, () => {
  let redis: RedisProcess;
  let hub: HubProcess;
  afterAll(async () => {
    redis?.signal('SIGCONT');
    await hub?.kill();
    await redis?.cleanup();
  });

  it('answers 503 within a second, keeps the hub memory bounded, says degraded, and recovers every event', async () => {
    redis = await RedisProcess.create();
    hub = await HubProcess.start({ REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV });
    const sender = createSender(() => hub.url, `freeze-${Date.now()}`);
    const sending = sender.run(4, 20);
    await sleep(2000);
    const rssBefore = hub.rssMiB();
    redis.signal('SIGSTOP');
    await sleep(3000);
    const health = await fetch(`${hub.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', redis: { reachable: false } });
    let rssMax = 0;
    for (let t = 3; t < FREEZE_SEC; t += 1) {
      rssMax = Math.max(rssMax, hub.rssMiB());
      await sleep(1000);
    }
    redis.signal('SIGCONT');
    await sleep(3000);
    sender.stop();
    await sending;
    await waitDrained(hub.url);
    expect(sender.stats.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(sender.stats.maxAnswerMs503).toBeLessThan(1000);
    expect(rssMax - rssBefore).toBeLessThan(64);
    expect(sender.stats.takenDespite503).toBe(0); // a 503 "nothing taken" was true
    expect(await countedPv(hub.url, today())).toBe(sender.stats.acked);
    console.log(`freeze ${FREEZE_SEC}s: slowest 503 ${sender.stats.maxAnswerMs503} ms, hub RSS ${rssBefore.toFixed(0)} → max ${rssMax.toFixed(0)} MiB, ${sender.stats.acked} acknowledged events all counted once`);
  }, (FREEZE_SEC + 90) * 1000);
});
