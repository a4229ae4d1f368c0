import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, today, waitDrained } from './sender.ts';

const FREEZE_SEC = Number(process.env.FAULT_FREEZE_SEC ?? 60);

describe(`Redis frozen (SIGSTOP) for ${FREEZE_SEC} s`, () => {
  let redis: RedisProcess;
  let hub: HubProcess;
  afterAll(async () => {
    redis?.signal('SIGCONT');
    await hub?.kill();
    await redis?.cleanup();
  });

  it(
    'answers 503 within a second, keeps the hub memory bounded, says degraded, and recovers every event',
    async () => {
      redis = await RedisProcess.create();
      hub = await HubProcess.start({ REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV });
      const sender = createSender(() => hub.url, `freeze-${Date.now()}`);
      const sending = sender.run(4, 20);
      await waitFor('ingest under way', () => sender.stats.acked >= 2000, 30_000);
      const rssBefore = hub.rssMiB();
      redis.signal('SIGSTOP');
      const frozenAt = Date.now();
      // the hub must say so within 3 s of the freeze
      const health = await waitFor(
        'health to report the frozen Redis',
        async () => {
          const res = await fetch(`${hub.url}/healthz`);
          return res.status === 503 && res;
        },
        3000,
        100,
      );
      expect(await health.json()).toMatchObject({ status: 'degraded', redis: { reachable: false } });
      // Redis stays frozen for FREEZE_SEC, the length of the outage under test, while the hub's
      // memory is sampled once a second
      let rssMax = 0;
      while (Date.now() - frozenAt < FREEZE_SEC * 1000) {
        rssMax = Math.max(rssMax, hub.rssMiB());
        await new Promise((r) => setTimeout(r, 1000));
      }
      redis.signal('SIGCONT');
      const ackedAtThaw = sender.stats.acked;
      await waitFor('ingest under way again', () => sender.stats.acked >= ackedAtThaw + 2000, 30_000);
      sender.stop();
      await sending;
      await waitDrained(hub.url);
      expect(sender.stats.statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(sender.stats.maxAnswerMs503).toBeLessThan(1000);
      expect(rssMax - rssBefore).toBeLessThan(64);
      expect(sender.stats.takenDespite503).toBe(0); // a 503 "nothing taken" was true
      expect(await countedPv(hub.url, today())).toBe(sender.stats.acked);
      console.log(
        `freeze ${FREEZE_SEC}s: slowest 503 ${sender.stats.maxAnswerMs503} ms, hub RSS ${rssBefore.toFixed(0)} → max ${rssMax.toFixed(0)} MiB, ${sender.stats.acked} acknowledged events all counted once`,
      );
    },
    (FREEZE_SEC + 90) * 1000,
  );
});
