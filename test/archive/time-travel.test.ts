import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { timeTravelPrefixOf } from '../../server/archive/time-travel.ts';
import { scanKeys } from '../../server/archive/replay-core.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, fixedClock, instant } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix, type TOKENS } from '../helpers/test-hub.ts';

const YESTERDAY = dayFromToday(-1);
const TOKEN = 'hall-screen-token-for-time-travel';
const SCOPES = ['city', 'center:yiyang', 'dept:yiyang.realestate', 'window:yiyang.w001', 'window:yiyang.w002'];

// The day's story, by source; each event stamped at its time (every one before the hub's 16:30).
const story: [keyof typeof TOKENS, Record<string, unknown>][] = [
  ['cases', ev.accepted(at('10:00', YESTERDAY), 'C-1', 5)],
  ['cases', ev.accepted(at('11:00', YESTERDAY), 'C-2', 5)],
  ['window', ev.windowStatus(at('08:30'), 'open')],
  ['window', ev.windowStatus(at('08:31'), 'open', 'yiyang.w002')],
  ['queue', ev.issued(at('09:00'), 'A001')],
  ['queue', ev.issued(at('09:01'), 'A002')],
  ['queue', ev.called(at('09:05'), 'A001')],
  ['window', ev.started(at('09:06'), 'A001')],
  ['portal', ev.hit(at('09:07'), 'v1')],
  ['queue', ev.issued(at('09:30'), 'A003')],
  ['queue', ev.called(at('09:40'), 'A002', 'yiyang.w002')],
  ['window', ev.finished(at('09:50'), 'A001')],
  ['rating', ev.rating(at('09:51'), 5)],
  ['cases', ev.accepted(at('10:00'), 'C-3', 3)],
  ['rating', ev.rating(at('10:30'), 1, 'yiyang.w002')],
  ['trade', ev.trade(at('11:00'), 300)],
  ['window', ev.windowStatus(at('12:00'), 'paused', 'yiyang.w002')],
  ['cases', ev.completed(at('14:00'), 'C-1')],
  ['queue', ev.called(at('14:05'), 'A003')],
  ['fee', ev.fee(at('15:00'), 20)],
];

async function send(hub: Hub, until: number): Promise<void> {
  for (const [source, event] of story) {
    if (Date.parse(event.at as string) > until) continue;
    expect((await postEvents(hub, source, [event])).status).toBe(202);
  }
  await drained(hub);
}

const get = async (hub: Hub, path: string) => {
  const res = await fetch(`${hub.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
/** Alerts are the alert engine's, which a replay does not run (docs/archive.md). */
const figures = (snapshot: Record<string, unknown>) => ({ ...snapshot, alerts: null });

describe('time travel: the snapshot at a past instant', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('16:30') });
    await send(hub, instant('16:30'));
  });
  afterAll(async () => {
    await hub?.stop();
  });

  // forward (applies only what lies between), back (starts over), forward again
  it.each(['09:06', '10:15', '14:30', '09:45', '16:29'])('at %s shows what a hub that had the events up to then showed', async (time) => {
    const reference = await startTestHub(testPrefix(), { now: fixedClock(time) });
    try {
      await send(reference, instant(time));
      for (const scope of SCOPES) {
        const past = await get(hub, `/api/v1/snapshot?scope=${scope}&at=${encodeURIComponent(at(time))}`);
        expect(past.status).toBe(200);
        const then = await get(reference, `/api/v1/snapshot?scope=${scope}`);
        expect(figures(past.body)).toEqual(figures(then.body));
      }
    } finally {
      await reference.stop();
    }
  });

  it('replays a past day too: yesterday at 10:30 as a hub showed it then', async () => {
    const reference = await startTestHub(testPrefix(), { now: fixedClock('10:30', YESTERDAY) });
    try {
      await send(reference, instant('10:30', YESTERDAY));
      for (const scope of SCOPES) {
        const past = await get(hub, `/api/v1/snapshot?scope=${scope}&at=${encodeURIComponent(at('10:30', YESTERDAY))}`);
        expect(past.status).toBe(200);
        expect(figures(past.body)).toEqual(figures((await get(reference, `/api/v1/snapshot?scope=${scope}`)).body));
      }
      const city = (await get(hub, `/api/v1/snapshot?scope=city&at=${encodeURIComponent(at('10:30', YESTERDAY))}`)).body as any;
      expect(city.cases.accepted).toBe(1);
    } finally {
      await reference.stop();
    }
  });

  it('shows the moment: window states, the calling board, a case completed after its acceptance the day before', async () => {
    const s = (await get(hub, `/api/v1/snapshot?scope=center:yiyang&at=${encodeURIComponent(at('14:01'))}`)).body as any;
    expect(s.asOf.startsWith(at('14:01').slice(0, 16))).toBe(true);
    expect(s.windows['yiyang.w002'].status).toBe('paused');
    expect(s.calls.map((c: { ticket: string }) => c.ticket)).toEqual(['A002', 'A001']);
    expect(s.cases.completed).toBe(1);
    expect(s.ratings.total).toBe(2);
  });

  it('reads under the same rules as the live snapshot', async () => {
    const when = encodeURIComponent(at('10:00'));
    const guarded = await startTestHub(testPrefix(), { now: fixedClock('16:30'), env: { SCREEN_TOKENS: `hall=${TOKEN}:center:yiyang` } });
    try {
      expect((await get(guarded, `/api/v1/snapshot?scope=center:yiyang&at=${when}&token=${TOKEN}`)).status).toBe(200);
      expect((await get(guarded, `/api/v1/snapshot?scope=center:heshan&at=${when}&token=${TOKEN}`)).status).toBe(403);
      expect((await get(guarded, `/api/v1/snapshot?scope=center:yiyang&at=${when}`)).status).toBe(401);
    } finally {
      await guarded.stop();
    }
    expect((await get(hub, `/api/v1/snapshot?scope=city&at=${encodeURIComponent(at('16:45'))}`)).status).toBe(400);
    expect((await get(hub, `/api/v1/snapshot?scope=city&at=${when}&date=${YESTERDAY}`)).status).toBe(400);
    expect((await get(hub, `/api/v1/snapshot?scope=city&at=yesterday`)).status).toBe(400);
  });

  it('leaves no scratch key once the hub stops', async () => {
    const other = await startTestHub(testPrefix(), { now: fixedClock('16:30') });
    await send(other, instant('11:00'));
    expect((await get(other, `/api/v1/snapshot?scope=city&at=${encodeURIComponent(at('10:00'))}`)).status).toBe(200);
    expect((await scanKeys(other.redis, `${timeTravelPrefixOf(other.keys)}*`)).length).toBeGreaterThan(0);
    const { redis, keys } = { redis: hub.redis, keys: other.keys };
    await other.stop();
    expect(await scanKeys(redis, `${timeTravelPrefixOf(keys)}*`)).toEqual([]);
  });
});
