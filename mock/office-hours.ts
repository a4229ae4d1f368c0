/**
 * When the centers serve: office hours with a lunch break, the arrival curve of a working day,
 * and which days have service (the hub's calendar: weekends and public holidays off, make-up
 * workdays 调休 on).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWorkCalendar, dayKindOf, parseHolidayOverrides, type DayKind, type WorkCalendar } from '../common/calendar.ts';
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
const MORNING_WEIGHT = MORNING.reduce((s, x) => s + x, 0);
const AFTERNOON_WEIGHT = AFTERNOON.reduce((s, x) => s + x, 0);

/**
 * A ticket-machine moment (ms from midnight) drawn from the arrival curve; `afternoon` scales the
 * afternoon's weights (a quiet afternoon before a holiday). The same draws whatever the weights.
 */
export function arrivalOffset(rng: Rng, afternoon = 1): number {
  const total = afternoon === 1 ? ARRIVAL_WEIGHT_TOTAL : MORNING_WEIGHT + afternoon * AFTERNOON_WEIGHT;
  let r = rng.next() * total;
  for (const s of ARRIVAL_SLOTS) {
    r -= s.startMs >= SESSIONS[1].open * MIN ? s.weight * afternoon : s.weight;
    if (r < 0) return rng.uniform(s.startMs, s.endMs);
  }
  return ARRIVAL_SLOTS[0]!.startMs;
}

/** Whether a minute of the day is inside office hours. */
export function inOfficeHours(minuteOfDay: number): boolean {
  return SESSIONS.some((s) => minuteOfDay >= s.open && minuteOfDay < s.close);
}

/**
 * The holiday-shaped load (docs/forecast.md): how much busier than an ordinary Tuesday each kind
 * of day is (common/calendar.ts `dayKindOf`). Citizens save errands over a holiday and come on its
 * first working day; Mondays carry the weekend's; a make-up workday (调休) on a weekend is quiet;
 * the month's end brings its deadlines (social insurance, tax); a Friday is quieter.
 */
const KIND_LOAD: Record<DayKind, number> = {
  closed: 1,
  afterHoliday: 1.4,
  makeup: 0.8,
  beforeHoliday: 1,
  monthEnd: 1.15,
  monday: 1.15,
  tuesday: 1,
  wednesday: 1,
  thursday: 0.98,
  friday: 0.92,
};
/** The afternoon of the last working day before a holiday: people leave early, few come. */
const BEFORE_HOLIDAY_AFTERNOON = 0.5;

/** How the afternoon's arrivals compare with an ordinary day's (`arrivalOffset`'s `afternoon`). */
export function afternoonLoad(calendar: WorkCalendar, day: number): number {
  return dayKindOf(calendar, day) === 'beforeHoliday' ? BEFORE_HOLIDAY_AFTERNOON : 1;
}

/** The day's arrivals against an ordinary day's: the kind's load, and a quiet afternoon counted in. */
export function dayLoadFactor(calendar: WorkCalendar, day: number): number {
  const afternoon = afternoonLoad(calendar, day);
  return KIND_LOAD[dayKindOf(calendar, day)] * ((MORNING_WEIGHT + afternoon * AFTERNOON_WEIGHT) / ARRIVAL_WEIGHT_TOTAL);
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
