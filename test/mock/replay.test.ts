/**
 * The mock replays a working day at full speed into a real hub (real Redis); the hub's snapshot
 * must show exactly what the mock says it sent, and the figures must look like the Yiyang center.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../common/snapshot.ts';
import { dayIndexOfDate } from '../../common/time.ts';
import { runReplay, type RunResult } from '../../mock/run.ts';
import type { TallyFigures } from '../../mock/tally.ts';
import type { Hub } from '../../server/hub.ts';
import { TOKENS, drained, getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const tokens = new Map(Object.entries(TOKENS));

/** Waits for the aggregators, riding out Redis timeouts of a busy machine (a whole day is 350k events). */
async function settle(hub: Hub, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await drained(hub, Math.max(1000, deadline - Date.now()));
    } catch (err) {
      if (Date.now() > deadline || !/timed out/i.test((err as Error).message)) throw err;
    }
  }
}

async function snapshot(hub: Hub, query: string): Promise<Snapshot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await getJson(hub, `/api/v1/snapshot?${query}`)) as Snapshot;
    } catch (err) {
      if (attempt >= 5 || !/: 503 /.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
const DATE = '2026-11-25'; // a Wednesday
const NOW = Date.parse('2026-11-26T08:00:00+08:00'); // the hub's clock: the next morning

function expectSame(snap: Snapshot, t: TallyFigures): void {
  expect(snap.cases).toMatchObject({
    accepted: t.cases.accepted, completed: t.cases.completed, completedEarly: t.cases.completedEarly,
    completedOnTime: t.cases.completedOnTime, returned: t.cases.returned,
  });
  expect(snap.cases.earlyRate).toBeCloseTo(t.cases.earlyRate!, 10);
  expect(snap.cases.onTimeRate).toBeCloseTo(t.cases.onTimeRate!, 10);
  expect(snap.tickets).toMatchObject({
    issued: t.tickets.issued, called: t.tickets.called, started: t.tickets.started, finished: t.tickets.finished,
    noShow: t.tickets.noShow, transferred: t.tickets.transferred, avgWaitSec: t.tickets.avgWaitSec,
  });
  expect(snap.ratings).toEqual({ total: t.ratings.total, byScore: t.ratings.byScore, satisfactionRate: t.ratings.satisfactionRate, bad: t.ratings.bad });
  expect(snap.portal.pv).toBe(t.portal.pv);
  expect(snap.portal.byColumn).toEqual(t.portal.byColumn);
  if (t.portal.uv > 0) expect(Math.abs(snap.portal.uv - t.portal.uv) / t.portal.uv).toBeLessThan(0.02); // HyperLogLog: 0.81 % standard error
  expect(snap.trades).toMatchObject({ count: t.trades.count, amount: t.trades.amount });
  expect(snap.fees).toEqual({ count: t.fees.count, amount: t.fees.amount });
  expect(snap.complaints).toEqual(t.complaints);
}

describe('mock replay into a real hub', { timeout: 900_000 }, () => {
  let hub: Hub;
  let result: RunResult;
  const day = dayIndexOfDate(DATE);
  beforeAll(async () => { hub = await startTestHub(testPrefix(), { now: () => NOW }); });
  afterAll(async () => { await hub?.stop(); });

  it('replays a whole working day at full speed, and the hub counts exactly what the mock sent', async () => {
    const started = performance.now();
    result = await runReplay({ url: hub.url, tokens, date: DATE, speed: 'max', seed: '1', now: () => NOW });
    const sendSec = (performance.now() - started) / 1000;
    await settle(hub);
    const totalSec = (performance.now() - started) / 1000;
    console.log(`replay ${DATE}: ${result.totals.sent} events sent in ${sendSec.toFixed(1)} s (${Math.round(result.totals.sent / sendSec)} events/s), aggregated by ${totalSec.toFixed(1)} s`);

    expect(result.totals.rejected).toBe(0);
    expect(result.totals.accepted + result.totals.duplicates).toBe(result.totals.sent);
    expect(result.generated).toBe(result.totals.sent);
    for (const scope of ['city', 'center:yiyang', 'center:heshan'] as const) {
      const snap = await snapshot(hub, `scope=${scope}&date=${DATE}`);
      expectSame(snap, result.tally.figures(day, scope));
    }
  });

  it('looks like the Yiyang center: 900 cases a day, mostly early, on time and satisfied, 300k portal visits', async () => {
    const city = await snapshot(hub, `scope=center:yiyang&date=${DATE}`);
    expect(city.cases.completed).toBeGreaterThanOrEqual(800);
    expect(city.cases.completed).toBeLessThanOrEqual(1050);
    expect(city.cases.earlyRate!).toBeGreaterThan(0.5);
    expect(city.cases.onTimeRate!).toBeGreaterThan(0.99);
    expect(city.ratings.satisfactionRate!).toBeGreaterThan(0.99);
    expect(city.ratings.total).toBeGreaterThan(city.tickets.finished * 0.7); // most served citizens rate
    expect(city.ratings.bad).toBeGreaterThan(0);
    expect(city.ratings.bad).toBeLessThan(30);
    expect(result.tally.figures(day, 'center:yiyang').tickets.shareWaitUnder15Min!).toBeGreaterThan(0.85);
    expect(city.tickets.p90WaitSec!).toBeLessThanOrEqual(15 * 60);
    expect(city.portal.pv).toBeGreaterThan(270_000);
    expect(city.portal.pv).toBeLessThan(340_000);
    expect(city.portal.uv).toBeLessThan(city.portal.pv / 2);
    expect(Object.keys(city.portal.byColumn)).toHaveLength(8);
    expect(city.trades.count).toBeGreaterThan(0);
    expect(city.trades.count).toBeLessThan(15);
    expect(city.fees.count).toBeGreaterThan(50);
    const district = await snapshot(hub, `scope=center:anhua&date=${DATE}`);
    expect(district.tickets.issued).toBeGreaterThan(50);
    expect(district.tickets.issued).toBeLessThan(city.tickets.issued / 4);
  });

  it('counts a repeated replay once: the same seed gives the same ids', async () => {
    const before = await snapshot(hub, `scope=city&date=${DATE}`);
    const again = await runReplay({ url: hub.url, tokens, date: DATE, speed: 'max', seed: '1', now: () => NOW, only: ['cases', 'rating', 'queue'] });
    expect(again.totals.sent).toBeGreaterThan(10_000);
    expect(again.totals.accepted).toBe(0);
    expect(again.totals.duplicates).toBe(again.totals.sent);
    await settle(hub);
    const after = await snapshot(hub, `scope=city&date=${DATE}`);
    // alert counts move on their own as the alert engine works through the first replay's timers
    expect({ ...after, asOf: '', alerts: null }).toEqual({ ...before, asOf: '', alerts: null });
  });
});

describe('mock scenarios in a real hub', { timeout: 600_000 }, () => {
  const date = '2026-11-24';
  const now = Date.parse('2026-11-25T09:00:00+08:00');
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: () => now });
    const r = await runReplay({
      url: hub.url, tokens, date, speed: 'max', seed: '1', now: () => now,
      only: ['queue', 'window', 'rating', 'cases'],
      scenarios: ['queue-surge', 'overdue-case', 'unattended-window', 'bad-reviews'],
    });
    expect(r.totals.rejected).toBe(0);
    await settle(hub);
  }, 600_000);
  afterAll(async () => { await hub?.stop(); });

  it('queue-surge makes citizens of 人社 wait long', async () => {
    const hrss = await snapshot(hub, `scope=dept:yiyang.hrss&date=${date}`);
    const market = await snapshot(hub, `scope=dept:yiyang.market&date=${date}`);
    expect(hrss.tickets.p90WaitSec!).toBeGreaterThanOrEqual(20 * 60);
    expect(hrss.tickets.avgWaitSec!).toBeGreaterThan(market.tickets.avgWaitSec! * 2);
  });

  it('overdue-case leaves cases open past their deadline and others due the next working day', async () => {
    const key = hub.keys.openCases('dept:yiyang.realestate');
    const red = await Promise.all([1, 2, 3].map(async (i) => hub.redis.zscore(key, `yiyang-20261117-R${i}`)));
    const yellow = await Promise.all([1, 2].map(async (i) => hub.redis.zscore(key, `yiyang-20261120-Y${i}`)));
    for (const deadline of red) expect(Number(deadline)).toBeLessThan(now);
    for (const deadline of yellow) expect(Number(deadline)).toBe(Date.parse('2026-11-26T00:00:00+08:00'));
    const today = await snapshot(hub, 'scope=dept:yiyang.realestate');
    expect(today.cases.overdueOpen).toBeGreaterThanOrEqual(3);
  });

  it('unattended-window leaves yiyang.w063 out of service for 90 minutes', async () => {
    const out = await snapshot(hub, `scope=window:yiyang.w063&date=${date}`);
    const peer = await snapshot(hub, `scope=window:yiyang.w064&date=${date}`);
    expect(peer.window!.openSec - out.window!.openSec).toBeGreaterThan(80 * 60);
  });

  it('bad-reviews gives window yiyang.w067 a burst of bad ratings', async () => {
    const w = await snapshot(hub, `scope=window:yiyang.w067&date=${date}`);
    expect(w.ratings.bad).toBeGreaterThanOrEqual(6);
  });
});
