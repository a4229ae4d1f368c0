import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitComparison, CockpitConfig, CockpitRankings, CockpitTrading, DistrictComparison } from '../../common/cockpit.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { drained, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { cockpitMonth, sendMonth } from './cockpit-feed.ts';
import { getAs, signedIn } from './cockpit-session.ts';

describe('cockpit read API (/api/v1/cockpit/*)', () => {
  let hub: Hub;
  let leader: string;
  const now = Date.now();
  const today = dayIndexOf(now);
  const yesterday = dateOfDayIndex(today - 1);
  const get = async <T>(path: string): Promise<T> => {
    const { status, body } = await getAs<T>(hub, path, leader);
    expect(status, `${path}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  };

  beforeAll(async () => {
    hub = await startTestHub(testPrefix());
    await sendMonth(hub, cockpitMonth(now, 30));
    await drained(hub, 60_000);
    leader = await signedIn(hub, 'mayor', 'leader');
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses anonymous visitors (401) and supervisors (403), and admits leaders and admins', async () => {
    expect((await getAs(hub, '/api/v1/cockpit/districts', null)).status).toBe(401);
    const supervisor = await signedIn(hub, 'window-boss', 'supervisor', ['yiyang.realestate']);
    expect((await getAs(hub, '/api/v1/cockpit/rankings', supervisor)).status).toBe(403);
    const admin = await signedIn(hub, 'it-admin', 'admin');
    expect((await getAs(hub, '/api/v1/cockpit/config', admin)).status).toBe(200);
  });

  it('serves the coverage and the targets from config/coverage.json', async () => {
    const config = await get<CockpitConfig>('/api/v1/cockpit/config');
    expect(config.coverage.township).toMatchObject({ total: 94, covered: 80 });
    expect(config.coverage.community).toMatchObject({ total: 2005, covered: 641 });
    expect(config.targets).toEqual({
      earlyRate: 0.5,
      onTimeRate: 0.99,
      satisfactionRate: 0.99,
      upheldComplaints: 0,
      portalDailyAverage: 300_000,
      portalPeak: 335_000,
    });
  });

  it('compares the eight centers with the same figures as their snapshots', async () => {
    for (const date of [yesterday, dateOfDayIndex(today)]) {
      const cmp = await get<DistrictComparison>(`/api/v1/cockpit/districts?date=${date}`);
      expect(cmp.centers.map((c) => c.center)).toEqual(['yiyang', 'heshan', 'ziyang', 'nanxian', 'taojiang', 'anhua', 'yuanjiang', 'datonghu']);
      for (const row of cmp.centers) {
        const snap = await get<Snapshot>(`/api/v1/snapshot?scope=center:${row.center}&date=${date}`);
        expect(row).toMatchObject({
          accepted: snap.cases.accepted,
          completed: snap.cases.completed,
          overdue: snap.cases.overdue,
          onTimeRate: snap.cases.onTimeRate,
          earlyRate: snap.cases.earlyRate,
          satisfactionRate: snap.ratings.satisfactionRate,
          ratings: snap.ratings.total,
          waiting: snap.tickets.waiting,
          avgWaitSec: snap.tickets.avgWaitSec,
        });
      }
      expect(cmp.centers.find((c) => c.center === 'yiyang')!.completed).toBeGreaterThan(0);
    }
  });

  it('ranks departments and windows with the numbers of their own snapshots, in order', async () => {
    const r = await get<CockpitRankings>(`/api/v1/cockpit/rankings?date=${yesterday}&limit=50`);
    const byCompleted = r.departments.byCompleted;
    expect(byCompleted.length).toBeGreaterThan(5);
    expect(byCompleted.map((e) => e.value)).toEqual([...byCompleted.map((e) => e.value)].sort((a, b) => b - a));
    expect(r.departments.bySatisfaction.map((e) => e.value)).toEqual([...r.departments.bySatisfaction.map((e) => e.value)].sort((a, b) => a - b));
    for (const e of [...byCompleted.slice(0, 3), ...r.departments.bySatisfaction.slice(0, 3), ...r.departments.byAvgWait.slice(0, 3)]) {
      const snap = await get<Snapshot>(`/api/v1/snapshot?scope=${e.scope}&date=${yesterday}`);
      const expected = r.departments.byCompleted.includes(e)
        ? snap.cases.completed
        : r.departments.bySatisfaction.includes(e)
          ? snap.ratings.satisfactionRate
          : snap.tickets.avgWaitSec;
      expect(e.value, e.scope).toBe(expected);
    }
    const windows = r.windows.byThroughput;
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows.slice(0, 3)) {
      const snap = await get<Snapshot>(`/api/v1/snapshot?scope=${w.scope}&date=${yesterday}`);
      expect(w.value).toBe(snap.window!.throughputPerHour);
    }
    // a department ranks its own windows; the limit holds
    const dept = await get<CockpitRankings>(`/api/v1/cockpit/rankings?scope=dept:yiyang.realestate&date=${yesterday}&limit=1`);
    expect(dept.windows.byThroughput).toHaveLength(1);
    expect(dept.windows.byThroughput[0]!.scope).toMatch(/^window:yiyang\.w/);
    expect(dept.departments.byCompleted.every((e) => e.code === 'yiyang.realestate')).toBe(true);
  });

  it('sums trading by category for the month and the year up to the day, equal to the daily snapshots', async () => {
    const date = dateOfDayIndex(today);
    const t = await get<CockpitTrading>(`/api/v1/cockpit/trading?date=${date}`);
    let monthCount = 0;
    let yearCount = 0;
    let yearFen = 0;
    const byCat = new Map<string, number>();
    for (let d = today - 29; d <= today; d++) {
      const day = dateOfDayIndex(d);
      if (day.slice(0, 4) !== date.slice(0, 4)) continue;
      const snap = await get<Snapshot>(`/api/v1/snapshot?date=${day}`);
      yearCount += snap.trades.count;
      yearFen += Math.round(snap.trades.amount * 100);
      if (day.slice(0, 7) === date.slice(0, 7)) {
        monthCount += snap.trades.count;
        for (const [cat, f] of Object.entries(snap.trades.byCategory)) byCat.set(cat, (byCat.get(cat) ?? 0) + f.count);
      }
    }
    expect(t.month.count).toBe(monthCount);
    expect(t.year.count).toBe(yearCount);
    expect(Math.round(t.year.amount * 100)).toBe(yearFen);
    for (const [cat, n] of byCat) expect(t.month.byCategory[cat]!.count, cat).toBe(n);
    // a department reads its center's trading
    const dept = await get<CockpitTrading>(`/api/v1/cockpit/trading?scope=dept:heshan.realestate&date=${date}`);
    expect(dept.scope).toBe('center:heshan');
  });

  it('compares today with yesterday up to the same clock time, and a past day with the whole day before', async () => {
    const cmp = await get<CockpitComparison>('/api/v1/cockpit/compare');
    const minute = shanghaiClock(cmp.until === '24:00' ? now : Date.parse(`${dateOfDayIndex(today)}T${cmp.until}:00+08:00`)).minute;
    const perMinute = await get<{ points: { t: string; v: number }[] }>(
      `/api/v1/series?metric=cases.accepted&interval=minute&from=${yesterday}&to=${yesterday}`,
    );
    const upToSameTime = perMinute.points.slice(0, minute + 1).reduce((a, p) => a + p.v, 0);
    expect(cmp.previousDate).toBe(yesterday);
    expect(cmp.sameTime.accepted).toBe(upToSameTime);

    const dayBefore = dateOfDayIndex(today - 2);
    const past = await get<CockpitComparison>(`/api/v1/cockpit/compare?date=${yesterday}`);
    const snap = await get<Snapshot>(`/api/v1/snapshot?date=${dayBefore}`);
    expect(past.until).toBe('24:00');
    expect(past.sameTime).toMatchObject({
      accepted: snap.cases.accepted,
      completed: snap.cases.completed,
      ratings: snap.ratings.total,
      bad: snap.ratings.bad,
      satisfactionRate: snap.ratings.satisfactionRate,
    });
    expect(past.wholeDay).toEqual({
      earlyRate: snap.cases.earlyRate,
      onTimeRate: snap.cases.onTimeRate,
      complaints: snap.complaints.filed,
      overdue: snap.cases.overdue,
    });
  });

  it('answers 400 for a day to come and for a bad export size', async () => {
    const future = dateOfDayIndex(today + 1);
    const res = await getAs<{ field: string }>(hub, `/api/v1/cockpit/districts?date=${future}`, leader);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('date');
    expect((await getAs(hub, '/api/v1/cockpit/export?size=10x10', leader)).status).toBe(400);
  });
});
