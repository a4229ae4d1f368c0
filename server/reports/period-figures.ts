/**
 * The figures of a period (common/periods.ts) for one scope: its day hashes summed field by field
 * over the period's days up to today, then every rate computed from the sums with the formulas of
 * common/figures.ts (through server/read/figures.ts), never as a mean of daily rates. The wait
 * percentile comes from the summed one-minute wait histogram, so a week's p90 is the week's.
 */
import type { Scope } from '../../common/catalog.ts';
import { rectificationRate } from '../../common/figures.ts';
import { periodOf, previousPeriod, yearBeforePeriod, type Period, type PeriodKind } from '../../common/periods.ts';
import { COMPARED_FIGURES, type FigureChange, type PeriodAnswer, type PeriodFigures } from '../../common/report.ts';
import { dayIndexOf, toShanghaiIso } from '../../common/time.ts';
import { caseFigures, complaintFigures, feeFigures, num, ratingFigures, ticketFigures, tradeFigures, type Counters } from '../read/figures.ts';
import { pipelineValues } from '../read/cockpit/pipeline-values.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS as C } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';

/** The days of a period that have happened (up to and including today). */
export function daysSoFar(p: Period, today: number): number[] {
  const days: number[] = [];
  for (let d = p.from; d <= Math.min(p.to, today); d++) days.push(d);
  return days;
}

/**
 * Field-by-field sum of day hashes. Every field of a day hash is a count or a sum (the running
 * ticket balance `wait` too, which no period figure reads), so a sum over days is that of the period.
 */
export function sumCounters(hashes: readonly Counters[]): Counters {
  const sums = new Map<string, number>();
  for (const h of hashes) for (const [field, value] of Object.entries(h)) sums.set(field, (sums.get(field) ?? 0) + (Number(value) || 0));
  return Object.fromEntries([...sums].map(([f, v]) => [f, String(v)]));
}

/** The figures of a period from its summed counters. */
export function figuresOfCounters(c: Counters, days: number): PeriodFigures {
  const cases = caseFigures(c, 0, 0);
  const tickets = ticketFigures(c);
  const ratings = ratingFigures(c);
  const trades = tradeFigures(c);
  const bad = ratings.bad;
  const inTime = num(c, C.reviewsFollowedUpInTime);
  return {
    days,
    cases: {
      accepted: cases.accepted,
      completed: cases.completed,
      completedEarly: cases.completedEarly,
      completedOnTime: cases.completedOnTime,
      completedOverdue: num(c, C.completedOverdue),
      returned: cases.returned,
      earlyRate: cases.earlyRate,
      onTimeRate: cases.onTimeRate,
    },
    tickets: {
      issued: tickets.issued,
      called: tickets.called,
      finished: tickets.finished,
      noShow: tickets.noShow,
      noShowRate: tickets.noShowRate,
      avgWaitSec: tickets.avgWaitSec,
      p90WaitSec: tickets.p90WaitSec,
      avgServiceSec: tickets.avgServiceSec,
    },
    ratings: { total: ratings.total, byScore: ratings.byScore, bad, satisfactionRate: ratings.satisfactionRate },
    reviews: {
      bad,
      followedUp: num(c, C.reviewsFollowedUp),
      inTime,
      reratedSatisfied: num(c, C.reviewsReratedSatisfied),
      rectificationRate: rectificationRate(inTime, bad),
    },
    complaints: complaintFigures(c),
    portal: { pv: num(c, C.portalViews) },
    trades: { count: trades.count, amount: trades.amount, byCategory: trades.byCategory },
    fees: feeFigures(c),
    alerts: { raised: num(c, C.alertsRaised), raisedYellow: num(c, C.alertsRaisedYellow), raisedRed: num(c, C.alertsRaisedRed) },
  };
}

/** The summed counters of each scope over the period's days so far, in one pipeline. */
export async function readPeriodCounters(
  redis: RedisClient,
  keys: RedisKeys,
  scopes: readonly Scope[],
  p: Period,
  today: number,
  fields?: readonly string[],
): Promise<Counters[]> {
  const days = daysSoFar(p, today);
  if (days.length === 0 || scopes.length === 0) return scopes.map(() => ({}));
  const pipe = redis.pipeline();
  for (const s of scopes)
    for (const d of days) {
      if (fields) pipe.hmget(keys.day(s, d), ...fields);
      else pipe.hgetall(keys.day(s, d));
    }
  const values = await pipelineValues(pipe);
  return scopes.map((_, i) => {
    const slice = values.slice(i * days.length, (i + 1) * days.length);
    const hashes = fields
      ? slice.map((v) => Object.fromEntries(fields.map((f, j) => [f, String((v as (string | null)[])[j] ?? 0)])) as Counters)
      : (slice as Counters[]);
    return sumCounters(hashes);
  });
}

export async function readPeriodFigures(redis: RedisClient, keys: RedisKeys, scope: Scope, p: Period, today: number): Promise<PeriodFigures> {
  const [c] = await readPeriodCounters(redis, keys, [scope], p, today);
  return figuresOfCounters(c!, daysSoFar(p, today).length);
}

/** The value of a figure by its path (`ratings.satisfactionRate`), null when absent. */
export function figureAt(f: PeriodFigures, path: string): number | null {
  let v: unknown = f;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : null;
  return typeof v === 'number' ? v : null;
}

function changeOf(kind: FigureChange['kind'], value: number | null, then: number | null): number | null {
  if (value === null || then === null) return null;
  if (kind === 'points') return value - then;
  return then === 0 ? null : (value - then) / then;
}

/** 环比 and 同比 of every compared figure (common/report.ts COMPARED_FIGURES). */
export function changesOf(now: PeriodFigures, previous: PeriodFigures, yearBefore: PeriodFigures): Record<string, FigureChange> {
  const out: Record<string, FigureChange> = {};
  for (const { key, kind } of COMPARED_FIGURES) {
    const value = figureAt(now, key);
    const prev = figureAt(previous, key);
    const yb = figureAt(yearBefore, key);
    out[key] = { value, previous: prev, yearBefore: yb, kind, mom: changeOf(kind, value, prev), yoy: changeOf(kind, value, yb) };
  }
  return out;
}

/**
 * A period with its 环比 and 同比. An ongoing period counts its days up to today; the periods it is
 * compared with count whole (a week to Wednesday against whole weeks: documented in docs/metrics.md).
 */
export async function readPeriodAnswer(redis: RedisClient, keys: RedisKeys, scope: Scope, kind: PeriodKind, day: number, now: number): Promise<PeriodAnswer> {
  const today = dayIndexOf(now);
  const period = periodOf(kind, day);
  const previous = previousPeriod(period);
  const yearBefore = yearBeforePeriod(period);
  const [f, fp, fy] = await Promise.all([period, previous, yearBefore].map((p) => readPeriodFigures(redis, keys, scope, p, today)));
  return {
    scope,
    period,
    asOf: toShanghaiIso(now),
    figures: f!,
    previous: { period: previous, figures: fp! },
    yearBefore: { period: yearBefore, figures: fy! },
    change: changesOf(f!, fp!, fy!),
  };
}
