/**
 * The days a run simulates: which have service, and where each day's midnight falls in real time.
 * Normally that is the day's own midnight; `live --open` shifts one day so that its office hours
 * run now, whatever the date and time.
 */
import type { WorkCalendar } from '../../common/calendar.ts';
import { startOfDayMs } from '../../common/time.ts';
import { withExtraWorkday } from '../office-hours.ts';

export interface SimDays {
  /** The hub's calendar: due dates and early/on-time follow it. */
  readonly hubCalendar: WorkCalendar;
  /** The calendar of service: the hub's, plus the `--open` day. */
  readonly calendar: WorkCalendar;
  /** Epoch ms at which the simulated day's 00:00 happens. */
  baseMs(day: number): number;
  /** The `--open` day, if any. */
  readonly openDay: number | null;
}

export function simDays(hubCalendar: WorkCalendar, open?: { day: number; baseMs: number }): SimDays {
  return {
    hubCalendar,
    calendar: open ? withExtraWorkday(hubCalendar, open.day) : hubCalendar,
    baseMs: (day) => (open && day === open.day ? open.baseMs : startOfDayMs(day)),
    openDay: open?.day ?? null,
  };
}

/** The working day `n` working days before `day` (n >= 1). */
export function workingDaysBefore(calendar: WorkCalendar, day: number, n: number): number {
  let d = day;
  for (let left = n; left > 0;) {
    d -= 1;
    if (calendar.isWorkday(d)) left -= 1;
  }
  return d;
}
