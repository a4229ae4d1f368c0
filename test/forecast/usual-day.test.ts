/**
 * The usual-day model (server/forecast/usual-day.ts) and the kinds of day it learns by
 * (common/calendar.ts `dayKindOf`), on the hub's calendar; and the mock's holiday-shaped load
 * (mock/office-hours.ts) that the back-test (bench/forecast.ts) replays. Pure: no Redis, no hub.
 * Days are found from today (test/helpers/test-clock.ts), never written.
 */
import { describe, expect, it } from 'vitest';
import { dayKindOf, DAY_KINDS, type DayKind } from '../../common/calendar.ts';
import { dateOfDayIndex, weekdayOf } from '../../common/time.ts';
import { BAND_K, historyRange, MAX_SAMPLES, usualDay } from '../../server/forecast/usual-day.ts';
import { afternoonLoad, arrivalOffset, dayLoadFactor } from '../../mock/office-hours.ts';
import { rngFor } from '../../mock/rng.ts';
import { TODAY_INDEX, testCalendar } from '../helpers/test-clock.ts';

const cal = testCalendar;
const kind = (day: number) => dayKindOf(cal, day);
/** The nearest day before today of a kind (within two years). */
function lastOfKind(k: DayKind, from = TODAY_INDEX): number {
  for (let d = from - 1; d > from - 730; d--) if (kind(d) === k) return d;
  throw new Error(`no ${k} within two years`);
}

describe('kinds of day (dayKindOf)', () => {
  it('names every day with one kind, each kind present within two years', () => {
    // two: a year ahead of the published schedules (YG_TEST_TODAY=+1y) has no holidays yet
    const seen = new Set<DayKind>();
    for (let d = TODAY_INDEX - 730; d < TODAY_INDEX; d++) seen.add(kind(d));
    expect([...seen].sort()).toEqual([...DAY_KINDS].sort());
  });

  it('follows the calendar: days off, make-up workdays, the days around a holiday, the month end', () => {
    for (let d = TODAY_INDEX - 366; d < TODAY_INDEX; d++) {
      const k = kind(d);
      const wd = weekdayOf(d);
      expect(k === 'closed', `day ${d}`).toBe(!cal.isWorkday(d));
      if (k === 'makeup') expect(wd === 0 || wd === 6).toBe(true);
      if (k === 'afterHoliday') expect([1, 2, 3].every((i) => !cal.isWorkday(d - i))).toBe(true);
      if (k === 'beforeHoliday') expect([1, 2, 3].every((i) => !cal.isWorkday(d + i))).toBe(true);
      if (k === 'monthEnd') {
        let next = d + 1;
        while (!cal.isWorkday(next)) next++;
        expect(dateOfDayIndex(next).slice(0, 7)).not.toBe(dateOfDayIndex(d).slice(0, 7));
      }
      if (['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].includes(k))
        expect(wd).toBe(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].indexOf(k) + 1);
    }
  });
});

describe('the usual day (usualDay)', () => {
  /** A history where every working day has `base` at 09 and `base / 2` at 15, the kind's factor times. */
  const factor: Partial<Record<DayKind, number>> = { afterHoliday: 2, monday: 1.5 };
  const history = (d: number) => {
    const k = kind(d);
    if (k === 'closed') return new Array<number>(24).fill(0);
    const h = new Array<number>(24).fill(0);
    const f = factor[k] ?? 1;
    h[9] = 100 * f;
    h[15] = 50 * f;
    return h;
  };

  it('learns a day of each kind from the latest days of the same kind, scaled to the level before it', () => {
    for (const k of ['afterHoliday', 'monday', 'wednesday', 'makeup'] as const) {
      const day = lastOfKind(k);
      const u = usualDay({ calendar: cal, day, history: (d) => (d < day ? history(d) : undefined) });
      expect(u.kind).toBe(k);
      expect(u.learnedFrom).toBe(k);
      expect(u.days.length).toBeGreaterThanOrEqual(3);
      expect(u.days.length).toBeLessThanOrEqual(MAX_SAMPLES);
      expect(u.days.every((d) => d < day && kind(d) === k)).toBe(true);
      expect(u.days).toEqual([...u.days].sort((a, b) => b - a));
      expect(u.expected[9]).toBeCloseTo(100 * (factor[k] ?? 1), 6);
      expect(u.expected[15]).toBeCloseTo(50 * (factor[k] ?? 1), 6);
      expect(u.expected[3]).toBe(0);
      // the same shape every time: the band is the counting noise, K·√expected
      expect(u.high[9]! - u.expected[9]!).toBeCloseTo(BAND_K * Math.sqrt(u.expected[9]!), 6);
    }
  });

  it('carries a kind learned a year back to the level of today, not of then', () => {
    const day = lastOfKind('afterHoliday');
    // the hall doubled 60 days ago: the old after-holiday days teach the shape, the recent weeks the level
    const grown = (d: number) => (d < day ? history(d)?.map((x) => (d >= day - 60 ? 2 * x : x)) : undefined);
    const u = usualDay({ calendar: cal, day, history: grown });
    expect(u.expected[9]).toBeCloseTo(2 * 100 * 2, 6);
  });

  it('learns from a wider kind when its own has too few days, and from nothing without history', () => {
    const day = lastOfKind('afterHoliday');
    const recent = (d: number) => (d < day && d >= day - 40 ? history(d) : undefined);
    const u = usualDay({ calendar: cal, day, history: recent });
    expect(u.learnedFrom).toBe('monday');
    expect(u.expected[9]).toBeCloseTo(150, 6);
    const none = usualDay({ calendar: cal, day, history: () => undefined });
    expect(none.level).toBeNull();
    expect(none.days).toEqual([]);
    expect(none.expected.every((e) => e === 0)).toBe(true);
  });

  it('reads no day outside historyRange', () => {
    const day = lastOfKind('wednesday');
    const { from, to } = historyRange(day);
    const asked: number[] = [];
    usualDay({
      calendar: cal,
      day,
      history: (d) => {
        asked.push(d);
        return history(d);
      },
    });
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(from);
    expect(Math.max(...asked)).toBeLessThanOrEqual(to);
  });

  it('widens the band by how the days of the kind differ', () => {
    const day = lastOfKind('wednesday');
    const noisy = (d: number) => {
      const h = history(d);
      if (d >= day || !h) return undefined;
      return kind(d) === 'wednesday' ? h.map((x, i) => (i === 9 ? x * (d % 2 ? 1.3 : 0.7) : x)) : h;
    };
    const u = usualDay({ calendar: cal, day, history: noisy });
    expect(u.high[9]! - u.low[9]!).toBeGreaterThan(2 * BAND_K * Math.sqrt(u.expected[9]!));
  });
});

describe("the mock's holiday-shaped load", () => {
  it('is busier after a holiday, on Mondays and at the month end, quieter on make-up days and Fridays', () => {
    const load = (k: DayKind) => dayLoadFactor(cal, lastOfKind(k));
    expect(load('afterHoliday')).toBeGreaterThan(load('monday'));
    expect(load('monday')).toBeGreaterThan(load('tuesday'));
    expect(load('monthEnd')).toBeGreaterThan(load('tuesday'));
    expect(load('friday')).toBeLessThan(load('tuesday'));
    expect(load('makeup')).toBeLessThan(load('tuesday'));
  });

  it('has a quiet afternoon before a holiday', () => {
    const day = lastOfKind('beforeHoliday');
    expect(afternoonLoad(cal, day)).toBeLessThan(1);
    expect(afternoonLoad(cal, lastOfKind('tuesday'))).toBe(1);
    const share = (afternoon: number) => {
      const rng = rngFor('load-test', day);
      let n = 0;
      for (let i = 0; i < 4000; i++) if (arrivalOffset(rng, afternoon) >= 14 * 3600_000) n++;
      return n / 4000;
    };
    expect(share(afternoonLoad(cal, day))).toBeLessThan(share(1) - 0.1);
  });
});
