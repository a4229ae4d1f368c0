/**
 * Office-hour arithmetic (pure): the window and source rules count only the minutes that fall
 * in office hours on working days, so a window closed over lunch or a quiet night raises nothing.
 */
import type { WorkCalendar } from '../../common/calendar.ts';
import { DAY_MS, dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { OfficePeriod } from './alert-config.ts';

const MINUTE_MS = 60_000;
/** Longer stretches are not walked day by day: they certainly hold any threshold's office minutes. */
const MAX_DAYS = 60;

export interface OfficeHours {
  calendar: WorkCalendar;
  periods: OfficePeriod[];
}

/** The office periods of a day as epoch-ms intervals (none on a day off). */
function periodsOfDay(oh: OfficeHours, day: number): [number, number][] {
  if (!oh.calendar.isWorkday(day)) return [];
  const start = startOfDayMs(day);
  return oh.periods.map((p) => [start + p.from * MINUTE_MS, start + p.to * MINUTE_MS]);
}

export function isOfficeTime(oh: OfficeHours, ms: number): boolean {
  return periodsOfDay(oh, dayIndexOf(ms)).some(([a, b]) => ms >= a && ms < b);
}

/** Office time (ms) in [from, to). */
export function officeMsBetween(oh: OfficeHours, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  const last = dayIndexOf(to);
  for (let day = Math.max(dayIndexOf(from), last - MAX_DAYS); day <= last; day++) {
    for (const [a, b] of periodsOfDay(oh, day)) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  }
  return total;
}

/** The earliest instant at which `officeMs` of office time have passed since `from`. */
export function officeTimeAfter(oh: OfficeHours, from: number, officeMs: number): number {
  let left = officeMs;
  const first = dayIndexOf(from);
  for (let day = first; day <= first + MAX_DAYS; day++) {
    for (const [a, b] of periodsOfDay(oh, day)) {
      const start = Math.max(a, from);
      if (b <= start) continue;
      if (b - start >= left) return start + left;
      left -= b - start;
    }
  }
  return from + officeMs + MAX_DAYS * DAY_MS;
}
