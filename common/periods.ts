/**
 * Periods of the calendar (docs/metrics.md, "Periods"): a day, an ISO week (Monday to Sunday), a
 * month, a quarter or a year, as a range of Asia/Shanghai day indexes (common/time.ts), with the
 * period before it (环比) and the same period a year before (同比). Pure: the hub sums its day
 * totals over these ranges (server/reports/period-figures.ts), the screens label them.
 */
import { DAY_MS, dateOfDayIndex } from './time.ts';

export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  /** First and last day (day indexes, inclusive). */
  from: number;
  to: number;
  /** The same as `YYYY-MM-DD`. */
  fromDate: string;
  toDate: string;
  /** zh-CN: 2026年11月30日, 2026年第48周, 2026年11月, 2026年第4季度, 2026年. */
  label: string;
}

/** Year, month (1-12) and day of month of a day index (a day index is a UTC date at 00:00). */
export function ymdOf(day: number): { year: number; month: number; date: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate() };
}

/** Day index of a calendar date (month 1-12; a day past the month's end rolls over, as Date.UTC does). */
export const dayIndexOfYmd = (year: number, month: number, date: number): number => Date.UTC(year, month - 1, date) / DAY_MS;

/** 0 = Monday … 6 = Sunday (1970-01-01, day 0, was a Thursday). */
const isoWeekday = (day: number): number => (((day + 3) % 7) + 7) % 7;

/** The ISO 8601 week of a day: the year it belongs to (that of its Thursday) and its number. */
export function isoWeekOf(day: number): { year: number; week: number } {
  const thursday = day - isoWeekday(day) + 3;
  const year = ymdOf(thursday).year;
  return { year, week: Math.floor((thursday - dayIndexOfYmd(year, 1, 1)) / 7) + 1 };
}

/** Monday of ISO week `week` of `year` (week 1 holds 4 January). */
export function mondayOfIsoWeek(year: number, week: number): number {
  const jan4 = dayIndexOfYmd(year, 1, 4);
  return jan4 - isoWeekday(jan4) + (week - 1) * 7;
}

/** 52 or 53: the ISO week of 28 December. */
export const isoWeeksIn = (year: number): number => isoWeekOf(dayIndexOfYmd(year, 12, 28)).week;

function make(kind: PeriodKind, from: number, to: number, label: string): Period {
  return { kind, from, to, fromDate: dateOfDayIndex(from), toDate: dateOfDayIndex(to), label };
}

/** The period of a kind that holds a day. */
export function periodOf(kind: PeriodKind, day: number): Period {
  const { year, month, date } = ymdOf(day);
  switch (kind) {
    case 'day':
      return make(kind, day, day, `${year}年${month}月${date}日`);
    case 'week': {
      const w = isoWeekOf(day);
      const monday = day - isoWeekday(day);
      return make(kind, monday, monday + 6, `${w.year}年第${w.week}周`);
    }
    case 'month':
      return make(kind, dayIndexOfYmd(year, month, 1), dayIndexOfYmd(year, month + 1, 1) - 1, `${year}年${month}月`);
    case 'quarter': {
      const q = Math.floor((month - 1) / 3);
      return make(kind, dayIndexOfYmd(year, q * 3 + 1, 1), dayIndexOfYmd(year, q * 3 + 4, 1) - 1, `${year}年第${q + 1}季度`);
    }
    case 'year':
      return make(kind, dayIndexOfYmd(year, 1, 1), dayIndexOfYmd(year + 1, 1, 1) - 1, `${year}年`);
  }
}

/** 环比: the period of the same kind just before. */
export const previousPeriod = (p: Period): Period => periodOf(p.kind, p.from - 1);

/**
 * 同比: the same period a year before. A day: the same date (29 February: 28 February). A week: the
 * ISO week with the same number in the ISO year before (week 53: week 52 when that year has no 53),
 * so a week is compared with a whole Monday-Sunday week. A month, quarter, year: the same one.
 */
export function yearBeforePeriod(p: Period): Period {
  if (p.kind === 'week') {
    const w = isoWeekOf(p.from);
    const year = w.year - 1;
    return periodOf('week', mondayOfIsoWeek(year, Math.min(w.week, isoWeeksIn(year))));
  }
  const { year, month, date } = ymdOf(p.from);
  if (p.kind === 'day') {
    const lastOfMonth = ymdOf(dayIndexOfYmd(year - 1, month + 1, 1) - 1).date;
    return periodOf('day', dayIndexOfYmd(year - 1, month, Math.min(date, lastOfMonth)));
  }
  return periodOf(p.kind, dayIndexOfYmd(year - 1, month, 1));
}

/** `YYYY-MM` of a day index. */
export const monthOfDay = (day: number): string => dateOfDayIndex(day).slice(0, 7);
