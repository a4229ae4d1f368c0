/**
 * The day before, to compare a cockpit tile with: counts up to the same clock time from the hour
 * buckets (whole hours) and the minute buckets (the current hour), so at 10:30 today is compared
 * with yesterday until 10:30, not with yesterday's whole day. For a past day the whole previous
 * day is used. Rates of completed cases and complaints are kept per day only, so those compare
 * with the previous day as a whole (the screen says so).
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitComparison, CountsUntil } from '../../../common/cockpit.ts';
import { satisfactionRate } from '../../../common/figures.ts';
import { dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../../common/time.ts';
import type { RedisClient } from '../../redis/connect.ts';
import { hourField, minuteField } from '../../redis/counter-fields.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { caseFigures, complaintFigures, num, type Counters } from '../figures.ts';
import { TIMED_METRIC_FIELDS, type TimedMetric } from '../series.ts';
import { pipelineValues } from './pipeline-values.ts';

/** The metrics compared up to the same time: series metrics counted per hour and minute. */
const COMPARED = ['cases.accepted', 'cases.completed', 'ratings.total', 'ratings.bad', 'portal.pv', 'tickets.issued'] as const satisfies readonly TimedMetric[];
type Compared = (typeof COMPARED)[number];

export async function readComparison(redis: RedisClient, keys: RedisKeys, scope: Scope, day: number, now: number): Promise<CockpitComparison> {
  const previous = day - 1;
  const isToday = day === dayIndexOf(now);
  const minuteOfDay = isToday ? shanghaiClock(now).minute : 1440;
  const wholeHours = Math.floor(minuteOfDay / 60);
  const partialMinutes = isToday ? Array.from({ length: (minuteOfDay % 60) + 1 }, (_, i) => wholeHours * 60 + i) : [];

  const p = redis.pipeline();
  p.hgetall(keys.day(scope, previous));
  p.hgetall(keys.hour(scope, previous));
  const minuteFields = COMPARED.flatMap((metric) => partialMinutes.map((m) => ({ metric, field: minuteField(TIMED_METRIC_FIELDS[metric], m) })));
  if (minuteFields.length > 0) p.hmget(keys.minute(scope, previous), ...minuteFields.map((m) => m.field));
  const values = await pipelineValues(p);
  const dayTotals = values[0] as Counters;
  const hours = values[1] as Counters;
  const minutes = (values[2] ?? []) as (string | null)[];

  const sums = new Map<Compared, number>();
  for (const metric of COMPARED) {
    const field = TIMED_METRIC_FIELDS[metric];
    let n = 0;
    if (isToday) {
      for (let h = 0; h < wholeHours; h++) n += num(hours, hourField(field, h));
    } else {
      n = num(dayTotals, field);
    }
    sums.set(metric, n);
  }
  minuteFields.forEach(({ metric }, i) => {
    sums.set(metric, sums.get(metric)! + (Number(minutes[i] ?? 0) || 0));
  });

  const ratings = sums.get('ratings.total')!;
  const bad = sums.get('ratings.bad')!;
  const sameTime: CountsUntil = {
    accepted: sums.get('cases.accepted')!,
    completed: sums.get('cases.completed')!,
    ratings,
    bad,
    // the stars of each rating are counted per day only; per hour and minute its total and the bad ones
    satisfactionRate: satisfactionRate(ratings, bad),
    pv: sums.get('portal.pv')!,
    ticketsIssued: sums.get('tickets.issued')!,
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
    wholeDay: { earlyRate: whole.earlyRate, onTimeRate: whole.onTimeRate, complaints: complaintFigures(dayTotals).filed, overdue: whole.overdue },
  };
}
