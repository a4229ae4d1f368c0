import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { startDedicatedRedis } from '../helpers/dedicated-redis.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at, dayFromToday, fixedClock } from '../helpers/test-clock.ts';
import { TOKENS, drained, getJson, postEvents, startTestHub, testConfig, testPrefix } from '../helpers/test-hub.ts';

const now = fixedClock('10:00');

describe('POST /api/v1/events', () => {
  let hub: Hub;
  const prefix = testPrefix();
  beforeAll(async () => {
    hub = await startTestHub(prefix, { now });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('keeps the good events of a mixed batch and names the field of each bad one', async () => {
    const good = ev.issued(at('09:00'), 'B001');
    const { status, body } = await postEvents(hub, 'queue', {
      events: [
        good,
        { ...ev.issued(at('09:01'), 'B002'), dept: 'nowhere' },
        { ...ev.called(at('09:02'), 'B001'), at: `${TODAY} 09:02` },
        { type: 'ticket.teleported', id: 'x1' },
      ],
    });
    expect(status).toBe(202);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, id: expect.any(String), errors: [{ path: 'dept', message: expect.stringContaining('unknown department') }] },
      { index: 2, id: expect.any(String), errors: [{ path: 'at', message: expect.stringContaining('ISO 8601') }] },
      { index: 3, id: 'x1', errors: [{ path: 'type', message: expect.any(String) }] },
    ]);
    await drained(hub);
    const snap = await getJson(hub, `/api/v1/snapshot?scope=dept:yiyang.realestate&date=${TODAY}`);
    expect(snap.tickets.issued).toBe(1);
  });

  it('counts a repeated event id once, within a batch and across batches', async () => {
    const e = ev.issued(at('09:10'), 'C001', 'yiyang.market');
    const first = await postEvents(hub, 'queue', [e, e]);
    const second = await postEvents(hub, 'queue', [e]);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(second.body).toMatchObject({ accepted: 0, duplicates: 1 });
    await drained(hub);
    const snap = await getJson(hub, `/api/v1/snapshot?scope=dept:yiyang.market&date=${TODAY}`);
    expect(snap.tickets.issued).toBe(1);
  });

  it("rejects an event whose source is not the token's source", async () => {
    const { body } = await postEvents(hub, 'rating', [ev.issued(at('09:20'), 'A001', 'yiyang.agri')]);
    expect(body.rejected[0].errors).toContainEqual({ path: 'source', message: 'must be "rating", the source of this token' });
  });

  it('answers 401 without a token or with a wrong one', async () => {
    const url = `${hub.url}/api/v1/events`;
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope' }, body: '[]' });
    expect([none.status, wrong.status]).toEqual([401, 401]);
  });

  it('answers 400 for a body that is not a batch and 413 for one too large', async () => {
    const url = `${hub.url}/api/v1/events`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.queue}` };
    expect((await fetch(url, { method: 'POST', headers, body: '{"hello":1}' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers, body: '[{' })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ev.issued(at('09:30'), `D${i}`, 'yiyang.hrss'));
    expect((await postEvents(hub, 'queue', many)).status).toBe(413);
    const huge = [{ ...ev.issued(at('09:30'), 'D1', 'yiyang.hrss'), pad: 'x'.repeat(1_100_000) }];
    expect((await postEvents(hub, 'queue', huge)).status).toBe(413);
  });

  it('refuses events from the far future and from before the de-duplication window', async () => {
    const { body } = await postEvents(hub, 'queue', [ev.issued(at('12:00'), 'E1'), ev.issued(at('09:00', dayFromToday(-36)), 'E2')]);
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r: any) => r.errors[0].path)).toEqual(['at', 'at']);
  });

  it('remembers event ids across a hub restart', async () => {
    const e = ev.issued(at('09:40'), 'F001', 'yiyang.tax');
    expect((await postEvents(hub, 'queue', [e])).body.accepted).toBe(1);
    await hub.stop();
    hub = await startTestHub(prefix, { now });
    expect((await postEvents(hub, 'queue', [e])).body).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});

describe('when Redis is down', () => {
  it('answers 503 with Retry-After and takes nothing', async () => {
    const redis = await startDedicatedRedis(); // resolves once it answers PING
    const prefix = testPrefix();
    const hub = await startTestHub(prefix, { config: testConfig(prefix), redisTarget: { kind: 'url', url: redis.url }, now });
    try {
      await redis.stop(); // SIGKILL, and waits for the exit
      const started = Date.now();
      const res = await postEvents(hub, 'queue', [ev.issued(at('09:50'), 'G001')]);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2000);
      const health = await fetch(`${hub.url}/healthz`);
      expect(health.status).toBe(503);
    } finally {
      await hub.stop();
      await redis.stop();
    }
  });
});
