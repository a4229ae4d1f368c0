import { describe, expect, it } from 'vitest';
import { DAY_MS, dayIndexOf } from '../../common/time.ts';
import { ensureGroup } from '../../server/aggregate/aggregator.ts';
import type { Hub } from '../../server/hub.ts';
import { COUNTERS } from '../../server/redis/counter-fields.ts';
import { ev } from '../helpers/events.ts';
import { at as atTime, fixedClock, instant } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

// the hub's clock; the apply script is handed it too when a test runs it directly
const NOW = instant('12:00');
const now = fixedClock('12:00');
const at = atTime('10:00');

describe('aggregation after a crash', () => {
  it('applies a backlog left by a hub that did not aggregate, exactly once, when an aggregating hub starts', async () => {
    const prefix = testPrefix();
    const ingestOnly = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
    const events = Array.from({ length: 50 }, (_, i) => ev.issued(at, `A${i}`, 'yiyang.agri'));
    expect((await postEvents(ingestOnly, 'queue', events)).body.accepted).toBe(50);
    await ingestOnly.stop();

    const hub = await startTestHub(prefix, { now });
    try {
      await drained(hub);
      const s = await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.agri');
      expect(s.tickets.issued).toBe(50);
      expect(hub.aggregator!.stats.applied).toBe(50);
    } finally {
      await hub.stop();
    }
  });

  it('changes nothing when the apply script runs again after everything was applied', async () => {
    const prefix = testPrefix();
    const hub = await startTestHub(prefix, { now });
    try {
      await postEvents(hub, 'queue', [ev.issued(at, 'R1', 'yiyang.tax'), ev.issued(at, 'R2', 'yiyang.tax')]);
      await drained(hub);
      const [applied, failed] = await hub.redis.ygApplyEvents(
        hub.keys.stream,
        hub.keys.deadLetters,
        hub.keys.group,
        'another-hub',
        hub.keys.prefix,
        100,
        DAY_MS,
        NOW,
      );
      expect([applied, failed]).toEqual([0, []]);
      expect((await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.tax')).tickets.issued).toBe(2);
    } finally {
      await hub.stop();
    }
  });

  it('trims the event log of applied entries only, never of one still to apply', async () => {
    const prefix = testPrefix();
    const hub = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
    try {
      for (let b = 0; b < 10; b++) {
        await postEvents(
          hub,
          'portal',
          Array.from({ length: 100 }, (_, i) => ev.hit(at, `t${b}-${i}`)),
        );
      }
      await ensureGroup(hub.redis, hub.keys);
      // a retention of 0: everything applied may go
      const [applied] = await hub.redis.ygApplyEvents(hub.keys.stream, hub.keys.deadLetters, hub.keys.group, 'apply', hub.keys.prefix, 450, 0, NOW);
      expect(applied).toBe(450);
      const left = await hub.redis.xlen(hub.keys.stream);
      expect(left).toBeLessThan(1000);
      expect(left).toBeGreaterThanOrEqual(550);
      const [rest] = await hub.redis.ygApplyEvents(hub.keys.stream, hub.keys.deadLetters, hub.keys.group, 'apply', hub.keys.prefix, 1000, 0, NOW);
      expect(rest).toBe(550);
      expect(Number(await hub.redis.hget(hub.keys.day('city', dayIndexOf(Date.parse(at))), COUNTERS.portalViews))).toBe(1000);
    } finally {
      await hub.stop();
    }
  });

  it('lets hubs share the stream so that each event is aggregated once, applied at ingest or from a backlog', async () => {
    const prefix = testPrefix();
    const a = await startTestHub(prefix, { now });
    const b = await startTestHub(prefix, { now });
    // a hub that only ingests leaves its batches to the aggregators, and the group behind them:
    // batches of a and b that come after are then only appended, and the aggregators drain them all
    const ingestOnly = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
    const applied = async (hub: Hub) => (await hub.metrics.aggregatedEvents.get()).values[0]?.value ?? 0;
    try {
      const sends = [];
      for (let i = 0; i < 15; i++) {
        const hub = [a, b, ingestOnly][i % 3]!;
        sends.push(
          postEvents(
            hub,
            'portal',
            Array.from({ length: 200 }, (_, j) => ev.hit(at, `v${i}-${j}`)),
          ),
        );
      }
      await Promise.all(sends);
      await drained(a);
      expect((await getJson(b, '/api/v1/snapshot?scope=city')).portal.pv).toBe(3000);
      expect((await applied(a)) + (await applied(b)) + (await applied(ingestOnly))).toBe(3000);
      expect(await applied(ingestOnly)).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
      await ingestOnly.stop();
    }
  });

  it('applies a batch when ingest answers while the aggregators are caught up, and only appends behind a backlog', async () => {
    const prefix = testPrefix();
    const hub = await startTestHub(prefix, { now, aggregator: { idleMs: 60_000 } });
    const ingestOnly = await startTestHub(prefix, { now, env: { AGGREGATOR: 'off' } });
    const pv = async () => (await getJson(hub, '/api/v1/snapshot?scope=city')).portal.pv;
    try {
      await drained(hub);
      await postEvents(hub, 'portal', [ev.hit(at, 'first')]);
      expect(await pv()).toBe(1); // counted by the time of the 202, with the aggregator asleep
      await postEvents(ingestOnly, 'portal', [ev.hit(at, 'behind')]);
      await postEvents(hub, 'portal', [ev.hit(at, 'after')]);
      expect(await pv()).toBe(1); // behind a backlog: appended, left to the aggregator in order
      await hub.aggregator!.stop();
      const [applied] = await hub.redis.ygApplyEvents(hub.keys.stream, hub.keys.deadLetters, hub.keys.group, 'apply', hub.keys.prefix, 500, 86_400_000, NOW);
      expect(applied).toBe(2);
      expect(await pv()).toBe(3);
      await postEvents(hub, 'portal', [ev.hit(at, 'caught-up-again')]);
      expect(await pv()).toBe(4);
      // the group was moved past the batch with its read count, so XINFO's lag is exact, not unknown
      const [group] = (await hub.redis.xinfo('GROUPS', hub.keys.stream)) as unknown[][];
      expect(group![group!.indexOf('lag') + 1]).toBe(0);
      expect(group![group!.indexOf('entries-read') + 1]).toBe(4);
    } finally {
      await hub.stop();
      await ingestOnly.stop();
    }
  });
});
