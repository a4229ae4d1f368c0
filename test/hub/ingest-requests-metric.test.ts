/** `yg_ingest_requests_total{outcome,status}` counts every ingest request once, whoever answered it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, fixedClock } from '../helpers/test-clock.ts';
import { postEvents, startTestHub, testPrefix, TOKENS } from '../helpers/test-hub.ts';

const post = (hub: Hub, body: string, token: string = TOKENS.portal) =>
  fetch(`${hub.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
  );

describe('yg_ingest_requests_total', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('10:00') });
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('counts accepted, refused and malformed requests by outcome and status', async () => {
    expect((await postEvents(hub, 'portal', [ev.hit(at('09:00'), 'v1')])).status).toBe(202);
    expect((await postEvents(hub, 'portal', [ev.hit(at('09:01'), 'v2'), ev.hit(at('09:02'), 'v3')])).status).toBe(202);
    expect(await post(hub, '[]', 'not-a-token-at-all')).toBe(401);
    expect(await post(hub, '{"events": ')).toBe(400); // the body parser answers: still counted
    expect(await post(hub, '"not a batch"')).toBe(400);
    expect(await post(hub, JSON.stringify({ events: 'x'.repeat(1_100_000) }))).toBe(413);

    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const counted = new Map(
      [...text.matchAll(/^yg_ingest_requests_total\{outcome="(\w+)",status="(\w+)"\} (\d+)$/gm)].map((m) => [`${m[1]} ${m[2]}`, Number(m[3])]),
    );
    expect(Object.fromEntries(counted)).toEqual({ 'accepted 202': 2, 'refused 401': 1, 'refused 400': 2, 'refused 413': 1 });
  });
});
