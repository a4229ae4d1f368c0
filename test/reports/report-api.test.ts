/**
 * Period figures and the 日报/月报 against a real hub and Redis: a few days of events in a past
 * week (dates from the test clock), then the week's rates are those of the week's sums (not a mean
 * of days), the report's JSON holds the same figures, the workbook read back with exceljs and the
 * PDF (its text read back) show the same numbers.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../common/periods.ts';
import type { PeriodAnswer, Report } from '../../common/report.ts';
import { dateOfDayIndex } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { reportHtml } from '../../server/reports/report-html.ts';
import { pdfText } from './pdf-text.ts';
import { getAs, signedIn } from '../cockpit/cockpit-session.ts';
import { ev } from '../helpers/events.ts';
import { TODAY_INDEX, at, fixedClock } from '../helpers/test-clock.ts';
import { drained, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

// a whole past week, every day of it before today
const week = periodOf('week', TODAY_INDEX - 7);
const dayA = dateOfDayIndex(week.from);
const dayB = dateOfDayIndex(week.from + 2);
const dayBefore = dateOfDayIndex(week.from - 3); // in the week before (环比)

describe('period figures and reports (/api/v1/cockpit/period, /api/v1/reports/*)', () => {
  let hub: Hub;
  let leader: string;
  const get = async <T>(path: string): Promise<T> => {
    const { status, body } = await getAs<T>(hub, path, leader);
    expect(status, `${path}: ${String(body instanceof Buffer ? body.toString('utf8', 0, 200) : JSON.stringify(body))}`).toBe(200);
    return body;
  };

  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: fixedClock('16:30') });
    leader = await signedIn(hub, 'mayor', 'leader');
    const send = async (source: Parameters<typeof postEvents>[1], events: unknown[]) => {
      const r = await postEvents(hub, source, events);
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.rejected, JSON.stringify(r.body.rejected)).toEqual([]);
    };
    // day A: 2 ratings, one bad (50 %); day B: 8 ratings, none bad (100 %); the week: 9 / 10
    await send('rating', [
      ev.rating(at('09:10', dayA), 5),
      ev.rating(at('09:20', dayA), 1),
      ...Array.from({ length: 6 }, (_, i) => ev.rating(at(`10:0${i}`, dayB), 5)),
      ev.rating(at('10:30', dayB), 4, 'yiyang.w002'),
      ev.rating(at('10:40', dayB), 3, 'yiyang.w002'),
      ev.rating(at('11:00', dayBefore), 2),
    ]);
    // waits of 2 and 12 minutes on day A, 30 on day B: the week's p90 is from its own histogram
    await send('queue', [
      ev.issued(at('09:00', dayA), 'B001'),
      ev.called(at('09:02', dayA), 'B001'),
      ev.issued(at('09:00', dayB), 'B002'),
      ev.called(at('09:12', dayB), 'B002'),
      ev.issued(at('09:00', dayB), 'B003'),
      ev.called(at('09:30', dayB), 'B003'),
    ]);
    await send('cases', [
      ev.accepted(at('09:00', dayA), 'R-1', 5),
      ev.completed(at('15:00', dayB), 'R-1'),
      ev.accepted(at('09:30', dayB), 'R-2', 5),
      ev.completed(at('16:00', dayB), 'R-2'),
    ]);
    await send('trade', [ev.trade(at('10:00', dayB), 12_345.67, 'procurement'), ev.trade(at('11:00', dayB), 1000, 'land')]);
    await send('fee', [ev.fee(at('10:00', dayB), 100.5), ev.fee(at('10:05', dayB), 20)]);
    await drained(hub, 30_000);
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('refuses anonymous visitors (401) and supervisors (403)', async () => {
    expect((await getAs(hub, '/api/v1/cockpit/period', null)).status).toBe(401);
    const supervisor = await signedIn(hub, 'window-boss', 'supervisor', ['yiyang.realestate']);
    expect((await getAs(hub, '/api/v1/reports/daily', supervisor)).status).toBe(403);
    expect((await getAs(hub, '/api/v1/reports', supervisor)).status).toBe(403);
  });

  it("computes a week's rates from the week's sums, never as the mean of its days", async () => {
    const a = await get<PeriodAnswer>(`/api/v1/cockpit/period?scope=city&period=week&date=${dayB}`);
    expect(a.period).toMatchObject({ kind: 'week', fromDate: week.fromDate, toDate: week.toDate, label: week.label });
    expect(a.figures.days).toBe(7);
    expect(a.figures.ratings.total).toBe(10);
    expect(a.figures.ratings.bad).toBe(1);
    expect(a.figures.ratings.satisfactionRate).toBeCloseTo(0.9, 10); // the days' mean would be 0.75
    expect(a.figures.ratings.byScore).toEqual({ '1': 1, '2': 0, '3': 1, '4': 1, '5': 7 });
    // waits 120, 720, 1800 s: mean 880; p90 from the week's histogram is the 30-minute bucket's top
    expect(a.figures.tickets.avgWaitSec).toBe(880);
    expect(a.figures.tickets.p90WaitSec).toBe(31 * 60);
    expect(a.figures.cases).toMatchObject({ accepted: 2, completed: 2, completedOnTime: 2, onTimeRate: 1 });
    expect(a.figures.trades).toMatchObject({ count: 2, amount: 13_345.67 });
    expect(a.figures.fees).toEqual({ count: 2, amount: 120.5 });
    // 环比: the week before holds one bad rating
    expect(a.previous.period.toDate).toBe(dateOfDayIndex(week.from - 1));
    expect(a.previous.figures.ratings).toMatchObject({ total: 1, bad: 1, satisfactionRate: 0 });
    expect(a.change['ratings.satisfactionRate']).toMatchObject({ kind: 'points', value: 0.9, previous: 0 });
    expect(a.change['ratings.satisfactionRate']!.mom).toBeCloseTo(0.9, 10);
    expect(a.change['ratings.total']).toMatchObject({ kind: 'relative', mom: 9 });
    // 同比: nothing a year before
    expect(a.yearBefore.figures.ratings.total).toBe(0);
    expect(a.change['ratings.total']!.yoy).toBeNull();

    // a day of it is that day's own
    const b = await get<PeriodAnswer>(`/api/v1/cockpit/period?scope=dept:yiyang.realestate&period=day&date=${dayA}`);
    expect(b.figures.ratings).toMatchObject({ total: 2, bad: 1, satisfactionRate: 0.5 });
  });

  it('answers 400 for a bad period, a day to come, and 404 for an unknown scope', async () => {
    expect((await getAs(hub, '/api/v1/cockpit/period?period=fortnight', leader)).status).toBe(400);
    expect((await getAs(hub, `/api/v1/cockpit/period?date=${dateOfDayIndex(TODAY_INDEX + 1)}`, leader)).status).toBe(400);
    expect((await getAs(hub, '/api/v1/cockpit/period?scope=dept:nowhere', leader)).status).toBe(404);
    expect((await getAs(hub, '/api/v1/reports/monthly?month=2026-13', leader)).status).toBe(400);
    expect((await getAs(hub, '/api/v1/reports/daily?format=docx', leader)).status).toBe(400);
  });

  it('makes a daily report with KPIs, rankings, the five levels by name, alerts, trading and fees', async () => {
    const r = await get<Report>(`/api/v1/reports/daily?scope=city&date=${dayB}`);
    expect(r).toMatchObject({ kind: 'daily', scope: 'city', period: { kind: 'day', fromDate: dayB } });
    expect(r.figures.ratings).toMatchObject({ total: 8, bad: 0, satisfactionRate: 1 });
    expect(r.ratingLevels).toEqual([
      { score: 5, name: '非常满意', count: 6, share: 0.75 },
      { score: 4, name: '满意', count: 1, share: 0.125 },
      { score: 3, name: '基本满意', count: 1, share: 0.125 },
      { score: 2, name: '不满意', count: 0, share: 0 },
      { score: 1, name: '非常不满意', count: 0, share: 0 },
    ]);
    const config = await get<{ targets: { satisfactionRate: number; onTimeRate: number } }>('/api/v1/cockpit/config');
    expect(r.kpis.find((k) => k.key === 'ratings.satisfactionRate')).toEqual({
      key: 'ratings.satisfactionRate',
      name: '满意率',
      value: 1,
      target: config.targets.satisfactionRate,
      met: true,
    });
    expect(r.rankings.departmentsByCompleted[0]).toMatchObject({ scope: 'dept:yiyang.realestate', value: 2 });
    expect(r.rankings.windowsByFinished).toEqual([]);
    expect(r.trading.byCategory.find((c) => c.category === 'procurement')).toEqual({ category: 'procurement', name: '政府采购', count: 1, amount: 12_345.67 });
    expect(r.trading).toMatchObject({ count: 2, amount: 13_345.67 });
    expect(r.fees).toEqual({ count: 2, amount: 120.5 });
    expect(r.alerts.raised).toBe(r.figures.alerts.raised);
    expect(r.alerts.handled).toBe(r.alerts.resolved + r.alerts.closed);
    // day A's bad review is on day A's report, with its alert
    const a = await get<Report>(`/api/v1/reports/daily?scope=center:yiyang&date=${dayA}`);
    expect(a.reviews).toMatchObject({ bad: 1, followedUp: 0, rectificationRate: 0 });
    expect(a.ratingLevels.find((l) => l.score === 1)).toMatchObject({ name: '非常不满意', count: 1, share: 0.5 });
  });

  it('makes a monthly report whose figures are the sums of its days', async () => {
    const month = periodOf('month', week.from + 2);
    const r = await get<Report>(`/api/v1/reports/monthly?scope=city&month=${month.fromDate.slice(0, 7)}`);
    expect(r.period).toMatchObject({ kind: 'month', fromDate: month.fromDate, toDate: month.toDate });
    const inMonth = (date: string) => date >= month.fromDate && date <= month.toDate;
    const expected = (inMonth(dayA) ? 2 : 0) + (inMonth(dayB) ? 8 : 0) + (inMonth(dayBefore) ? 1 : 0);
    expect(r.figures.ratings.total).toBe(expected);
    expect(r.previous.period.toDate).toBe(dateOfDayIndex(month.from - 1));
  });

  it('writes the same numbers to the workbook (read back with exceljs)', async () => {
    const r = await get<Report>(`/api/v1/reports/daily?scope=city&date=${dayB}`);
    const res = await fetch(`${hub.url}/api/v1/reports/daily?scope=city&date=${dayB}&format=xlsx`, { headers: { cookie: leader } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain(`report-daily-city-${dayB}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '排名', '好差评', '预警', '交易与收费']);
    const rowOf = (sheet: string, label: string): ExcelJS.Row => {
      const ws = wb.getWorksheet(sheet)!;
      let found: ExcelJS.Row | undefined;
      ws.eachRow((row) => {
        if (!found && row.getCell(1).value === label) found = row;
      });
      if (!found) throw new Error(`no row ${label} in ${sheet}`);
      return found;
    };
    const satisfaction = rowOf('概览', '满意率');
    expect(satisfaction.getCell(2).value).toBe(r.figures.ratings.satisfactionRate);
    expect(satisfaction.getCell(2).numFmt).toBe('0.00%');
    expect(rowOf('概览', '办结件数').getCell(2).value).toBe(r.figures.cases.completed);
    expect(rowOf('概览', '收费金额(元)').getCell(2).value).toBe(120.5);
    for (const l of r.ratingLevels) expect(rowOf('好差评', l.name).getCell(3).value).toBe(l.count);
    expect(rowOf('交易与收费', '交易合计').getCell(3).value).toBe(r.trading.amount);
    expect(rowOf('交易与收费', '政府采购').getCell(2).value).toBe(1);
    expect(rowOf('交易与收费', '收费合计').getCell(3).value).toBe(r.fees.amount);
    expect(rowOf('预警', '产生预警').getCell(2).value).toBe(r.alerts.raised);
    const byCompleted = wb.getWorksheet('排名')!;
    let first: ExcelJS.Row | undefined;
    byCompleted.eachRow((row) => {
      if (!first && row.getCell(1).value === 1) first = row;
    });
    expect(first?.getCell(2).value).toBe(r.rankings.departmentsByCompleted[0]!.name);
    expect(first?.getCell(3).value).toBe(r.rankings.departmentsByCompleted[0]!.value);
  });

  it('prints a PDF from HTML that shows the same numbers', async () => {
    const r = await get<Report>(`/api/v1/reports/daily?scope=city&date=${dayB}`);
    const res = await fetch(`${hub.url}/api/v1/reports/daily?scope=city&date=${dayB}&format=pdf`, { headers: { cookie: leader } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    const html = reportHtml(r);
    const shown = [
      '非常满意',
      '非常不满意',
      '100.00%',
      '75.00%',
      '13,345.67',
      '12,345.67',
      '120.50',
      r.period.label,
      r.rankings.departmentsByCompleted[0]!.name,
    ];
    for (const text of shown) expect(html).toContain(text);
    // and the printed PDF carries the same text (read back through its fonts' ToUnicode maps)
    const printed = pdfText(pdf);
    for (const text of shown) expect(printed).toContain(text.normalize('NFKC'));
  }, 120_000);
});
