// The hub must not depend on the server's time zone: run this file with the process in UTC.
process.env.TZ = 'UTC';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at as atTime, dayFromToday, fixedClock } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const YESTERDAY = dayFromToday(-1);
const t = (time: string, date = TODAY) => atTime(time, date);
const W = 'yiyang.w003';
const D = 'yiyang.realestate';

describe('ticket, rating, portal, trade and fee figures', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('16:30') });
    await postEvents(hub, 'queue', [
      ev.issued(t('09:00:00'), 'B001', D),
      ev.issued(t('09:01:00'), 'B002', D),
      ev.issued(t('09:02:00'), 'B003', D),
      ev.called(t('09:10:00'), 'B001', W),
      // a call that arrives before its issue (out of order): the wait still counts, the waiting count not
      ev.called(t('09:20:00'), 'B009', W),
      ev.issued(t('09:05:00'), 'B009', D),
      ev.called(t('09:10:30'), 'B001', W), // a recall: counted once
    ]);
    await postEvents(hub, 'window', [
      ev.windowStatus(t('08:30:00'), 'open', W, D),
      ev.started(t('09:11:00'), 'B001', W),
      ev.finished(t('09:21:00'), 'B001', W),
      ev.windowStatus(t('11:30:00'), 'paused', W, D),
    ]);
    await postEvents(
      hub,
      'rating',
      [5, 4, 3, 2, 1].map((s) => ev.rating(t('09:30:00'), s, W, D)),
    );
    await postEvents(hub, 'portal', [ev.hit(t('10:00:00'), 'v1'), ev.hit(t('10:00:10'), 'v1', '市长热线'), ev.hit(t('10:01:00'), 'v2')]);
    await postEvents(hub, 'trade', [ev.trade(t('10:00:00'), 0.1), ev.trade(t('10:00:00'), 0.2, 'land')]);
    await postEvents(hub, 'fee', [ev.fee(t('10:00:00'), 12.5), ev.fee(t('10:05:00'), 80)]);
    await drained(hub);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('computes waiting count, wait and service times from the ticket flow', async () => {
    const s = await getJson(hub, `/api/v1/snapshot?scope=dept:${D}`);
    expect(s.date).toBe(TODAY);
    expect(s.tickets).toMatchObject({ issued: 4, called: 2, waiting: 2, started: 1, finished: 1, avgServiceSec: 600 });
    // B001 waited 10 min, B009 15 min
    expect(s.tickets.avgWaitSec).toBe(750);
    expect(s.tickets.p90WaitSec).toBe(16 * 60);
  });

  it('shows the window state, its current call and its throughput per open hour', async () => {
    const s = await getJson(hub, `/api/v1/snapshot?scope=window:${W}`);
    // the latest call (B009 at 09:20): neither B001's late recall nor its finish takes it back
    expect(s.window).toMatchObject({ status: 'paused', ticket: 'B009', ticketState: 'called', openSec: 3 * 3600, throughputPerHour: 0.3 });
    const center = await getJson(hub, '/api/v1/snapshot?scope=center:yiyang');
    expect(center.windows[W]).toEqual({ status: 'paused', staff: 's0001', ticket: 'B009' });
    expect(center.calls.map((c: any) => c.ticket)).toEqual(['B001', 'B009', 'B001']);
  });

  it('counts 3 stars and better as satisfied and 1-2 stars as bad reviews', async () => {
    const s = await getJson(hub, `/api/v1/snapshot?scope=window:${W}`);
    expect(s.ratings).toEqual({ total: 5, byScore: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 }, satisfactionRate: 0.6, bad: 2 });
  });

  it('counts page views, unique visitors and views by column', async () => {
    const s = await getJson(hub, '/api/v1/snapshot?scope=city');
    expect(s.portal).toEqual({ pv: 3, uv: 2, byColumn: { 动态信息: 2, 市长热线: 1 } });
  });

  it('keeps money exact to the fen', async () => {
    const s = await getJson(hub, '/api/v1/snapshot?scope=center:yiyang');
    expect(s.trades.amount).toBe(0.3);
    expect(s.trades.byCategory.land).toEqual({ count: 1, amount: 0.2 });
    expect(s.fees).toEqual({ count: 2, amount: 92.5 });
  });

  it('puts a late event on the day and hour of its time, not of its arrival', async () => {
    await postEvents(hub, 'queue', [ev.issued(t('15:00:00', YESTERDAY), 'B777', D)]);
    await drained(hub);
    const yesterday = await getJson(hub, `/api/v1/snapshot?scope=dept:${D}&date=${YESTERDAY}`);
    const today = await getJson(hub, `/api/v1/snapshot?scope=dept:${D}&date=${TODAY}`);
    expect([yesterday.tickets.issued, today.tickets.issued]).toEqual([1, 4]);
    const series = await getJson(hub, `/api/v1/series?metric=tickets.issued&scope=dept:${D}&interval=hour&from=${YESTERDAY}&to=${YESTERDAY}`);
    expect(series.points[15]).toEqual({ t: `${YESTERDAY}T15:00:00.000+08:00`, v: 1 });
  });

  it('rolls the day over at midnight Asia/Shanghai with the process in UTC', async () => {
    expect(new Date().getTimezoneOffset()).toBe(0);
    await postEvents(hub, 'portal', [ev.hit(t('23:59:59', YESTERDAY), 'night-1'), ev.hit(t('00:00:01'), 'night-2')]);
    await drained(hub);
    const series = await getJson(hub, `/api/v1/series?metric=portal.pv&scope=city&interval=minute&from=${YESTERDAY}&to=${TODAY}`);
    const at = (iso: string) => series.points.find((p: any) => p.t === iso)?.v;
    expect(at(`${YESTERDAY}T23:59:00.000+08:00`)).toBe(1);
    expect(at(`${TODAY}T00:00:00.000+08:00`)).toBe(1);
  });

  it('serves daily rates as a series', async () => {
    const s = await getJson(hub, `/api/v1/series?metric=ratings.satisfactionRate&scope=window:${W}&interval=day&from=${YESTERDAY}&to=${TODAY}`);
    expect(s.points).toEqual([
      { t: YESTERDAY, v: null },
      { t: TODAY, v: 0.6 },
    ]);
  });

  it('answers a bad series request with the field and the reason', async () => {
    const res = await fetch(`${hub.url}/api/v1/series?metric=nope&interval=day`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'metric', error: expect.stringContaining('unknown metric') });
    const scope = await fetch(`${hub.url}/api/v1/snapshot?scope=dept:nowhere`);
    expect(scope.status).toBe(404);
  });
});
