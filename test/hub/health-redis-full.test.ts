/**
 * /healthz tells when Redis cannot take events: past 90% of maxmemory it is degraded (503) while
 * writes still work, and once Redis refuses writes (OOM under noeviction) ingest answers 503 with a
 * fixed text (no script hash, no line) and health names the cause. On a redis-server of the
 * test's own: the run's shared server must keep its memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startDedicatedRedis, type DedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { getJson, postAccepted, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const healthOf = async (hub: Hub) => {
  const res = await fetch(`${hub.url}/healthz`);
  return { status: res.status, body: await res.json() };
};
const metric = (text: string, line: string): number | null => {
  const m = new RegExp(`^${line.replace(/[{}"=,]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

describe('/healthz and ingest when Redis memory runs out', () => {
  let redis: DedicatedRedis;
  let hub: Hub;
  beforeAll(async () => {
    redis = await startDedicatedRedis();
    await redis.client.config('SET', 'maxmemory-policy', 'noeviction');
    hub = await startTestHub(testPrefix(), { redisTarget: { kind: 'url', url: redis.url }, now: fixedClock('10:00') });
    // as a hub that has taken events before: its connection has sent the append script's text once
    // (ioredis's first call of a script on a connection is an EVAL of the whole text, 66 KB, which
    // would not fit in the few per cent of room the tests below leave)
    await postAccepted(hub, 'portal', [ev.hit(at('08:00'), 'v0')]);
  });
  afterAll(async () => {
    await hub?.stop();
    await redis?.stop();
  });

  it('is ok with room to spare and reports the memory', async () => {
    const { status, body } = await healthOf(hub);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      reasons: [],
      redis: { reachable: true, writable: true, aofLastWrite: 'ok', memory: { maxBytes: 0, ratio: null } },
    });
    expect(body.redis.memory.usedBytes).toBeGreaterThan(0);
  });

  it('is degraded (503) past 90% of maxmemory while writes still work', async () => {
    // Redis's used memory moves by a few per cent between two reads on a busy machine (buffers,
    // the hub's own loops): set the limit from the latest reading until a reading lands in 90-100%
    const { status, body } = await waitFor('a health reading between 90% and 100% of maxmemory', async () => {
      const used = (await healthOf(hub)).body.redis.memory.usedBytes as number;
      await redis.client.config('SET', 'maxmemory', String(Math.round(used / 0.95)));
      const health = await healthOf(hub);
      return health.status === 503 && health.body.redis.writable ? health : null;
    });
    expect(status).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.reasons).toContain('memory-high');
    expect(body.redis.memory.ratio).toBeGreaterThan(0.9);
    expect(body.redis.writable).toBe(true);
    expect((await postEvents(hub, 'portal', [ev.hit(at('09:00'), 'v1')])).status).toBe(202);
  });

  it("answers 503 once Redis refuses writes, without Redis's text, and recovers when memory is freed", async () => {
    const used = (await healthOf(hub)).body.redis.memory.usedBytes as number;
    await redis.client.config('SET', 'maxmemory', String(Math.round(used / 2)));
    const health = await healthOf(hub);
    expect(health.status).toBe(503);
    expect(health.body.reasons).toEqual(expect.arrayContaining(['redis-refuses-writes', 'memory-high']));
    expect(health.body.redis).toMatchObject({ writable: false, writeError: 'OOM' });

    const event = ev.hit(at('09:01'), 'v2');
    const refused = await postEvents(hub, 'portal', [event]);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/Redis is full/);
    // Redis's own text names the script's SHA1 and line: `script: 5f3a…, on @user_script:42.`
    expect(JSON.stringify(refused.body)).not.toMatch(/[0-9a-f]{40}|user_script|script:|OOM command/);

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metric(metrics, 'yg_redis_writable')).toBe(0);
    expect(metric(metrics, 'yg_redis_maxmemory_bytes')).toBe(Math.round(used / 2));
    expect(metric(metrics, 'yg_redis_used_memory_bytes')).toBeGreaterThan(Math.round(used / 2));
    expect(metric(metrics, 'yg_ingest_requests_total{outcome="unavailable",status="503"}')).toBe(1);
    expect(metric(metrics, 'yg_ingest_requests_total{outcome="accepted",status="202"}')).toBe(2);

    const freedAt = Date.now();
    await redis.client.config('SET', 'maxmemory', '0');
    const back = await waitFor('health back to ok', async () => {
      const h = await healthOf(hub);
      return h.status === 200 && h;
    });
    expect(back.body).toMatchObject({ status: 'ok', reasons: [], redis: { writable: true } });
    console.log(`health ok ${Date.now() - freedAt} ms after memory was freed`);
    // the refused event was not taken: sent again, it counts once
    expect((await postEvents(hub, 'portal', [event])).body).toMatchObject({ accepted: 1, duplicates: 0 });
    const snap = await getJson(hub, '/api/v1/snapshot?scope=city');
    expect(snap.portal.pv).toBe(3);
  });

  it('warns (503 degraded) before ingest fills Redis, refuses at the limit, and loses nothing', async () => {
    const used = (await healthOf(hub)).body.redis.memory.usedBytes as number;
    const limit = used + 8 * 1024 ** 2;
    await redis.client.config('SET', 'maxmemory', String(limit));
    let acknowledged = 0;
    let warnedAt: number | null = null;
    let refused: ReturnType<typeof ev.hit>[] | null = null;
    for (let n = 0; n < 1000 && !refused; n++) {
      const batch = Array.from({ length: 200 }, (_, i) => ev.hit(at('09:30'), `fill-${n}-${i}`));
      const res = await postEvents(hub, 'portal', batch);
      if (res.status === 202) acknowledged += res.body.accepted;
      else {
        expect(res.status).toBe(503);
        expect(res.body.error).toMatch(/Redis is full/);
        refused = batch;
      }
      if (warnedAt === null && (await healthOf(hub)).body.reasons.includes('memory-high')) warnedAt = acknowledged;
    }
    expect(refused).not.toBeNull();
    expect(warnedAt).not.toBeNull();
    // the warning came well before the refusal: about a tenth of the room was still free
    expect(warnedAt!).toBeLessThan(acknowledged * 0.95);
    console.log(`maxmemory +8 MiB: degraded after ${warnedAt} events, ingest refused after ${acknowledged}`);

    await redis.client.config('SET', 'maxmemory', '0');
    await waitFor('health back to ok', async () => (await healthOf(hub)).status === 200);
    expect((await postEvents(hub, 'portal', refused!)).body).toMatchObject({ accepted: 200, duplicates: 0 });
    // 3 hits from above, then every event acknowledged here and the resent batch, once
    expect((await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv).toBe(3 + acknowledged + 200);
  });
});
