/**
 * The day before, to compare a cockpit tile with: counts up to the same clock time from the hour
 * buckets (whole hours) and the minute buckets (the current hour), so at 10:30 today is compared
 * with yesterday until 10:30, not with yesterday's whole day. For a past day the whole previous
 * day is used. Rates of completed cases and complaints are kept per day only, so those compare
 * with the previous day as a whole (the screen says so).
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitComparison, CountsUntil } from '../../../common/cockpit.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../../common/time.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { caseFigures, num, type Counters } from '../figures.ts';
import { pipelineValues } from './pipeline-values.ts';

/** Counter fields kept per hour and minute (see TIMED_METRICS in series.ts). */
const TIMED_FIELDS = ['acc', 'done', 'rt', 'bad', 'pv', 'iss'] as const;
type TimedField = (typeof TIMED_FIELDS)[number];

export async function readComparison(redis: RedisClient, keys: RedisKeys, scope: Scope, day: number, now: number): Promise<CockpitComparison> {
  const previous = day - 1;
  const isToday = day === dayIndexOf(now);
  const minuteOfDay = isToday ? shanghaiClock(now).minute : 1440;
  const wholeHours = Math.floor(minuteOfDay / 60);
  const partialMinutes = isToday ? Array.from({ length: (minuteOfDay % 60) + 1 }, (_, i) => wholeHours * 60 + i) : [];

  const p = redis.pipeline();
  p.hgetall(keys.day(scope, previous));
  p.hgetall(keys.hour(scope, previous));
  const minuteFields = TIMED_FIELDS.flatMap((f) => partialMinutes.map((m) => `${f}|${String(m).padStart(4, '0')}`));
  if (minuteFields.length > 0) p.hmget(keys.minute(scope, previous), ...minuteFields);
  const values = await pipelineValues(p);
  const dayTotals = values[0] as Counters;
  const hours = values[1] as Counters;
  const minutes = (values[2] ?? []) as (string | null)[];

  const sums = new Map<TimedField, number>(TIMED_FIELDS.map((f) => [f, 0]));
  for (const f of TIMED_FIELDS) {
    let n = 0;
    if (isToday) {
      for (let h = 0; h < wholeHours; h++) n += num(hours, `${f}|${String(h).padStart(2, '0')}`);
    } else {
      n = num(dayTotals, f);
    }
    sums.set(f, n);
  }
  minuteFields.forEach((field, i) => {
    const f = field.split('|')[0] as TimedField;
    sums.set(f, sums.get(f)! + (Number(minutes[i] ?? 0) || 0));
  });

  const ratings = sums.get('rt')!;
  const bad = sums.get('bad')!;
  const sameTime: CountsUntil = {
    accepted: sums.get('acc')!,
    completed: sums.get('done')!,
    ratings,
    bad,
    // bad reviews are the 1- and 2-star ratings, so the rest are 基本满意 or better
    satisfactionRate: ratings > 0 ? (ratings - bad) / ratings : null,
    pv: sums.get('pv')!,
    ticketsIssued: sums.get('iss')!,
  };
  const whole = caseFigures(dayTotals, 0, 0);
  const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const mm = String(minuteOfDay % 60).padStart(2, '0');
  return {
    scope,
    date: dateOfDayIndex(day),
    previousDate: dateOfDayIndex(previous),
    until: `${hh}:${mm}`,
    sameTime,
    wholeDay: { earlyRate: whole.earlyRate, onTimeRate: whole.onTimeRate, complaints: num(dayTotals, 'cpF'), overdue: whole.overdue },
  };
}
