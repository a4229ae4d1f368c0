import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { dayKeyPatterns } from '../../server/redis/keys.ts';
import { rebuildDays } from '../../server/archive/rebuild.ts';
import { scanKeys, withReplayScripts } from '../../server/archive/replay-core.ts';
import { streamArchiveSource } from '../../server/archive/stream-source.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock, TODAY } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const YESTERDAY = dayFromToday(-1);
const SCOPES = ['city', 'center:yiyang', 'dept:yiyang.realestate', 'window:yiyang.w001', 'window:yiyang.w002'];
const day = dayIndexOfDate(TODAY);

describe('rebuild from the archive', () => {
  let hub: Hub;
  const now = fixedClock('16:30');
  const snapshots = async () => {
    const all: Record<string, unknown> = {};
    for (const scope of SCOPES) all[scope] = await getJson(hub, `/api/v1/snapshot?scope=${scope}&date=${TODAY}`);
    return all;
  };
  const rebuild = () =>
    rebuildDays(
      { redis: withReplayScripts(hub.redis), keys: hub.keys, source: streamArchiveSource(hub.redis, hub.keys), log: createLogger('silent'), now },
      { fromDay: day, toDay: day },
    );
  const monthKey = () => hub.keys.month('center:yiyang', TODAY.slice(0, 7));

  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now });
    const sent = [
      // yesterday: a case accepted, completed today (its earlier life comes from its live record)
      await postEvents(hub, 'cases', [ev.accepted(at('10:00', YESTERDAY), 'C-1', 5), ev.accepted(at('11:00', YESTERDAY), 'C-2', 5)]),
      await postEvents(hub, 'rating', [ev.rating(at('10:00', YESTERDAY), 4)]),
      await postEvents(hub, 'window', [ev.windowStatus(at('08:30'), 'open'), ev.windowStatus(at('08:31'), 'open', 'yiyang.w002')]),
      await postEvents(hub, 'queue', [
        ev.issued(at('09:00'), 'A001'),
        ev.issued(at('09:01'), 'A002'),
        ev.issued(at('09:02'), 'A003'),
        ev.called(at('09:05'), 'A001'),
        ev.called(at('09:06'), 'A002', 'yiyang.w002'),
      ]),
      await postEvents(hub, 'window', [
        ev.started(at('09:06'), 'A001'),
        ev.finished(at('09:20'), 'A001'),
        ev.windowStatus(at('12:00'), 'paused', 'yiyang.w002'),
      ]),
      await postEvents(hub, 'rating', [ev.rating(at('09:21'), 5), ev.rating(at('09:40'), 1, 'yiyang.w002'), ev.rating(at('10:40'), 3)]),
      await postEvents(hub, 'portal', [ev.hit(at('09:00'), 'v1'), ev.hit(at('09:10'), 'v2'), ev.hit(at('09:20'), 'v1')]),
      await postEvents(hub, 'trade', [ev.trade(at('11:00'), 1234.5), ev.trade(at('11:30'), 10, 'land')]),
      await postEvents(hub, 'fee', [ev.fee(at('11:00'), 88)]),
      await postEvents(hub, 'cases', [ev.accepted(at('09:30'), 'C-3', 3), ev.completed(at('14:00'), 'C-1'), ev.suspended(at('14:10'), 'C-2')]),
    ];
    for (const s of sent) expect(s.status).toBe(202);
    await drained(hub);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('restores a day whose aggregates were corrupted or deleted, and touches no other day', async () => {
    const before = await snapshots();
    const monthBefore = await hub.redis.hgetall(monthKey());
    const yesterdayKey = hub.keys.day('center:yiyang', dayIndexOfDate(YESTERDAY));
    const yesterdayBefore = await hub.redis.hgetall(yesterdayKey);
    expect(Object.keys(yesterdayBefore).length).toBeGreaterThan(0);
    const c = before['center:yiyang'] as { cases: { completed: number }; ratings: { total: number } };
    expect(c.cases.completed).toBe(1);
    expect(c.ratings.total).toBe(3);

    // corrupted: wrong counts in the day totals, an hour series and the visitors gone
    await hub.redis.hset(hub.keys.day('center:yiyang', day), 'rt', '999');
    await hub.redis.del(hub.keys.hour('city', day), hub.keys.uv('city', day));
    expect(await snapshots()).not.toEqual(before);
    const first = await rebuild();
    expect(first.days).toEqual([TODAY]);
    expect(first.events).toBeGreaterThan(20);
    expect(first.refused).toBe(0);
    expect(await snapshots()).toEqual(before);
    expect(await hub.redis.hgetall(monthKey())).toEqual(monthBefore);

    // deleted: every key of the day, and the month totals with them (a lost Redis's figures)
    for (const pattern of dayKeyPatterns(hub.keys.prefix, day)) {
      const found = await scanKeys(hub.redis, pattern);
      if (found.length > 0) await hub.redis.del(...found);
    }
    await hub.redis.del(monthKey());
    const second = await rebuild();
    expect(second.days).toEqual([TODAY]);
    // every figure but the alert engine's tally of the day, which no event recomputes (it went with the keys)
    const withoutAlertTally = (all: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(all).map(([scope, snap]) => [
          scope,
          { ...(snap as object), alerts: { ...(snap as { alerts: object }).alerts, raised: 0, raisedYellow: 0, raisedRed: 0 } },
        ]),
      );
    expect(withoutAlertTally(await snapshots())).toEqual(withoutAlertTally(before));
    expect(await hub.redis.hgetall(monthKey())).toEqual(monthBefore);
    // another day's keys are not touched, and no scratch key is left behind
    expect(await hub.redis.hgetall(yesterdayKey)).toEqual(yesterdayBefore);
    expect(await scanKeys(hub.redis, `${hub.keys.prefix}rebuild:*`)).toEqual([]);
  });

  it('swaps atomically while readers poll: every answer shows the old figures or the new', async () => {
    const rebuilt = JSON.stringify(await getJson(hub, `/api/v1/snapshot?scope=center:yiyang&date=${TODAY}`));
    await hub.redis.hset(hub.keys.day('center:yiyang', day), 'rt', '999', 'iss', '77');
    const corrupted = JSON.stringify(await getJson(hub, `/api/v1/snapshot?scope=center:yiyang&date=${TODAY}`));
    expect(corrupted).not.toBe(rebuilt);
    let polling = true;
    const seen: string[] = [];
    const poller = (async () => {
      while (polling) seen.push(JSON.stringify(await getJson(hub, `/api/v1/snapshot?scope=center:yiyang&date=${TODAY}`)));
    })();
    await rebuild();
    // a few answers after the swap too
    const after = seen.length;
    while (seen.length < after + 3) await new Promise((r) => setImmediate(r));
    polling = false;
    await poller;
    expect(seen.length).toBeGreaterThan(3);
    for (const answer of seen) expect([corrupted, rebuilt]).toContain(answer);
    expect(seen[seen.length - 1]).toBe(rebuilt);
  });

  it('replays events the live aggregation applies during the rebuild, counting each once', async () => {
    const before = (await getJson(hub, `/api/v1/snapshot?scope=center:yiyang&date=${TODAY}`)) as { ratings: { total: number } };
    const sending = (async () => {
      for (let i = 0; i < 5; i++) expect((await postEvents(hub, 'rating', [ev.rating(at(`15:0${i}`), 5)])).status).toBe(202);
    })();
    await rebuild();
    await sending;
    await drained(hub);
    // whatever the interleaving, the last rebuild and live agree after all arrived
    await rebuild();
    const after = (await getJson(hub, `/api/v1/snapshot?scope=center:yiyang&date=${TODAY}`)) as { ratings: { total: number } };
    expect(after.ratings.total).toBe(before.ratings.total + 5);
  });
});
