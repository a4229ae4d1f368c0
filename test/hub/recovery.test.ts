import { describe, expect, it } from 'vitest';
import { ensureGroup } from '../../server/aggregate/aggregator.ts';
import { enrichEvent } from '../../server/aggregate/enrich-event.ts';
import type { YgEvent } from '../../common/events.ts';
import { ev } from '../helpers/events.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const NOW = Date.parse('2026-11-27T12:00:00+08:00');
const at = '2026-11-27T10:00:00+08:00';

describe('aggregation after a crash', () => {
  it('applies the events a crashed reader left pending exactly once', async () => {
    const prefix = testPrefix();
    // an ingest-only hub takes the events; a "crashed" reader takes them from the group and dies
    const ingestOnly = await startTestHub(prefix, { now: () => NOW, env: { AGGREGATOR: 'off' } });
    await ensureGroup(ingestOnly.redis, ingestOnly.keys);
    const events = Array.from({ length: 50 }, (_, i) => ev.issued(at, `A${i}`, 'yiyang.agri'));
    expect((await postEvents(ingestOnly, 'queue', events)).body.accepted).toBe(50);
    const read = await ingestOnly.redis.xreadgroup('GROUP', ingestOnly.keys.group, 'crashed-hub', 'COUNT', 100, 'STREAMS', ingestOnly.keys.stream, '>');
    expect((read as [string, unknown[]][])[0]![1]).toHaveLength(50);
    await ingestOnly.stop();

    const hub = await startTestHub(prefix, { now: () => NOW, aggregator: { claimIdleMs: 100, claimEveryMs: 100 } });
    try {
      await drained(hub);
      const s = await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.agri');
      expect(s.tickets.issued).toBe(50);
      expect(hub.aggregator!.stats.applied).toBe(50);
    } finally {
      await hub.stop();
    }
  });

  it('changes nothing when the same entries are delivered again after they were applied', async () => {
    const prefix = testPrefix();
    const hub = await startTestHub(prefix, { now: () => NOW });
    try {
      await postEvents(hub, 'queue', [ev.issued(at, 'R1', 'yiyang.tax'), ev.issued(at, 'R2', 'yiyang.tax')]);
      await drained(hub);
      const entries = (await hub.redis.xrange(hub.keys.stream, '-', '+')) as [string, string[]][];
      const records = entries.map(([sid, f]) => JSON.stringify(enrichEvent(sid, JSON.parse(f[1]!) as YgEvent, hub.catalog)));
      const [applied, skipped] = await hub.redis.ygApplyEvents(
        hub.keys.stream, hub.keys.group, hub.aggregator!.consumer, hub.keys.prefix, entries[0]![0], entries.at(-1)![0], 100, ...records,
      );
      expect([applied, skipped]).toEqual([0, 2]);
      expect((await getJson(hub, '/api/v1/snapshot?scope=dept:yiyang.tax')).tickets.issued).toBe(2);
    } finally {
      await hub.stop();
    }
  });

  it('lets two hubs share the stream so that each event is aggregated once', async () => {
    const prefix = testPrefix();
    const a = await startTestHub(prefix, { now: () => NOW });
    const b = await startTestHub(prefix, { now: () => NOW });
    try {
      const sends = [];
      for (let i = 0; i < 10; i++) {
        const hub = i % 2 ? a : b;
        sends.push(postEvents(hub, 'portal', Array.from({ length: 200 }, (_, j) => ev.hit(at, `v${i}-${j}`))));
      }
      await Promise.all(sends);
      await drained(a);
      expect((await getJson(b, '/api/v1/snapshot?scope=city')).portal.pv).toBe(2000);
      expect(a.aggregator!.stats.applied + b.aggregator!.stats.applied).toBe(2000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
