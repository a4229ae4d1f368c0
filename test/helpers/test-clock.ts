/**
 * The tests' calendar. Every date a test uses comes from here, relative to "today", never a
 * calendar day written in the test: a written day ages out (Redis expires per-minute detail after
 * 3 days, the de-duplication window is 35 days), and the suite would fail on a later date.
 *
 * "Today" is the Asia/Shanghai date of the real clock, unless YG_TEST_TODAY moves it:
 *   YG_TEST_TODAY=+1y        a year ahead (the same month and day)
 *   YG_TEST_TODAY=makeup     the make-up workday (调休, a weekend day worked) nearest to today
 *   YG_TEST_TODAY=2027-03-01 that day
 * `.ci/run` runs the date-sensitive suites again with the first two, so a test that only passes on
 * the day it was written fails in CI. A hub under test gets its clock from `testNow` or
 * `fixedClock`, and it computes every expiry and window from that clock (it hands Redis durations,
 * never calendar instants), so a moved "today" is as good as the real one.
 */
import { loadCalendar } from '../../server/catalog/load-calendar.ts';
import { dateOfDayIndex, dayIndexOf, dayIndexOfDate, startOfDayMs, weekdayOf } from '../../common/time.ts';

// the hub's own calendar: the package's years and config/holidays.json
const calendar = loadCalendar('config/holidays.json');

function chooseToday(spec: string | undefined, realDay: number): number {
  if (!spec) return realDay;
  if (spec === '+1y') {
    const date = dateOfDayIndex(realDay);
    const next = `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;
    // 29 February a year ahead does not exist: take 28 February
    return Number.isNaN(dayIndexOfDate(next)) ? dayIndexOfDate(next.replace('-29', '-28')) : dayIndexOfDate(next);
  }
  if (spec === 'makeup') {
    const makeUps = [...calendar.exceptions()].filter(([, work]) => work).map(([day]) => day);
    if (makeUps.length === 0) throw new Error('YG_TEST_TODAY=makeup: the calendar knows no make-up workday');
    return makeUps.reduce((best, day) => (Math.abs(day - realDay) < Math.abs(best - realDay) ? day : best));
  }
  const day = dayIndexOfDate(spec);
  if (Number.isNaN(day)) throw new Error(`YG_TEST_TODAY="${spec}": expected +1y, makeup or YYYY-MM-DD`);
  return day;
}

const REAL_DAY = dayIndexOf(Date.now());
/** Today's day index (days since 1970-01-01, Asia/Shanghai). */
export const TODAY_INDEX = chooseToday(process.env.YG_TEST_TODAY, REAL_DAY);
/** Today, `YYYY-MM-DD` in Asia/Shanghai. */
export const TODAY = dateOfDayIndex(TODAY_INDEX);
/**
 * The time of day the running test clock starts at. Tests send today's events at office-hour
 * times (08:00, 10:30 …) and expect them accepted, so "now" must be after them whatever the hour
 * the suite runs at: run at 00:30 on the real clock, today's 08:05 would be in the future and
 * refused. 21:30 leaves the evening before midnight for a test file's run.
 */
const TEST_CLOCK_STARTS_AT = '21:30';

/** The date `offset` days from today (negative: before). */
export function dayFromToday(offset: number): string {
  return dateOfDayIndex(TODAY_INDEX + offset);
}

/** An event time as the sources send it: `YYYY-MM-DDTHH:MM:SS+08:00`, on today unless a date is given. */
export function at(time: string, date: string = TODAY): string {
  return `${date}T${time.length === 5 ? `${time}:00` : time}+08:00`;
}

/** Epoch ms of a time of day (Asia/Shanghai), on today unless a date is given. */
export function instant(time: string, date: string = TODAY): number {
  return Date.parse(at(time, date));
}

/** A clock that stands at one instant. */
export function fixedClock(time: string, date: string = TODAY): () => number {
  const ms = instant(time, date);
  return () => ms;
}

/** How far the test clock is from the real one: it starts at TEST_CLOCK_STARTS_AT on TODAY. */
const SHIFT_MS = instant(TEST_CLOCK_STARTS_AT) - Date.now();

/** The test's running clock: it started at TEST_CLOCK_STARTS_AT on TODAY when this module loaded, and runs at real speed. */
export function testNow(): number {
  return Date.now() + SHIFT_MS;
}

/** Epoch ms of 00:00 of a date. */
export function midnightOf(date: string): number {
  return startOfDayMs(dayIndexOfDate(date));
}

/**
 * The nearest day on or before (`direction` -1) or on or after (+1) `from` for which `test` holds,
 * searched within a year: for tests that need a kind of day (a workday, a holiday, a month's end).
 */
export function findDay(test: (day: number) => boolean, direction: 1 | -1 = -1, from: string = TODAY): string {
  const start = dayIndexOfDate(from);
  for (let i = 0; i <= 366; i++) {
    const day = start + i * direction;
    if (test(day)) return dateOfDayIndex(day);
  }
  throw new Error(`no such day within a year of ${from}`);
}

/** Calendar predicates for findDay, by the same calendar the hub uses. */
export const kindOfDay = {
  workday: (day: number) => calendar.isWorkday(day),
  dayOff: (day: number) => !calendar.isWorkday(day),
  weekday: (day: number) => weekdayOf(day) >= 1 && weekdayOf(day) <= 5,
  monthEnd: (day: number) => dateOfDayIndex(day + 1).endsWith('-01'),
};

export { calendar as testCalendar };
