import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, today, waitDrained } from './sender.ts';

describe('kill -9 of Redis during sustained ingest', () => {
  let redis: RedisProcess | null = null;
  let hub: HubProcess | null = null;
  afterEach(async () => {
    await hub?.kill();
    await redis?.cleanup();
  });

  for (const durability of ['written', 'fsync'] as const) {
    it(`counts every event answered 202 exactly once (INGEST_DURABILITY=${durability})`, async () => {
      redis = await RedisProcess.create(durability === 'fsync' ? ['--appendfsync', 'always'] : []);
      hub = await HubProcess.start({ REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV, INGEST_DURABILITY: durability });
      const sender = createSender(() => hub!.url, `kill9-${durability}-${Date.now()}`);
      const sending = sender.run(4);
      await waitFor('ingest under way', () => sender.stats.acked >= 5000, 30_000);
      await redis.kill('SIGKILL');
      await waitFor('the sender to meet the outage', () => (sender.stats.statuses.get(503) ?? 0) > 0, 30_000);
      await redis.start();
      const ackedAtRestart = sender.stats.acked;
      await waitFor('ingest under way again', () => sender.stats.acked >= ackedAtRestart + 5000, 30_000);
      sender.stop();
      await sending;
      await waitDrained(hub.url);
      expect(sender.stats.statuses.get(503) ?? 0).toBeGreaterThan(0); // the outage was seen by the sender
      expect(sender.stats.takenDespite503).toBe(0); // a 503 "nothing taken" was true
      expect(await countedPv(hub.url, today())).toBe(sender.stats.acked);
      console.log(
        `kill -9 Redis (${durability}): ${sender.stats.acked} events acknowledged, all counted once; ${sender.stats.failures} failed attempts retried`,
      );
    }, 90_000);
  }
});
