/**
 * When the centers serve: office hours with a lunch break, the arrival curve of a working day,
 * and which days have service (the hub's calendar: weekends and public holidays off, make-up
 * workdays 调休 on).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWorkCalendar, parseHolidayOverrides, type WorkCalendar } from '../common/calendar.ts';
import { weekdayOf } from '../common/time.ts';
import type { Rng } from './rng.ts';

const MIN = 60_000;

/**
 * Morning 08:30-12:00 and afternoon 14:00-17:30 (Asia/Shanghai), as minutes of the day: the
 * office hours of the alert rules' defaults (config/alerts.json), so both agree.
 */
export const SESSIONS = [
  { open: 8 * 60 + 30, close: 12 * 60 },
  { open: 14 * 60, close: 17 * 60 + 30 },
] as const;

/** The ticket machine stops issuing this long before a session closes. */
export const LAST_TICKET_MIN = 15;

/**
 * Relative arrival rate per quarter hour of each session while tickets are issued (08:30-11:45,
 * 14:00-17:15): a morning peak around 09:30-10:30, a smaller one early in the afternoon, quiet
 * before closing.
 */
const MORNING = [0.5, 0.8, 1.2, 1.5, 1.7, 1.7, 1.6, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5];
const AFTERNOON = [0.8, 1.0, 1.1, 1.1, 1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];

export interface Slot {
  startMs: number;
  endMs: number;
  weight: number;
}

/** Quarter-hour slots of the ticket machine's day, as offsets (ms) from local midnight. */
export const ARRIVAL_SLOTS: Slot[] = [
  ...MORNING.map((weight, i) => slot(SESSIONS[0].open + 15 * i, weight)),
  ...AFTERNOON.map((weight, i) => slot(SESSIONS[1].open + 15 * i, weight)),
];
function slot(startMin: number, weight: number): Slot {
  return { startMs: startMin * MIN, endMs: (startMin + 15) * MIN, weight };
}
export const ARRIVAL_WEIGHT_TOTAL = ARRIVAL_SLOTS.reduce((s, x) => s + x.weight, 0);

/** A ticket-machine moment (ms from midnight) drawn from the arrival curve. */
export function arrivalOffset(rng: Rng): number {
  let r = rng.next() * ARRIVAL_WEIGHT_TOTAL;
  for (const s of ARRIVAL_SLOTS) {
    r -= s.weight;
    if (r < 0) return rng.uniform(s.startMs, s.endMs);
  }
  return ARRIVAL_SLOTS[0]!.startMs;
}

/** Whether a minute of the day is inside office hours. */
export function inOfficeHours(minuteOfDay: number): boolean {
  return SESSIONS.some((s) => minuteOfDay >= s.open && minuteOfDay < s.close);
}

/** Busier on Mondays and after a break, quieter on Fridays. */
export function dayLoadFactor(calendar: WorkCalendar, day: number): number {
  let f = 1;
  if (!calendar.isWorkday(day - 1)) f *= 1.12;
  const wd = weekdayOf(day);
  if (wd === 5) f *= 0.92;
  return f;
}

/** The working-day calendar the hub uses: chinese-days plus HOLIDAYS_FILE (config/holidays.json). */
export function loadMockCalendar(file = process.env.HOLIDAYS_FILE ?? 'config/holidays.json'): WorkCalendar {
  const resolved = path.resolve(file);
  try {
    return createWorkCalendar(parseHolidayOverrides(fs.existsSync(resolved) ? fs.readFileSync(resolved, 'utf8') : null));
  } catch (err) {
    throw new Error(`HOLIDAYS_FILE ${resolved} ${(err as Error).message}`, { cause: err });
  }
}

/** A calendar where one extra day counts as a working day (`live --open` on a closed day). */
export function withExtraWorkday(calendar: WorkCalendar, day: number): WorkCalendar {
  return {
    isWorkday: (d) => d === day || calendar.isWorkday(d),
    knownYears: () => calendar.knownYears(),
    exceptions: () => calendar.exceptions(),
  };
}

export { createWorkCalendar };
