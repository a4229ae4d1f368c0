import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { HubProcess, RedisProcess } from './processes.ts';
import { FAULT_TOKENS_ENV, countedPv, createSender, today, waitDrained } from './sender.ts';

const PREFIX = 'fault:';

/** XINFO's flat [name, value, name, value, …] answer as an object. */
function fields(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

describe('kill -9 of a hub while it takes and applies events', () => {
  let redis: RedisProcess;
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.kill();
    await redis?.cleanup();
  });

  it('loses and doubles nothing: every acknowledged event is stored once and counted once, and the group has read every entry', async () => {
    redis = await RedisProcess.create();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: PREFIX, INGEST_TOKENS: FAULT_TOKENS_ENV };
    const a = await HubProcess.start(env);
    const b = await HubProcess.start(env);
    hubs.push(a, b);
    // Batches go to both hubs while b lives. A batch whose answer b's death cut off is sent again,
    // to a: whatever b had stored of it must then count once.
    let bAlive = true;
    const acked = new Set<string>();
    const ackedBy = new Map<string, number>();
    const sender = createSender(() => (bAlive && Math.random() < 0.5 ? b.url : a.url), `hubkill-${Date.now()}`, {
      onAck: (ids, url) => {
        for (const id of ids) acked.add(id);
        ackedBy.set(url, (ackedBy.get(url) ?? 0) + ids.length);
      },
    });
    const sending = sender.run(6);
    await waitFor('both hubs to take events', () => (ackedBy.get(a.url) ?? 0) >= 5000 && (ackedBy.get(b.url) ?? 0) >= 5000, 30_000);
    await b.kill('SIGKILL');
    bAlive = false;
    const ackedAtKill = sender.stats.acked;
    await waitFor('hub a to go on taking events', () => sender.stats.acked >= ackedAtKill + 10_000, 30_000);
    sender.stop();
    await sending;
    await waitDrained(a.url, 30_000);

    const client = new Redis(redis.port);
    try {
      const stream = fields((await client.xinfo('STREAM', `${PREFIX}events`)) as unknown[]);
      const group = ((await client.xinfo('GROUPS', `${PREFIX}events`)) as unknown[][]).map(fields).find((g) => g.name === 'aggregators');
      // every generated event was acknowledged, and each acknowledged id is counted exactly once
      expect(acked.size).toBe(sender.generated());
      expect(await countedPv(a.url, today())).toBe(acked.size);
      // stored exactly once: one stream entry per distinct acknowledged id, none from a retry
      expect(stream['entries-added']).toBe(acked.size);
      // and the aggregators' group has read every entry ever added, up to the last one
      expect(group).toMatchObject({ lag: 0, 'entries-read': stream['entries-added'], 'last-delivered-id': stream['last-generated-id'] });
      expect(await client.xlen(`${PREFIX}events:dead`)).toBe(0);
    } finally {
      client.disconnect();
    }
    console.log(
      `hub kill -9: ${acked.size} events acknowledged (${ackedBy.get(b.url)} by the killed hub, ${sender.stats.failures} tries retried), each stored and counted once`,
    );
  }, 120_000);
});
