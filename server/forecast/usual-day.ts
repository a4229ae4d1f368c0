/**
 * The usual day (常日), one definition for the API (forecast-routes.ts) and the back-test
 * (bench/forecast.ts): from a scope's hourly counts of past days, what each hour of a date is
 * expected to bring, with a band. Pure: the caller hands the history in.
 *
 * The model (docs/forecast.md): every past working day is a *shape*, its hourly counts divided
 * by the *level* of its time (the median daily total of the ordinary weekdays in the 4 weeks
 * before it). The date's expectation is its own level times the per-hour median of the shapes
 * of the latest days of its kind (common/calendar.ts `dayKindOf`), so a rare kind (the first
 * working day after a holiday) learns from a year back without carrying that year's level.
 */
import { dayKindOf, type DayKind, type WorkCalendar } from '../../common/calendar.ts';
import { weekdayOf } from '../../common/time.ts';

/** How far back days of a kind are looked for: the hourly counters are kept at least this long. */
export const HISTORY_DAYS = 400;
/** The level is taken over this many days before a day (twice as many when they hold too few ordinary days). */
export const LEVEL_WINDOW_DAYS = 28;
/** Ordinary days a level needs before the window is widened. */
const LEVEL_MIN_DAYS = 5;
/** The newest days of the kind learned from, at most. */
export const MAX_SAMPLES = 8;
/** Fewer days of the kind than this: learn from a wider kind instead. */
export const MIN_SAMPLES = 3;
/** Half the band: K robust standard deviations (1.4826 × MAD of the shapes), at least K × √expected (counting noise). */
export const BAND_K = 2;
export const BAND_RULE = `median ± ${BAND_K}·1.4826·MAD of the days' shapes × level, at least ± ${BAND_K}·√expected`;

/** The days the model reads before `day` (inclusive range): the kinds' look-back plus their levels' windows. */
export function historyRange(day: number): { from: number; to: number } {
  return { from: day - HISTORY_DAYS - 2 * LEVEL_WINDOW_DAYS, to: day - 1 };
}

/** A day's 24 hourly counts, or undefined when nothing is known of it (before the hub counted). */
export type HourlyHistory = (day: number) => readonly number[] | undefined;

export interface UsualDay {
  kind: DayKind;
  learnedFrom: DayKind | 'workday';
  /** Day indexes learned from, newest first. */
  days: number[];
  /** The date's level (null: no ordinary day in the window before it, so no forecast). */
  level: number | null;
  expected: number[];
  low: number[];
  high: number[];
}

const ORDINARY: ReadonlySet<DayKind> = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']);
const WEEKDAY_KIND: DayKind[] = ['closed', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'closed'];

/** Where a kind with too few days learns instead, in order. */
function widerKinds(kind: DayKind, day: number): (DayKind | 'workday')[] {
  switch (kind) {
    case 'afterHoliday':
      return ['monday', 'workday'];
    case 'beforeHoliday':
      return ['friday', 'workday'];
    case 'monthEnd':
      return [WEEKDAY_KIND[weekdayOf(day)]!, 'workday'];
    case 'closed':
      return [];
    default:
      return ['workday'];
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const total = (hours: readonly number[]) => hours.reduce((a, b) => a + b, 0);

export function usualDay(input: { calendar: WorkCalendar; day: number; history: HourlyHistory }): UsualDay {
  const { calendar, day, history } = input;
  const kinds = new Map<number, DayKind>();
  const kindOf = (d: number) => {
    let k = kinds.get(d);
    if (k === undefined) kinds.set(d, (k = dayKindOf(calendar, d)));
    return k;
  };
  const levels = new Map<number, number | null>();
  const levelOf = (d: number): number | null => {
    if (levels.has(d)) return levels.get(d)!;
    let level: number | null = null;
    for (const span of [LEVEL_WINDOW_DAYS, 2 * LEVEL_WINDOW_DAYS]) {
      const totals: number[] = [];
      for (let x = d - span; x < d; x++) {
        const h = ORDINARY.has(kindOf(x)) ? history(x) : undefined;
        if (h) totals.push(total(h));
      }
      if (totals.length >= LEVEL_MIN_DAYS || (span > LEVEL_WINDOW_DAYS && totals.length > 0)) {
        level = median(totals);
        break;
      }
    }
    levels.set(d, level);
    return level;
  };

  const kind = kindOf(day);
  const empty = () => new Array<number>(24).fill(0);
  // A closed day learns its raw counts (what a weekend hall does), not a shape of a level.
  if (kind === 'closed') {
    const days: number[] = [];
    const seen: (readonly number[])[] = [];
    for (let d = day - 1; d >= day - HISTORY_DAYS && days.length < MAX_SAMPLES; d--) {
      const h = kindOf(d) === 'closed' ? history(d) : undefined;
      if (h) {
        days.push(d);
        seen.push(h);
      }
    }
    const band = bandOf(seen, 1);
    return { kind, learnedFrom: kind, days, level: null, ...band };
  }

  const level = levelOf(day);
  const none = { kind, learnedFrom: kind, days: [], level, expected: empty(), low: empty(), high: empty() };
  if (level === null) return none;
  const matches = (want: DayKind | 'workday') => (d: number) => (want === 'workday' ? ORDINARY.has(kindOf(d)) : kindOf(d) === want);
  for (const want of [kind, ...widerKinds(kind, day)]) {
    const days: number[] = [];
    const shapes: number[][] = [];
    const fits = matches(want);
    for (let d = day - 1; d >= day - HISTORY_DAYS && days.length < MAX_SAMPLES; d--) {
      if (!fits(d)) continue;
      const h = history(d);
      const l = h ? levelOf(d) : null;
      if (!h || !l) continue;
      days.push(d);
      shapes.push(h.map((x) => x / l));
    }
    if (days.length >= MIN_SAMPLES || (want === 'workday' && days.length > 0)) return { kind, learnedFrom: want, days, level, ...bandOf(shapes, level) };
  }
  return none;
}

/** Per hour: scale × the median of the samples, and the band around it. */
function bandOf(samples: readonly (readonly number[])[], scale: number): { expected: number[]; low: number[]; high: number[] } {
  const expected: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let h = 0; h < 24; h++) {
    const xs = samples.map((s) => s[h] ?? 0);
    const m = median(xs);
    const sigma = 1.4826 * median(xs.map((x) => Math.abs(x - m)));
    const e = scale * m;
    const half = Math.max(BAND_K * scale * sigma, BAND_K * Math.sqrt(e));
    expected.push(e);
    low.push(Math.max(0, e - half));
    high.push(e + half);
  }
  return { expected, low, high };
}
