/** Builds the working-day calendar from chinese-days plus the operator's config/holidays.json. */
import fs from 'node:fs';
import { createWorkCalendar, HolidayFileError, parseHolidayOverrides, type WorkCalendar } from '../../common/calendar.ts';
import { ConfigError } from '../config/env.ts';

export function loadCalendar(file: string): WorkCalendar {
  try {
    return createWorkCalendar(parseHolidayOverrides(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null));
  } catch (err) {
    if (err instanceof HolidayFileError) throw new ConfigError(`HOLIDAYS_FILE ${file} ${err.message}`);
    throw err;
  }
}

/** The years, from this one to next, that have no published schedule: deadlines there use Mon-Fri only. */
export function missingCalendarYears(calendar: WorkCalendar, nowMs: number): number[] {
  const year = new Date(nowMs + 8 * 3600_000).getUTCFullYear();
  const known = calendar.knownYears();
  return [year, year + 1].filter((y) => !known.has(y));
}
