/**
 * Time series of one metric for one scope: per minute or per hour from the timed buckets, per day
 * from the day totals (where the derived rates of docs/metrics.md are also available).
 */
import type { Interval } from '../../common/api-queries.ts';
import type { Scope } from '../../common/catalog.ts';
import type { Series, SeriesPoint } from '../../common/series.ts';
import { InputError } from '../domain-errors.ts';
import { DAY_MS, dateOfDayIndex, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS as C, hourField, minuteField, type CounterField } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { caseFigures, complaintFigures, feeFigures, ratingFigures, ticketFigures, tradeFigures, type Counters } from './figures.ts';

/** The metrics counted at minute, hour and day (timed counters): metric name → counter field. */
export const TIMED_METRIC_FIELDS = {
  'cases.accepted': C.accepted,
  'cases.completed': C.completed,
  'tickets.issued': C.issued,
  'tickets.called': C.called,
  'tickets.finished': C.finished,
  'portal.pv': C.portalViews,
  'ratings.total': C.ratings,
  'ratings.bad': C.badRatings,
  'trades.count': C.trades,
  'fees.count': C.fees,
} as const satisfies Record<string, CounterField>;
export type TimedMetric = keyof typeof TIMED_METRIC_FIELDS;

/**
 * The same as a map. Maps, not objects, answer a request: a metric name comes from the query
 * string, and an object would answer for `hasOwnProperty` or `__proto__`.
 */
export const TIMED_METRICS: ReadonlyMap<string, CounterField> = new Map(Object.entries(TIMED_METRIC_FIELDS));

/**
 * Per day only, from the whole day's counters through the snapshot's figures (a past day's
 * figures, so `cases.overdue` never includes open cases).
 */
const dailyDefinitions: Record<string, (c: Counters) => number | null> = {
  'cases.completedEarly': (c) => caseFigures(c, 0, 0).completedEarly,
  'cases.completedOnTime': (c) => caseFigures(c, 0, 0).completedOnTime,
  'cases.overdue': (c) => caseFigures(c, 0, 0).overdue,
  'cases.earlyRate': (c) => caseFigures(c, 0, 0).earlyRate,
  'cases.onTimeRate': (c) => caseFigures(c, 0, 0).onTimeRate,
  'ratings.satisfactionRate': (c) => ratingFigures(c).satisfactionRate,
  'tickets.avgWaitSec': (c) => ticketFigures(c).avgWaitSec,
  'tickets.avgServiceSec': (c) => ticketFigures(c).avgServiceSec,
  'trades.amount': (c) => tradeFigures(c).amount,
  'fees.amount': (c) => feeFigures(c).amount,
  'complaints.filed': (c) => complaintFigures(c).filed,
};
export const DAILY_METRICS: ReadonlyMap<string, (c: Counters) => number | null> = new Map(Object.entries(dailyDefinitions));

export type { Interval };
export const SERIES_LIMITS: Record<Interval, number> = { minute: 2 * 1440, hour: 62 * 24, day: 400 };

/** A series the request cannot have (unknown metric, too many points): 400 naming the field. */
export class SeriesRequestError extends InputError {
  override name = 'SeriesRequestError';
  constructor(field: string, message: string) {
    super(message, field);
  }
}

export function isKnownMetric(metric: string, interval: Interval): boolean {
  return TIMED_METRICS.has(metric) || (interval === 'day' && (DAILY_METRICS.has(metric) || metric === 'portal.uv'));
}

/** `fromDay`..`toDay` inclusive (day indexes); the minute and hour points cover whole days. */
export async function readSeries(
  redis: RedisClient,
  keys: RedisKeys,
  q: { metric: string; scope: Scope; interval: Interval; fromDay: number; toDay: number },
): Promise<Series> {
  const { metric, scope, interval, fromDay, toDay } = q;
  if (!isKnownMetric(metric, interval)) {
    throw new SeriesRequestError(
      'metric',
      `unknown metric "${metric}" for interval ${interval}; known: ${[...TIMED_METRICS.keys(), ...(interval === 'day' ? [...DAILY_METRICS.keys(), 'portal.uv'] : [])].join(', ')}`,
    );
  }
  const perDay = interval === 'minute' ? 1440 : interval === 'hour' ? 24 : 1;
  if ((toDay - fromDay + 1) * perDay > SERIES_LIMITS[interval]) {
    throw new SeriesRequestError(
      'to',
      `too many points for interval ${interval}: at most ${SERIES_LIMITS[interval]} (${SERIES_LIMITS[interval] / perDay} days)`,
    );
  }
  const days: number[] = [];
  for (let d = fromDay; d <= toDay; d++) days.push(d);
  const p = redis.pipeline();
  const timedField = TIMED_METRICS.get(metric);
  for (const d of days) {
    if (interval === 'minute' && timedField) p.hmget(keys.minute(scope, d), ...range(1440).map((m) => minuteField(timedField, m)));
    else if (interval === 'hour' && timedField) p.hmget(keys.hour(scope, d), ...range(24).map((h) => hourField(timedField, h)));
    else if (metric === 'portal.uv') p.pfcount(keys.uv(scope, d));
    else if (timedField) p.hget(keys.day(scope, d), timedField);
    else p.hgetall(keys.day(scope, d));
  }
  const results = (await p.exec()) ?? [];
  const points: SeriesPoint[] = [];
  days.forEach((d, i) => {
    const [err, v] = results[i] ?? [new Error('missing pipeline result'), null];
    if (err) throw err;
    const start = startOfDayMs(d);
    if (interval === 'minute' || interval === 'hour') {
      const step = interval === 'minute' ? 60_000 : 3_600_000;
      (v as (string | null)[]).forEach((x, j) => points.push({ t: toShanghaiIso(start + j * step), v: Number(x ?? 0) }));
    } else if (metric === 'portal.uv') points.push({ t: dateOfDayIndex(d), v: v as number });
    else if (timedField) points.push({ t: dateOfDayIndex(d), v: Number(v ?? 0) });
    else points.push({ t: dateOfDayIndex(d), v: DAILY_METRICS.get(metric)!(v as Counters) });
  });
  return { metric, scope, interval, from: toShanghaiIso(startOfDayMs(fromDay)), to: toShanghaiIso(startOfDayMs(toDay) + DAY_MS - 1), points };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
