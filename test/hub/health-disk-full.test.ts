/**
 * A full disk: Redis cannot append to its AOF, so it refuses writes (MISCONF) and reports
 * `aof_last_write_status:err`. /healthz must say so (503), ingest must answer 503 with a fixed
 * text, and once the disk has room again Redis writes the pending AOF and everything comes back,
 * with every acknowledged event counted once. The disk is "full" through `ulimit -f` on a
 * redis-server of the test's own (EFBIG takes the same path in Redis as ENOSPC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const healthOf = async (hub: Hub) => {
  const res = await fetch(`${hub.url}/healthz`);
  return { status: res.status, body: await res.json() };
};

describe('/healthz and ingest when the disk is full', () => {
  let redis: DedicatedRedis;
  let hub: Hub;
  beforeAll(async () => {
    redis = await startDedicatedRedis({ fileSizeLimitBytes: 256 * 1024 });
    hub = await startTestHub(testPrefix(), { redisTarget: { kind: 'url', url: redis.url }, now: fixedClock('10:00') });
  });
  afterAll(async () => {
    await hub?.stop();
    await redis?.stop();
  });

  it('answers 503 while the AOF cannot be written, and recovers with nothing lost once there is room', async () => {
    expect((await healthOf(hub)).status).toBe(200);
    // send until Redis refuses: the AOF file reaches the size limit after a few hundred events
    let acknowledged = 0;
    const refused: ReturnType<typeof ev.hit>[][] = [];
    for (let n = 0; n < 200 && refused.length === 0; n++) {
      const batch = Array.from({ length: 50 }, (_, i) => ev.hit(at(`09:${String(n % 60).padStart(2, '0')}`), `v${n}-${i}`));
      const res = await postEvents(hub, 'portal', batch);
      if (res.status === 202) acknowledged += res.body.accepted;
      else {
        expect(res.status).toBe(503);
        expect(res.body.error).toMatch(/Redis cannot write to its disk/);
        expect(JSON.stringify(res.body)).not.toMatch(/[0-9a-f]{40}|user_script|script:|MISCONF/);
        refused.push(batch);
      }
    }
    expect(refused).toHaveLength(1);
    const health = await waitFor('health to see the failed AOF write', async () => {
      const h = await healthOf(hub);
      return h.body.reasons.includes('aof-write-failed') && h;
    });
    expect(health.status).toBe(503);
    expect(health.body.redis).toMatchObject({ aofLastWrite: 'err', writable: false, writeError: 'MISCONF' });
    expect(health.body.reasons).toContain('redis-refuses-writes');

    const freedAt = Date.now();
    redis.freeDisk();
    // Redis retries the AOF write once a second; writes are taken again as soon as one succeeds
    await waitFor('health back to ok', async () => (await healthOf(hub)).status === 200, 10_000);
    const recoveryMs = Date.now() - freedAt;
    console.log(`disk full: ${acknowledged} events acknowledged before the refusal; health ok ${recoveryMs} ms after room was made`);
    expect(recoveryMs).toBeLessThan(5_000);

    // the refused batch was not taken: sent again, all of it counts, and nothing counts twice
    expect((await postEvents(hub, 'portal', refused[0]!)).body).toMatchObject({ accepted: 50, duplicates: 0 });
    const snap = await getJson(hub, '/api/v1/snapshot?scope=city');
    expect(snap.portal.pv).toBe(acknowledged + 50);
    // and what Redis held in memory is on disk now: the AOF has grown past the old limit
    const info = String(await redis.client.info('persistence'));
    expect(info).toMatch(/aof_last_write_status:ok/);
  });
});
