import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, dateOfDayIndex, dayIndexOf, startOfDayMs } from '../../common/time.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, waitDrained } from './sender.ts';

describe('midnight rollover under load with the hub process in UTC', () => {
  let redis: RedisProcess;
  let hub: HubProcess;
  afterAll(async () => {
    await hub?.kill();
    await redis?.cleanup();
  });

  it('puts every event on its Asia/Shanghai day', async () => {
    redis = await RedisProcess.create();
    hub = await HubProcess.start({ REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', INGEST_TOKENS: FAULT_TOKENS_ENV, TZ: 'UTC' });
    // last night's midnight in Asia/Shanghai: events from 10 s before to 10 s after it
    const midnight = startOfDayMs(dayIndexOf(Date.now()));
    let flip = 0;
    const before = { n: 0 };
    const sender = createSender(() => hub.url, `midnight-${Date.now()}`, {
      at: () => {
        const t = midnight - 10_000 + ((flip++ * 7919) % 20_000);
        if (t < midnight) before.n++;
        return t;
      },
    });
    const sending = sender.run(6);
    // enough batches on both sides of midnight
    await waitFor(
      'batches before and after midnight',
      () => sender.stats.acked >= 30_000 && before.n >= 50 && sender.generated() / 100 - before.n >= 50,
      30_000,
    );
    sender.stop();
    await sending;
    await waitDrained(hub.url);
    const yesterday = dateOfDayIndex(dayIndexOf(midnight - DAY_MS / 2));
    const today = dateOfDayIndex(dayIndexOf(midnight));
    const batchesBefore = before.n * 100;
    expect(await countedPv(hub.url, yesterday)).toBe(batchesBefore);
    expect(await countedPv(hub.url, today)).toBe(sender.stats.acked - batchesBefore);
  }, 60_000);
});
