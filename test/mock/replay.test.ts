/**
 * The mock replays a working day at full speed into a real hub (real Redis); the hub's snapshot
 * must show exactly what the mock says it sent, and the figures must look like the Yiyang center.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../common/snapshot.ts';
import { addWorkingDays } from '../../common/calendar.ts';
import { dateOfDayIndex, dayIndexOfDate, startOfDayMs, weekdayOf } from '../../common/time.ts';
import { buildDay, modelContext } from '../../mock/model/day.ts';
import { simDays, workingDaysBefore } from '../../mock/model/sim-days.ts';
import { runReplay, type RunResult } from '../../mock/run.ts';
import { resolveScenarios, type ScenarioName } from '../../mock/scenarios.ts';
import { compactDate, type Timed } from '../../mock/timeline.ts';
import type { TallyFigures } from '../../mock/tally.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import type { Hub } from '../../server/hub.ts';
import { dayFromToday, findDay, fixedClock, kindOfDay, testCalendar } from '../helpers/test-clock.ts';
import { TOKENS, drained, getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

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

/** The snapshot, asked again while a busy Redis answers 503. */
function snapshot(hub: Hub, query: string): Promise<Snapshot> {
  return waitFor(
    `the ${query} snapshot`,
    async () => {
      try {
        return (await getJson(hub, `/api/v1/snapshot?${query}`)) as Snapshot;
      } catch (err) {
        if (!/: 503 /.test((err as Error).message)) throw err;
        return null;
      }
    },
    5000,
    250,
  );
}
/** A Wednesday of an ordinary week (no holiday or make-up workday from the week before it to the day after), before today. */
const ordinaryWeek = (d: number) => Array.from({ length: 12 }, (_, i) => d - 10 + i).every((x) => testCalendar.isWorkday(x) === kindOfDay.weekday(x));
const DATE = findDay((d) => weekdayOf(d) === 3 && ordinaryWeek(d), -1, dayFromToday(-1));
const NOW = fixedClock('08:00', dateOfDayIndex(dayIndexOfDate(DATE) + 1))(); // the hub's clock: the next morning

function expectSame(snap: Snapshot, t: TallyFigures): void {
  expect(snap.cases).toMatchObject({
    accepted: t.cases.accepted,
    completed: t.cases.completed,
    completedEarly: t.cases.completedEarly,
    completedOnTime: t.cases.completedOnTime,
    returned: t.cases.returned,
  });
  expect(snap.cases.earlyRate).toBeCloseTo(t.cases.earlyRate!, 10);
  expect(snap.cases.onTimeRate).toBeCloseTo(t.cases.onTimeRate!, 10);
  expect(snap.tickets).toMatchObject({
    issued: t.tickets.issued,
    called: t.tickets.called,
    started: t.tickets.started,
    finished: t.tickets.finished,
    noShow: t.tickets.noShow,
    transferred: t.tickets.transferred,
    avgWaitSec: t.tickets.avgWaitSec,
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
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: () => NOW });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('replays a whole working day at full speed, and the hub counts exactly what the mock sent', async () => {
    const started = performance.now();
    result = await runReplay({ url: hub.url, tokens, date: DATE, speed: 'max', seed: '1', now: () => NOW });
    const sendSec = (performance.now() - started) / 1000;
    await settle(hub);
    const totalSec = (performance.now() - started) / 1000;
    console.log(
      `replay ${DATE}: ${result.totals.sent} events sent in ${sendSec.toFixed(1)} s (${Math.round(result.totals.sent / sendSec)} events/s), aggregated by ${totalSec.toFixed(1)} s`,
    );

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
    // about 99 %, as at the center; the model's day-to-day spread reaches 0.98998 on some days
    expect(city.cases.onTimeRate!).toBeGreaterThan(0.985);
    expect(city.ratings.satisfactionRate!).toBeGreaterThan(0.99);
    expect(city.ratings.total).toBeGreaterThan(city.tickets.finished * 0.7); // most served citizens rate
    expect(city.ratings.bad).toBeGreaterThan(0);
    expect(city.ratings.bad).toBeLessThan(30);
    expect(result.tally.figures(day, 'center:yiyang').tickets.shareWaitUnder15Min!).toBeGreaterThan(0.85);
    expect(city.tickets.p90WaitSec!).toBeLessThanOrEqual(15 * 60);
    expect(city.portal.pv).toBeGreaterThan(270_000);
    expect(city.portal.pv).toBeLessThan(360_000); // about 320,000 with the model's spread
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

/**
 * A window's open time (s) by the window events of a timeline, counted as the hub counts it: each
 * stretch from an `open` or `serving` status to the next status, in whole seconds.
 */
function openSecOf(timeline: Timed[], window: string): number {
  let status = '';
  let since = 0;
  let total = 0;
  for (const t of timeline) {
    if (t.event.type !== 'window.status' || t.event.window !== window) continue;
    if ((status === 'open' || status === 'serving') && since > 0) total += Math.floor((t.at - since) / 1000);
    status = t.event.status;
    since = t.at;
  }
  return total;
}

describe('mock scenarios in a real hub', { timeout: 600_000 }, () => {
  const date = findDay(kindOfDay.workday, -1, dayFromToday(-1)); // the last working day before today
  const day = dayIndexOfDate(date);
  const now = fixedClock('09:00', dateOfDayIndex(day + 1))(); // the next morning
  const scenarios: ScenarioName[] = ['queue-surge', 'overdue-case', 'unattended-window', 'bad-reviews'];
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: () => now });
    const r = await runReplay({
      url: hub.url,
      tokens,
      date,
      speed: 'max',
      seed: '1',
      now: () => now,
      only: ['queue', 'window', 'rating', 'cases'],
      scenarios,
    });
    expect(r.totals.rejected).toBe(0);
    await settle(hub);
  }, 600_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('queue-surge makes citizens of 人社 wait long', async () => {
    const hrss = await snapshot(hub, `scope=dept:yiyang.hrss&date=${date}`);
    const market = await snapshot(hub, `scope=dept:yiyang.market&date=${date}`);
    expect(hrss.tickets.p90WaitSec!).toBeGreaterThanOrEqual(20 * 60);
    expect(hrss.tickets.avgWaitSec!).toBeGreaterThan(market.tickets.avgWaitSec! * 2);
  });

  it('overdue-case leaves cases open past their deadline and others due the next working day', async () => {
    // members are <center>:<case>: two centers may use the same case number
    const key = hub.keys.openCases('dept:yiyang.realestate');
    // 不动产抵押登记 promises 3 working days: the red cases were accepted 5 working days before the
    // replayed day, the yellow ones 2, so they are due on the working day after it
    const promised = 3;
    const redDay = compactDate(workingDaysBefore(testCalendar, day, promised + 2));
    const yellowDay = compactDate(workingDaysBefore(testCalendar, day, promised - 1));
    const red = await Promise.all([1, 2, 3].map(async (i) => hub.redis.zscore(key, `yiyang:yiyang-${redDay}-R${i}`)));
    const yellow = await Promise.all([1, 2].map(async (i) => hub.redis.zscore(key, `yiyang:yiyang-${yellowDay}-Y${i}`)));
    for (const deadline of red) expect(deadline).not.toBeNull();
    for (const deadline of red) expect(Number(deadline)).toBeLessThan(now);
    // the deadline is the end of the due day: 00:00 of the day after the next working day
    for (const deadline of yellow) expect(Number(deadline)).toBe(startOfDayMs(addWorkingDays(testCalendar, day, 1) + 1));
    const today = await snapshot(hub, 'scope=dept:yiyang.realestate');
    expect(today.cases.overdueOpen).toBeGreaterThanOrEqual(3);
  });

  it('unattended-window leaves yiyang.w063 out of service for 90 minutes', async () => {
    // The mock pauses w063 at 10:00, or when the citizen served there then leaves (up to 60
    // minutes later), until 11:30, and calls nobody there meanwhile. How much open time that takes
    // off the day depends on the day's queue (how late the pause begins, who works past closing),
    // so the day's own plan (the pure model, same seed and scenarios) gives what the hub must count.
    const start = startOfDayMs(day) + 10 * 3600_000;
    const plan = buildDay(modelContext(loadCatalog('config/catalog').catalog, simDays(testCalendar), '1'), day, resolveScenarios(scenarios, start)).timeline;
    const w063 = plan.filter((t) => 'window' in t.event && t.event.window === 'yiyang.w063');
    const paused = w063.find((t) => t.event.type === 'window.status' && t.event.status === 'paused' && t.at >= start)!;
    // once the citizen served at 10:00 leaves: a service lasts at most 60 minutes
    expect(paused.at).toBeLessThan(start + 61 * 60_000);
    // the next thing w063 does (a status, a call, a service) is to open again at 11:30
    const resumed = w063.find((t) => t.at > paused.at && ['window.status', 'ticket.called', 'ticket.started'].includes(t.event.type))!;
    expect(resumed.event).toMatchObject({ type: 'window.status', status: 'open' });
    expect(resumed.at).toBe(start + 90 * 60_000);
    const out = await snapshot(hub, `scope=window:yiyang.w063&date=${date}`);
    const peer = await snapshot(hub, `scope=window:yiyang.w064&date=${date}`);
    // the hub counts no open time for the pause: w063's open time is exactly that of the events
    // sent, as is a peer's of its department, and less than the peer's
    expect(out.window!.openSec).toBe(openSecOf(plan, 'yiyang.w063'));
    expect(peer.window!.openSec).toBe(openSecOf(plan, 'yiyang.w064'));
    expect(peer.window!.openSec - out.window!.openSec).toBeGreaterThan(0);
  });

  it('bad-reviews gives window yiyang.w067 a burst of bad ratings', async () => {
    const w = await snapshot(hub, `scope=window:yiyang.w067&date=${date}`);
    expect(w.ratings.bad).toBeGreaterThanOrEqual(6);
  });
});
