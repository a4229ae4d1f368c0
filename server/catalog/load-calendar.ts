/** Builds the working-day calendar from chinese-days plus the operator's config/holidays.json. */
import fs from 'node:fs';
import { z } from 'zod';
import { createWorkCalendar, type WorkCalendar } from '../../common/calendar.ts';
import { ConfigError } from '../config/env.ts';

const overridesSchema = z.object({
  years: z.array(z.number().int().min(2000).max(2100)).default([]),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
  workdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
});

export function loadCalendar(file: string): WorkCalendar {
  let raw: unknown = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`HOLIDAYS_FILE ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`HOLIDAYS_FILE ${file} at ${issue.path.join('.')}: ${issue.message}`);
  }
  return createWorkCalendar(parsed.data);
}

/** The years, from this one to next, that have no published schedule: deadlines there use Mon-Fri only. */
export function missingCalendarYears(calendar: WorkCalendar, nowMs: number): number[] {
  const year = new Date(nowMs + 8 * 3600_000).getUTCFullYear();
  const known = calendar.knownYears();
  return [year, year + 1].filter((y) => !known.has(y));
}
