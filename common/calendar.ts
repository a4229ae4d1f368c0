/**
 * Working days by the Chinese public-holiday calendar, make-up workdays (调休) included.
 * The maintained `chinese-days` package knows the years the State Council has published; an
 * operator adds a year it does not know yet in config/holidays.json. Days outside both follow
 * the weekday rule (Monday to Friday).
 */
import bundledTable from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import { type DayKind } from './day-kinds.ts';
import { DAY_MS, dayIndexOfDate, weekdayOf } from './time.ts';

export { DAY_KIND_LABELS, DAY_KINDS, type DayKind } from './day-kinds.ts';

export interface HolidayOverrides {
  /** Years covered by these overrides, e.g. [2027]. */
  years: number[];
  /** Dates that are days off although they fall on a weekday. */
  holidays: string[];
  /** Make-up workdays (调休) that fall on a weekend. */
  workdays: string[];
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** config/holidays.json (HOLIDAYS_FILE): every list may be left out. */
export const holidayOverridesSchema = z.object({
  /** A note for whoever edits the file; kept through the config API and export. */
  _comment: z.string().optional(),
  years: z.array(z.number().int().min(2000).max(2100)).default([]),
  holidays: z.array(isoDate).default([]),
  workdays: z.array(isoDate).default([]),
}) satisfies z.ZodType<HolidayOverrides, unknown>;

/** The holidays file is not JSON, or not of the schema; the message names the place. */
export class HolidayFileError extends Error {
  override name = 'HolidayFileError';
}

/**
 * The overrides in the text of a holidays file (null: there is no file, so none). The hub and the
 * mock read the file each their own way and build their calendar from this.
 */
export function parseHolidayOverrides(text: string | null): HolidayOverrides {
  if (text === null) return { years: [], holidays: [], workdays: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new HolidayFileError(`is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = holidayOverridesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HolidayFileError(`at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export interface WorkCalendar {
  isWorkday(day: number): boolean;
  /** Years with a published schedule (from the library or the overrides). */
  knownYears(): Set<number>;
  /** Days differing from the weekday rule: day index → true (make-up workday) / false (holiday). */
  exceptions(): Map<number, boolean>;
}

interface LibraryTable {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export function createWorkCalendar(overrides: HolidayOverrides = { years: [], holidays: [], workdays: [] }): WorkCalendar {
  // The package bundles its whole table; reading it directly lets us merge the operator's overrides.
  const table = bundledTable as LibraryTable;
  const exceptions = new Map<number, boolean>();
  const years = new Set<number>();
  const mark = (date: string, work: boolean) => {
    const day = dayIndexOfDate(date);
    if (Number.isNaN(day)) throw new Error(`holiday calendar: "${date}" is not a YYYY-MM-DD date`);
    const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
    if (work === weekend) exceptions.set(day, work);
    else exceptions.delete(day);
  };
  for (const date of Object.keys(table.holidays)) {
    mark(date, false);
    years.add(Number(date.slice(0, 4)));
  }
  for (const date of Object.keys(table.workdays)) mark(date, true);
  for (const date of overrides.holidays) mark(date, false);
  for (const date of overrides.workdays) mark(date, true);
  for (const y of overrides.years) years.add(y);
  return {
    isWorkday(day) {
      const exception = exceptions.get(day);
      if (exception !== undefined) return exception;
      const wd = weekdayOf(day);
      return wd !== 0 && wd !== 6;
    },
    knownYears: () => new Set(years),
    exceptions: () => new Map(exceptions),
  };
}

/** The date `workingDays` working days after `fromDay` (that day not counted); 0 gives `fromDay`. */
export function addWorkingDays(calendar: WorkCalendar, fromDay: number, workingDays: number): number {
  let day = fromDay;
  for (let left = workingDays; left > 0;) {
    day += 1;
    if (calendar.isWorkday(day)) left -= 1;
  }
  return day;
}

/** Working days in [fromDay, toDay): the days a suspended case's clock stood still. */
export function workingDaysBetween(calendar: WorkCalendar, fromDay: number, toDay: number): number {
  let n = 0;
  for (let day = fromDay; day < toDay; day++) if (calendar.isWorkday(day)) n++;
  return n;
}

const WEEKDAY_KINDS: DayKind[] = ['closed', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'closed'];
/** A break of this many days off in a row or more is a holiday, not a weekend. */
const HOLIDAY_BREAK_DAYS = 3;

/** Days off in a row next to `day`, going by `step` (-1 backwards, +1 forwards); stops at 30. */
function daysOffBeside(calendar: WorkCalendar, day: number, step: -1 | 1): number {
  let n = 0;
  while (n < 30 && !calendar.isWorkday(day + step * (n + 1))) n++;
  return n;
}

/**
 * The kind of a day, for what a center expects of it (the usual day, server/forecast/usual-day.ts;
 * the mock's load, mock/office-hours.ts). One kind per day, the first that applies in this order:
 * - `closed`: not a working day;
 * - `afterHoliday`: the first working day after a break longer than a weekend (3+ days off);
 * - `makeup`: a make-up workday (调休) on a Saturday or Sunday;
 * - `beforeHoliday`: the last working day before a break longer than a weekend;
 * - `monthEnd`: the last working day of its month;
 * - otherwise the weekday: `monday` … `friday`.
 */
export function dayKindOf(calendar: WorkCalendar, day: number): DayKind {
  if (!calendar.isWorkday(day)) return 'closed';
  if (daysOffBeside(calendar, day, -1) >= HOLIDAY_BREAK_DAYS) return 'afterHoliday';
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return 'makeup';
  if (daysOffBeside(calendar, day, 1) >= HOLIDAY_BREAK_DAYS) return 'beforeHoliday';
  if (isLastWorkdayOfMonth(calendar, day)) return 'monthEnd';
  return WEEKDAY_KINDS[wd]!;
}

/** Whether no working day follows `day` in its month. */
export function isLastWorkdayOfMonth(calendar: WorkCalendar, day: number): boolean {
  const month = (d: number) => new Date(d * DAY_MS).getUTCMonth();
  for (let d = day + 1; month(d) === month(day); d++) if (calendar.isWorkday(d)) return false;
  return true;
}
