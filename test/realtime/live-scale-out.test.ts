import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { comparable, nowIso, watchScope } from './live-helpers.ts';
import { startTcpProxy } from './tcp-proxy.ts';

/** Two hubs on the same key prefix share the stream and the consumer group, as in production. */
describe('/live across two hub processes', () => {
  const prefix = testPrefix();
  let hubA: Hub;
  let hubB: Hub;
  beforeAll(async () => {
    hubA = await startTestHub(prefix);
    // B aggregates nothing: everything it sends, it learned through Redis from A.
    hubB = await startTestHub(prefix, { env: { AGGREGATOR: 'off' } });
  });
  afterAll(async () => {
    await hubA.stop();
    await hubB.stop();
  });

  it('delivers an event ingested and aggregated on hub A to a client connected to hub B', async () => {
    const w = watchScope(hubB.url, 'dept:yiyang.realestate');
    try {
      await waitFor('snapshot', () => w.state());
      const before = w.state()!.ratings.total;
      await postEvents(hubA, 'rating', [ev.rating(nowIso(), 5)]);
      await waitFor('the rating on hub B', () => w.state()!.ratings.total === before + 1);
      expect(w.kinds.delta).toBeGreaterThan(0);
    } finally {
      w.stop();
    }
  });

  it("brings a client cut off for 5 s during a burst back to exactly the hub's snapshot", async () => {
    const proxy = await startTcpProxy(() => [hubB.port]);
    const w = watchScope(`http://127.0.0.1:${proxy.port}`, 'center:yiyang');
    try {
      await waitFor('snapshot', () => w.state());
      let stop = false;
      const burst = (async () => {
        for (let i = 0; !stop; i++) {
          const t = nowIso();
          await postEvents(hubA, 'queue', [ev.issued(t, `C${i}`), ev.called(t, `C${i}`, `yiyang.w00${1 + (i % 9)}`)]);
          await postEvents(hubA, 'portal', [ev.hit(t, `cut-${i}`)]);
          await new Promise((r) => setTimeout(r, 20)); // the pace of the burst, not a wait
        }
      })();
      const deltasBefore = w.kinds.delta;
      await waitFor('the burst to reach the client', () => w.kinds.delta >= deltasBefore + 5);
      proxy.cut(5000);
      await waitFor('the client to notice', () => !w.client.status().connected);
      // the burst goes on through the 5 s the proxy refuses connections, until the client is back
      await waitFor('reconnect', () => w.client.status().connected && w.client.status().reconnects >= 1, 15_000);
      stop = true;
      await burst;
      await drained(hubA);
      const http = await getJson(hubB, '/api/v1/snapshot?scope=center:yiyang');
      await waitFor(
        'state equal to the hub snapshot',
        () => JSON.stringify(comparable(w.state()!)) === JSON.stringify(comparable(http)) || undefined,
        5000,
      ).catch(() => expect(comparable(w.state()!)).toEqual(comparable(http)));
    } finally {
      w.stop();
      await proxy.close();
    }
  });
});

describe('/live when one of two hubs stops', () => {
  const prefix = testPrefix();
  let hubA: Hub;
  let hubC: Hub;
  beforeAll(async () => {
    hubA = await startTestHub(prefix);
    hubC = await startTestHub(prefix);
  });
  afterAll(async () => {
    await hubC.stop();
  });

  it('moves the clients of a stopped hub to the other hub, where they resync and keep up', async () => {
    // The proxy plays the load balancer: A first, C when A is gone.
    const proxy = await startTcpProxy(() => [hubA.port, hubC.port]);
    const w = watchScope(`http://127.0.0.1:${proxy.port}`, 'city');
    try {
      await waitFor('snapshot', () => w.state());
      await postEvents(hubA, 'fee', [ev.fee(nowIso(), 12.5)]);
      await waitFor('the fee through hub A', () => w.state()!.fees.count === 1);
      const snapshotsBefore = w.kinds.snapshot;
      await hubA.stop();
      await waitFor('reconnect to hub C', () => w.client.status().connected && w.client.status().reconnects >= 1, 10_000);
      await waitFor('a fresh snapshot from hub C', () => w.kinds.snapshot > snapshotsBefore);
      await postEvents(hubC, 'fee', [ev.fee(nowIso(), 7.5)]);
      await drained(hubC);
      await waitFor('the fee through hub C', () => w.state()!.fees.count === 2);
      expect(comparable(w.state()!)).toEqual(comparable(await getJson(hubC, '/api/v1/snapshot?scope=city')));
    } finally {
      w.stop();
      await proxy.close();
    }
  });
});
