/**
 * Everything the alert engine keeps has a bounded life (docs/alerts.md, "How long things are
 * kept"): an alert nobody resolves is closed after 180 days (`expired`), the alert indexes drop
 * what can no longer exist, and the engine's view of a case expires: 60 days after it ended (or
 * after a completion that came before its acceptance), 2 years after the last event of one that
 * never ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at } from '../helpers/test-clock.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { alertCounts, allAlerts, settle, startAlertHub, TestClock } from '../alerts/alert-hub.ts';

const DAY_MS = 86_400_000;
const DEPT = 'yiyang.realestate';
let hub: Hub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

async function post(source: Parameters<typeof postEvents>[1], events: unknown[]): Promise<void> {
  const res = await postEvents(hub!, source, events);
  expect(res.body.rejected).toEqual([]);
}

/** The engine's case keys (whatever the case key holds) with their remaining life in days. */
async function caseKeyDays(h: Hub): Promise<number[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await h.redis.scan(cursor, 'MATCH', `${h.keys.prefix}alerts:case:*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return Promise.all(keys.map(async (k) => (await h.redis.pttl(k)) / DAY_MS));
}

describe('alert lifetimes', () => {
  it('closes an alert nobody resolved after 180 days, as expired', async () => {
    const clock = new TestClock(at('10:00'));
    hub = await startAlertHub(testPrefix(), clock);
    await post('rating', [ev.rating(at('09:59'), 1, 'yiyang.w001', DEPT)]);
    await settle(hub);
    const [review] = await allAlerts(hub);
    expect(review).toMatchObject({ rule: 'review', state: 'open' });
    expect(Number(await hub.redis.zscore(hub.keys.alertTimers, `expire:${review!.id}`))).toBe(clock.t + 180 * DAY_MS);

    clock.advance(180 * DAY_MS - 60_000);
    await settle(hub);
    expect((await allAlerts(hub))[0]!.state).toBe('open'); // escalated and overdue by now, but not ended
    clock.advance(60_000);
    await settle(hub);
    const [closed] = await allAlerts(hub);
    expect(closed!.state).toBe('closed');
    expect(closed!.history.at(-1)).toMatchObject({ action: 'closed', by: 'system', reason: 'expired' });
    expect(await hub.redis.zscore(hub.keys.alertsUnresolved, closed!.id)).toBeNull();
    expect(await alertCounts(hub, `dept:${DEPT}`)).toEqual({ open: 0, yellow: 0, red: 0 });
    // and the closed alert itself is kept 200 days
    expect((await hub.redis.ttl(hub.keys.alert(closed!.id))) / 86_400).toBeCloseTo(200, 0);
  });

  it('trims the indexes of alerts that can no longer exist when an alert opens', async () => {
    const clock = new TestClock(at('10:00'));
    hub = await startAlertHub(testPrefix(), clock);
    // 380 days: 180 open at most, then 200 kept
    const gone = clock.t - 381 * DAY_MS;
    const kept = clock.t - 379 * DAY_MS;
    for (const key of [hub.keys.alertsAll, hub.keys.alertsOfDept(DEPT)]) await hub.redis.zadd(key, gone, 'A-gone', kept, 'A-kept');
    await post('rating', [ev.rating(at('09:59'), 2, 'yiyang.w001', DEPT)]);
    await settle(hub);
    for (const key of [hub.keys.alertsAll, hub.keys.alertsOfDept(DEPT)]) {
      const members = await hub.redis.zrange(key, 0, -1);
      expect(members).not.toContain('A-gone');
      expect(members).toContain('A-kept');
      expect(members).toHaveLength(2);
    }
  });

  it('forgets a case 60 days after it ended, and an open one 2 years after its last event', async () => {
    const clock = new TestClock(at('10:00'));
    hub = await startAlertHub(testPrefix(), clock);
    await post('cases', [ev.accepted(at('09:00'), 'C-OPEN', 20)]);
    await settle(hub);
    expect(await caseKeyDays(hub)).toEqual([expect.closeTo(730, 0)]);

    await post('cases', [ev.suspended(at('09:10'), 'C-OPEN'), ev.accepted(at('09:20'), 'C-DONE', 20)]);
    await settle(hub);
    await post('cases', [ev.completed(at('09:30'), 'C-DONE'), ev.completed(at('09:40'), 'C-EARLY')]); // C-EARLY: before its acceptance
    await settle(hub);
    const days = (await caseKeyDays(hub)).sort((a, b) => a - b);
    expect(days).toEqual([expect.closeTo(60, 0), expect.closeTo(60, 0), expect.closeTo(730, 0)]);
  });
});
