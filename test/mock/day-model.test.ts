/** The mock's day model without a hub: reproducible, office hours, the calendar, cases across days, scenarios. */
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../common/calendar.ts';
import type { YgEvent } from '../../common/events.ts';
import { dayIndexOf, dayIndexOfDate, shanghaiClock, startOfDayMs } from '../../common/time.ts';
import { buildDay, carryOver, dayStream, modelContext } from '../../mock/model/day.ts';
import { portalHits } from '../../mock/model/portal.ts';
import { simDays } from '../../mock/model/sim-days.ts';
import { loadMockCalendar } from '../../mock/office-hours.ts';
import { resolveScenarios } from '../../mock/scenarios.ts';
import { Tally } from '../../mock/tally.ts';
import type { Timed } from '../../mock/timeline.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';

const catalog = loadCatalog('config/catalog').catalog;
const calendar = loadMockCalendar('config/holidays.json');
const day = (date: string) => dayIndexOfDate(date);
const ctx = (seed = '1') => modelContext(catalog, simDays(calendar), seed);
/** One context for most tests: its case plans are cached, as in a run. */
const shared = ctx();
const d25 = day('2026-11-25');
const build25 = buildDay(shared, d25);
const minuteOf = (t: Timed) => shanghaiClock(t.at).minute;
const HALL = new Set(['queue', 'window', 'rating', 'cases', 'fee', 'trade', 'complaint']);

describe('the day model', { timeout: 120_000 }, () => {
  it('gives the same events for the same seed and date, and others for another seed', () => {
    const a = buildDay(ctx('7'), d25);
    const b = buildDay(ctx('7'), d25);
    expect(a.timeline.length).toBeGreaterThan(10_000);
    expect(b.timeline.map((t) => t.event)).toEqual(a.timeline.map((t) => t.event));
    expect(portalHits(b.portal, 10, 'x')).toEqual(portalHits(a.portal, 10, 'x'));
    const other = build25.timeline.filter((t) => t.event.type === 'ticket.issued').map((t) => t.at);
    expect(other).not.toEqual(a.timeline.filter((t) => t.event.type === 'ticket.issued').map((t) => t.at));
  });

  it('serves in office hours only: tickets from 08:30, none at lunch, windows paused at noon and closed in the evening', () => {
    const hall = build25.timeline.filter((t) => t.event.center === 'yiyang' && d25 === dayIndexOf(t.at));
    const issued = hall.filter((t) => t.event.type === 'ticket.issued').map(minuteOf);
    expect(Math.min(...issued)).toBeGreaterThanOrEqual(8 * 60 + 30);
    expect(issued.filter((m) => m >= 11 * 60 + 45 && m < 14 * 60)).toEqual([]);
    expect(Math.max(...issued)).toBeLessThan(17 * 60 + 15);
    const statuses = hall.filter((t) => t.event.type === 'window.status' && t.event.window === 'yiyang.w001').map((t) => [minuteOf(t), (t.event as YgEvent & { status: string }).status] as const);
    expect(statuses[0]).toEqual([expect.any(Number), 'open']);
    expect(statuses[0]![0]).toBeLessThan(8 * 60 + 35);
    const paused = statuses.find(([, s]) => s === 'paused')!;
    expect(paused[0]).toBeGreaterThanOrEqual(12 * 60);
    expect(paused[0]).toBeLessThan(14 * 60);
    expect(statuses[statuses.length - 1]![1]).toBe('closed');
    expect(statuses[statuses.length - 1]![0]).toBeGreaterThanOrEqual(17 * 60 + 30);
  });

  it('has a morning peak', () => {
    const issued = build25.timeline.filter((t) => t.event.type === 'ticket.issued').map(minuteOf);
    const inHour = (h: number) => issued.filter((m) => m >= h * 60 && m < (h + 1) * 60).length;
    expect(inHour(10)).toBeGreaterThan(inHour(14));
    expect(inHour(10)).toBeGreaterThan(inHour(16) * 1.5);
  });

  it('restarts ticket numbers every day per queue letter and center, shared by the departments of a letter', () => {
    const numbers = (date: string) => (date === '2026-11-25' ? build25 : buildDay(shared, day(date))).timeline
      .filter((t) => t.event.type === 'ticket.issued' && t.event.center === 'yiyang' && t.event.queue === 'D')
      .map((t) => (t.event as YgEvent & { ticket: string }).ticket);
    const d1 = numbers('2026-11-25');
    expect(d1[0]).toBe('D001');
    expect(new Set(d1).size).toBe(d1.length); // 人社 and 医保 share queue D without clashes
    expect(numbers('2026-11-26')[0]).toBe('D001');
  });

  it('opens no window on weekends and public holidays, but on make-up workdays (调休)', () => {
    for (const date of ['2026-11-28', '2026-11-29', '2026-10-01', '2026-10-05']) {
      const b = buildDay(shared, day(date));
      expect(b.serviceDay, date).toBe(false);
      expect(b.timeline.filter((t) => HALL.has(t.event.source)), date).toEqual([]);
      expect(b.portal.total, date).toBeGreaterThan(200_000); // the portal never closes
    }
    const makeUp = buildDay(shared, day('2026-10-10')); // a Saturday worked for the National Day break
    expect(makeUp.serviceDay).toBe(true);
    expect(makeUp.timeline.filter((t) => t.event.type === 'ticket.issued').length).toBeGreaterThan(2000);
  });

  it('completes on a day cases accepted on earlier days, by the hub calendar, mostly early and on time', () => {
    const c = shared;
    const d = d25;
    const tally = new Tally(calendar);
    for (const t of carryOver(c, d)) tally.add(t.event);
    for (const t of dayStream(build25, '1', false)) tally.add(t.event);
    const f = tally.figures(d, 'center:yiyang');
    expect(f.cases.completed).toBeGreaterThan(800);
    expect(f.cases.completed).toBeLessThan(1050);
    expect(f.cases.earlyRate!).toBeGreaterThan(0.5);
    expect(f.cases.onTimeRate!).toBeGreaterThan(0.99);
    // every completion of the day belongs to a case whose acceptance was sent (carried over or today)
    const accepted = new Set([...carryOver(c, d), ...build25.timeline].filter((t) => t.event.type === 'case.accepted').map((t) => (t.event as { case: string }).case));
    const completed = build25.timeline.filter((t) => t.event.type === 'case.completed').map((t) => (t.event as { case: string }).case);
    expect(completed.length).toBeGreaterThan(1000);
    expect(completed.filter((id) => !accepted.has(id))).toEqual([]);
  });

  it('never completes a case on a day without service, and counts due dates in working days', () => {
    const c = shared;
    for (const date of ['2026-09-30', '2026-10-09', '2026-10-10']) {
      const b = buildDay(c, day(date));
      for (const t of b.timeline.filter((x) => x.event.type === 'case.completed')) expect(calendar.isWorkday(dayIndexOf(t.at))).toBe(true);
    }
    // the working day after 2026-09-30 is 2026-10-08 (the National Day break in between), then 10-10 (调休)
    expect(addWorkingDays(calendar, day('2026-09-30'), 1)).toBe(day('2026-10-08'));
    expect(addWorkingDays(calendar, day('2026-10-09'), 1)).toBe(day('2026-10-10'));
  });

  it('runs a closed day as an office day from now with --open, with real timestamps', () => {
    const now = Date.parse('2026-11-28T05:42:00+08:00'); // a Saturday night
    const today = dayIndexOf(now);
    const c = modelContext(catalog, simDays(calendar, { day: today, baseMs: now - 10 * 3600_000 }), '1');
    const b = buildDay(c, today);
    expect(b.serviceDay).toBe(true);
    const issued = b.timeline.filter((t) => t.event.type === 'ticket.issued');
    expect(issued.length).toBeGreaterThan(2000);
    // 08:30 of the simulated day was 1.5 hours ago, its lunch break 2 to 4 hours from now
    expect(Math.min(...issued.map((t) => t.at))).toBeGreaterThanOrEqual(now - 1.5 * 3600_000);
    expect(issued.filter((t) => t.at > now + 2 * 3600_000 + 60_000 && t.at < now + 4 * 3600_000)).toEqual([]);
    // the portal keeps the real clock
    expect(b.portal.baseMs).toBe(startOfDayMs(today));
  });
});

describe('scenarios in the day model', { timeout: 120_000 }, () => {
  const d = d25;
  const start = startOfDayMs(d) + 10 * 3600_000;
  const all = buildDay(shared, d, resolveScenarios(['queue-surge', 'unattended-window', 'bad-reviews', 'silent-device', 'portal-spike', 'overdue-case'], start));
  const plain = build25;

  it('queue-surge brings extra citizens to 人社 from 10:00', () => {
    const hrss = (b: typeof all) => b.timeline.filter((t) => t.event.type === 'ticket.issued' && t.event.dept === 'yiyang.hrss' && t.at >= start && t.at < start + 45 * 60_000).length;
    expect(hrss(all) - hrss(plain)).toBeGreaterThanOrEqual(80);
  });

  it('unattended-window pauses yiyang.w063 for 90 minutes and calls nobody there meanwhile', () => {
    const w = all.timeline.filter((t) => 'window' in t.event && t.event.window === 'yiyang.w063');
    const paused = w.find((t) => t.event.type === 'window.status' && t.event.status === 'paused')!;
    expect(paused.at).toBeGreaterThanOrEqual(start);
    expect(paused.at).toBeLessThan(start + 30 * 60_000);
    expect(w.filter((t) => t.event.type === 'ticket.called' && t.at > paused.at && t.at < start + 90 * 60_000)).toEqual([]);
  });

  it('bad-reviews gives six 1-2 star ratings in a row at yiyang.w067, with comments', () => {
    const r = all.timeline.filter((t) => t.event.type === 'rating.submitted' && t.event.window === 'yiyang.w067' && t.at >= start).slice(0, 6);
    expect(r.map((t) => (t.event as { score: number }).score).every((s) => s <= 2)).toBe(true);
    expect(r.every((t) => typeof (t.event as { comment?: string }).comment === 'string')).toBe(true);
  });

  it('silent-device sends nothing from the rating devices for 45 minutes, then what they buffered', () => {
    const ratings = all.timeline.filter((t) => t.event.source === 'rating');
    const silent = (t: Timed) => t.sendAt >= start && t.sendAt < start + 45 * 60_000;
    expect(ratings.filter(silent)).toEqual([]);
    const buffered = ratings.filter((t) => t.at >= start && t.at < start + 45 * 60_000);
    expect(buffered.length).toBeGreaterThan(50);
    expect(buffered.every((t) => t.sendAt >= start + 45 * 60_000)).toBe(true);
  });

  it('portal-spike multiplies 人事信息 views in its half hour', () => {
    const views = (b: typeof all) => portalHits(b.portal, 10, 'x').filter((t) => t.event.type === 'portal.hit' && t.event.column === '人事信息' && t.at < start + 30 * 60_000).length;
    expect(views(all)).toBeGreaterThan(views(plain) * 4);
  });

  it('overdue-case accepts cases days ago that stay open past and near their due date', () => {
    const z = all.timeline.filter((t) => t.event.type === 'case.accepted' && /-[RY]\d$/.test(t.event.case));
    expect(z).toHaveLength(5);
    expect(z.every((t) => t.at < startOfDayMs(d))).toBe(true);
    expect(all.timeline.filter((t) => t.event.type === 'case.completed' && /-[RY]\d$/.test(t.event.case))).toEqual([]);
  });
});
