/**
 * Scheduled reports: when a run is due (pure, fixed dates), and against real Redis that two
 * schedulers make each run once, that the reports are kept, listed by the API and served again
 * in all three formats with the kept numbers.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeptReport, Report } from '../../common/report.ts';
import { createLogger } from '../../server/observability/logger.ts';
import type { Hub } from '../../server/hub.ts';
import { dueRuns, startReportScheduler } from '../../server/reports/report-schedule.ts';
import { createReportStore } from '../../server/reports/report-store.ts';
import { getAs, signedIn } from '../cockpit/cockpit-session.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at, fixedClock, instant } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const settings = { dailyAtMinute: 18 * 60, monthlyAtMinute: 8 * 60 };

describe('report schedule', () => {
  it('is due at the daily time, and on the 1st at the monthly time for the month before', () => {
    const runs = (iso: string) => dueRuns(Date.parse(iso), settings).map((r) => r.run);
    expect(runs('2026-11-30T17:59:00+08:00')).toEqual(['monthly:2026-10']);
    expect(runs('2026-11-30T18:00:00+08:00')).toEqual(['daily:2026-11-30', 'monthly:2026-10']);
    expect(runs('2026-12-01T07:59:00+08:00')).toEqual([]);
    expect(runs('2026-12-01T08:00:00+08:00')).toEqual(['monthly:2026-11']);
    expect(runs('2027-01-01T18:30:00+08:00')).toEqual(['daily:2027-01-01', 'monthly:2026-12']);
  });

  describe('with a hub', () => {
    let hub: Hub;
    let leader: string;
    const now = fixedClock('18:30');

    beforeAll(async () => {
      hub = await startTestHub(testPrefix(), { now });
      leader = await signedIn(hub, 'mayor', 'leader');
      const r = await postEvents(hub, 'rating', [ev.rating(at('09:00'), 5), ev.rating(at('09:30'), 2), ev.rating(at('10:00'), 4, 'yiyang.w002')]);
      expect(r.status).toBe(202);
      await drained(hub, 30_000);
    }, 60_000);
    afterAll(async () => {
      await hub?.stop();
    });

    it('makes each run once across schedulers, keeps it, and lists it', async () => {
      const deps = {
        redis: hub.redis,
        keys: hub.keys,
        catalog: hub.catalog,
        now,
        config: () => hub.config.current('cockpit'),
        log: createLogger('silent'),
        store: createReportStore(hub.redis, hub.keys.prefix, now),
      };
      const a = startReportScheduler(deps, { ...settings, checkMs: 3_600_000 });
      const b = startReportScheduler(deps, { ...settings, checkMs: 3_600_000 });
      try {
        const [madeA, madeB] = await Promise.all([a.check(), b.check()]);
        const scopes = 1 + hub.catalog.catalog.centers.length;
        // two runs (today's 日报, last month's 月报) for the city and every center, made by one of them
        expect(madeA.length + madeB.length).toBe(2 * scopes);
        expect([...(await a.check()), ...(await b.check())]).toEqual([]);
      } finally {
        await a.stop();
        await b.stop();
      }

      const { status, body } = await getAs<{ reports: KeptReport[] }>(hub, '/api/v1/reports?kind=daily&scope=city', leader);
      expect(status).toBe(200);
      expect(body.reports).toHaveLength(1);
      const kept = body.reports[0]!;
      expect(kept).toMatchObject({ id: `daily~city~${TODAY}`, kind: 'daily', scope: 'city', of: TODAY });
      const all = await getAs<{ reports: KeptReport[] }>(hub, '/api/v1/reports', leader);
      expect(all.body.reports.length).toBe(2 * (1 + hub.catalog.catalog.centers.length));

      const report = (await getAs<Report>(hub, kept.links.json, leader)).body;
      expect(report.figures.ratings).toMatchObject({ total: 3, bad: 1 });
      expect(report.generatedAt.startsWith(`${TODAY}T18:30`)).toBe(true);
      expect(instant('18:30')).toBe(now());

      const xlsx = await fetch(`${hub.url}${kept.links.xlsx}`, { headers: { cookie: leader } });
      expect(xlsx.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xlsx.arrayBuffer());
      let rated: unknown;
      wb.getWorksheet('概览')!.eachRow((row) => {
        if (row.getCell(1).value === '评价数') rated = row.getCell(2).value;
      });
      expect(rated).toBe(3);

      expect((await getAs(hub, '/api/v1/reports/kept/daily~city~1999-01-01', leader)).status).toBe(404);
      expect((await getAs(hub, '/api/v1/reports/kept/weekly~city~2026', leader)).status).toBe(404);
      expect((await getAs(hub, '/api/v1/reports', null)).status).toBe(401);
    }, 120_000);
  });
});
