/** The mock's day model without a hub: reproducible, office hours, the calendar, cases across days, scenarios. */
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '../../common/calendar.ts';
import type { YgEvent } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOf, dayIndexOfDate, shanghaiClock, startOfDayMs, weekdayOf } from '../../common/time.ts';
import { buildDay, carryOver, dayStream, modelContext } from '../../mock/model/day.ts';
import { portalHits } from '../../mock/model/portal.ts';
import { simDays } from '../../mock/model/sim-days.ts';
import { loadMockCalendar } from '../../mock/office-hours.ts';
import { resolveScenarios } from '../../mock/scenarios.ts';
import { Tally } from '../../mock/tally.ts';
import type { Timed } from '../../mock/timeline.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { TODAY_INDEX, dayFromToday, findDay, instant, kindOfDay } from '../helpers/test-clock.ts';

const catalog = loadCatalog('config/catalog').catalog;
const calendar = loadMockCalendar('config/holidays.json');
const day = (date: string) => dayIndexOfDate(date);
const ctx = (seed = '1') => modelContext(catalog, simDays(calendar), seed);
/** One context for most tests: its case plans are cached, as in a run. */
const shared = ctx();
/**
 * The typical day: a Wednesday of an ordinary week. The model is pure (no Redis, no hub, no clock),
 * so a fixed day is as good today as in ten years, and the realism bounds below (cases completed,
 * on-time rate) were set on this day's figures: on a day taken relative to today they would fail
 * in some weeks (2027-10-27: on-time 0.98998), from the model's spread, not from any fault. The
 * kinds of days (weekend, holiday, make-up workday) are taken relative to today.
 */
const wed = day('2026-11-25');
const buildWed = buildDay(shared, wed);
/** The `count` days of the calendar's exceptions of a kind (holiday: false, make-up workday: true) nearest to today. */
const nearestExceptions = (work: boolean, count = 1) => {
  const days = [...calendar.exceptions()]
    .filter(([, w]) => w === work)
    .map(([d]) => d)
    .sort((a, b) => Math.abs(a - TODAY_INDEX) - Math.abs(b - TODAY_INDEX) || a - b)
    .slice(0, count);
  if (days.length < count) throw new Error(`the calendar knows fewer than ${count} ${work ? 'make-up workdays' : 'holidays'}`);
  return days;
};
/** The last weekend before today without service (a Saturday and a Sunday, both days off). */
const offSaturday = dayIndexOfDate(findDay((d) => weekdayOf(d) === 6 && kindOfDay.dayOff(d) && kindOfDay.dayOff(d + 1), -1, dayFromToday(-1)));
/** The make-up workday (调休) nearest to today, and the last working day before the holiday nearest to today. */
const makeUpDay = nearestExceptions(true)[0]!;
const beforeBreak = dayIndexOfDate(findDay(kindOfDay.workday, -1, dateOfDayIndex(nearestExceptions(false)[0]! - 1)));
/** The last working day before the make-up workday. */
const beforeMakeUp = dayIndexOfDate(findDay(kindOfDay.workday, -1, dateOfDayIndex(makeUpDay - 1)));
const minuteOf = (t: Timed) => shanghaiClock(t.at).minute;
const HALL = new Set(['queue', 'window', 'rating', 'cases', 'fee', 'trade', 'complaint']);

describe('the day model', { timeout: 120_000 }, () => {
  it('gives the same events for the same seed and date, and others for another seed', () => {
    const a = buildDay(ctx('7'), wed);
    const b = buildDay(ctx('7'), wed);
    expect(a.timeline.length).toBeGreaterThan(10_000);
    expect(b.timeline.map((t) => t.event)).toEqual(a.timeline.map((t) => t.event));
    expect(portalHits(b.portal, 10, 'x')).toEqual(portalHits(a.portal, 10, 'x'));
    const other = buildWed.timeline.filter((t) => t.event.type === 'ticket.issued').map((t) => t.at);
    expect(other).not.toEqual(a.timeline.filter((t) => t.event.type === 'ticket.issued').map((t) => t.at));
  });

  it('serves in office hours only: tickets from 08:30, none at lunch, windows paused at noon and closed in the evening', () => {
    const hall = buildWed.timeline.filter((t) => t.event.center === 'yiyang' && wed === dayIndexOf(t.at));
    const issued = hall.filter((t) => t.event.type === 'ticket.issued').map(minuteOf);
    expect(Math.min(...issued)).toBeGreaterThanOrEqual(8 * 60 + 30);
    expect(issued.filter((m) => m >= 11 * 60 + 45 && m < 14 * 60)).toEqual([]);
    expect(Math.max(...issued)).toBeLessThan(17 * 60 + 15);
    const statuses = hall
      .filter((t) => t.event.type === 'window.status' && t.event.window === 'yiyang.w001')
      .map((t) => [minuteOf(t), (t.event as YgEvent & { status: string }).status] as const);
    expect(statuses[0]).toEqual([expect.any(Number), 'open']);
    expect(statuses[0]![0]).toBeLessThan(8 * 60 + 35);
    const paused = statuses.find(([, s]) => s === 'paused')!;
    expect(paused[0]).toBeGreaterThanOrEqual(12 * 60);
    expect(paused[0]).toBeLessThan(14 * 60);
    expect(statuses[statuses.length - 1]![1]).toBe('closed');
    expect(statuses[statuses.length - 1]![0]).toBeGreaterThanOrEqual(17 * 60 + 30);
  });

  it('has a morning peak', () => {
    const issued = buildWed.timeline.filter((t) => t.event.type === 'ticket.issued').map(minuteOf);
    const inHour = (h: number) => issued.filter((m) => m >= h * 60 && m < (h + 1) * 60).length;
    expect(inHour(10)).toBeGreaterThan(inHour(14));
    expect(inHour(10)).toBeGreaterThan(inHour(16) * 1.5);
  });

  it('restarts ticket numbers every day per queue letter and center, shared by the departments of a letter', () => {
    const numbers = (d: number) =>
      (d === wed ? buildWed : buildDay(shared, d)).timeline
        .filter((t) => t.event.type === 'ticket.issued' && t.event.center === 'yiyang' && t.event.queue === 'D')
        .map((t) => (t.event as YgEvent & { ticket: string }).ticket);
    const d1 = numbers(wed);
    expect(d1[0]).toBe('D001');
    expect(new Set(d1).size).toBe(d1.length); // 人社 and 医保 share queue D without clashes
    expect(numbers(wed + 1)[0]).toBe('D001'); // Thursday, a working day of the same ordinary week
  });

  it('opens no window on weekends and public holidays, but on make-up workdays (调休)', () => {
    // a weekend, and the two public holidays on weekdays nearest to today (a year ahead the calendar
    // may know no holiday yet: the nearest ones are then in an earlier year)
    for (const d of [offSaturday, offSaturday + 1, ...nearestExceptions(false, 2)]) {
      const date = dateOfDayIndex(d);
      expect(kindOfDay.dayOff(d), date).toBe(true);
      const b = buildDay(shared, d);
      expect(b.serviceDay, date).toBe(false);
      expect(
        b.timeline.filter((t) => HALL.has(t.event.source)),
        date,
      ).toEqual([]);
      expect(b.portal.total, date).toBeGreaterThan(200_000); // the portal never closes
    }
    expect(kindOfDay.weekday(makeUpDay)).toBe(false); // a Saturday or Sunday worked for a holiday break
    const makeUp = buildDay(shared, makeUpDay);
    expect(makeUp.serviceDay).toBe(true);
    expect(makeUp.timeline.filter((t) => t.event.type === 'ticket.issued').length).toBeGreaterThan(2000);
  });

  it('completes on a day cases accepted on earlier days, by the hub calendar, mostly early and on time', () => {
    const c = shared;
    const d = wed;
    const tally = new Tally(calendar);
    for (const t of carryOver(c, d)) tally.add(t.event);
    for (const t of dayStream(buildWed, '1', false)) tally.add(t.event);
    const f = tally.figures(d, 'center:yiyang');
    expect(f.cases.completed).toBeGreaterThan(800);
    expect(f.cases.completed).toBeLessThan(1050);
    expect(f.cases.earlyRate!).toBeGreaterThan(0.5);
    expect(f.cases.onTimeRate!).toBeGreaterThan(0.99);
    // every completion of the day belongs to a case whose acceptance was sent (carried over or today)
    const accepted = new Set(
      [...carryOver(c, d), ...buildWed.timeline].filter((t) => t.event.type === 'case.accepted').map((t) => (t.event as { case: string }).case),
    );
    const completed = buildWed.timeline.filter((t) => t.event.type === 'case.completed').map((t) => (t.event as { case: string }).case);
    expect(completed.length).toBeGreaterThan(1000);
    expect(completed.filter((id) => !accepted.has(id))).toEqual([]);
  });

  it('never completes a case on a day without service, and counts due dates in working days', () => {
    const c = shared;
    // the last working day before a holiday break, before a make-up workday, and the make-up workday
    for (const d of [beforeBreak, beforeMakeUp, makeUpDay]) {
      const b = buildDay(c, d);
      for (const t of b.timeline.filter((x) => x.event.type === 'case.completed')) expect(calendar.isWorkday(dayIndexOf(t.at))).toBe(true);
    }
    // the working day after the last one before a break comes after the break; the one after the
    // working day before a make-up workday is that make-up workday
    const afterBreak = addWorkingDays(calendar, beforeBreak, 1);
    expect(afterBreak).toBeGreaterThan(beforeBreak + 1);
    for (let d = beforeBreak + 1; d < afterBreak; d++) expect(calendar.isWorkday(d), dateOfDayIndex(d)).toBe(false);
    expect(calendar.isWorkday(afterBreak)).toBe(true);
    expect(addWorkingDays(calendar, beforeMakeUp, 1)).toBe(makeUpDay);
    // the rule on a published schedule (a pure function, so a fixed year proves it for good): the
    // working day after 2026-09-30 is 2026-10-08 (the National Day break in between), then 10-10 (调休)
    expect(addWorkingDays(calendar, day('2026-09-30'), 1)).toBe(day('2026-10-08'));
    expect(addWorkingDays(calendar, day('2026-10-09'), 1)).toBe(day('2026-10-10'));
  });

  it('runs a closed day as an office day from now with --open, with real timestamps', () => {
    const now = instant('05:42', findDay(kindOfDay.dayOff, -1, dayFromToday(-1))); // the small hours of a day off
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
  const d = wed;
  const start = startOfDayMs(d) + 10 * 3600_000;
  const all = buildDay(
    shared,
    d,
    resolveScenarios(['queue-surge', 'unattended-window', 'bad-reviews', 'silent-device', 'portal-spike', 'overdue-case'], start),
  );
  const plain = buildWed;

  it('queue-surge brings extra citizens to 人社 from 10:00', () => {
    const hrss = (b: typeof all) =>
      b.timeline.filter((t) => t.event.type === 'ticket.issued' && t.event.dept === 'yiyang.hrss' && t.at >= start && t.at < start + 45 * 60_000).length;
    expect(hrss(all) - hrss(plain)).toBeGreaterThanOrEqual(80);
  });

  it('unattended-window pauses yiyang.w063 for 90 minutes and calls nobody there meanwhile', () => {
    const w = all.timeline.filter((t) => 'window' in t.event && t.event.window === 'yiyang.w063');
    const paused = w.find((t) => t.event.type === 'window.status' && t.event.status === 'paused')!;
    expect(paused.at).toBeGreaterThanOrEqual(start);
    // once the citizen served at 10:00 leaves: a service lasts at most 60 minutes
    expect(paused.at).toBeLessThan(start + 61 * 60_000);
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
    const views = (b: typeof all) =>
      portalHits(b.portal, 10, 'x').filter((t) => t.event.type === 'portal.hit' && t.event.column === '人事信息' && t.at < start + 30 * 60_000).length;
    expect(views(all)).toBeGreaterThan(views(plain) * 4);
  });

  it('overdue-case accepts cases days ago that stay open past and near their due date', () => {
    const z = all.timeline.filter((t) => t.event.type === 'case.accepted' && /-[RY]\d$/.test(t.event.case));
    expect(z).toHaveLength(5);
    expect(z.every((t) => t.at < startOfDayMs(d))).toBe(true);
    expect(all.timeline.filter((t) => t.event.type === 'case.completed' && /-[RY]\d$/.test(t.event.case))).toEqual([]);
  });
});
