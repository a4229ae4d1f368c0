/**
 * The figures of docs/metrics.md from the raw counters of one scope and day: each counter read by
 * its name in server/redis/counter-fields.ts, the arithmetic from common/figures.ts. The snapshot,
 * the series, the rankings and the comparisons all take their figures from here.
 */
import { earlyRate, histogramPercentileSec, meanSec, noShowRate, onTimeRate, ratingFiguresOf, throughputPerHour, yuanOfFen } from '../../common/figures.ts';
import type { CaseFigures, RatingFigures, Snapshot, TicketFigures } from '../../common/snapshot.ts';
import { TRADE_CATEGORIES } from '../../common/events.ts';
import { ALERT_COUNTS, COUNTERS as C, COUNTER_FAMILIES } from '../redis/counter-fields.ts';

export type Counters = Record<string, string>;

export const num = (c: Counters, field: string): number => Number(c[field] ?? 0) || 0;

/** `openOverdueNow` counts open cases past their deadline (only meaningful for today). */
export function caseFigures(c: Counters, inProgress: number, openOverdueNow: number): CaseFigures {
  const completed = num(c, C.completed);
  const completedEarly = num(c, C.completedEarly);
  const completedOnTime = num(c, C.completedOnTime);
  return {
    accepted: num(c, C.accepted),
    completed,
    completedEarly,
    completedOnTime,
    overdue: num(c, C.completedOverdue) + openOverdueNow,
    overdueOpen: openOverdueNow,
    returned: num(c, C.returned),
    inProgress,
    earlyRate: earlyRate(completedEarly, completed),
    onTimeRate: onTimeRate(completedOnTime, completed),
  };
}

export function ticketFigures(c: Counters): TicketFigures {
  const issued = num(c, C.issued);
  const noShow = num(c, C.noShow);
  return {
    issued,
    called: num(c, C.called),
    waiting: Math.max(0, num(c, C.waiting)),
    started: num(c, C.started),
    finished: num(c, C.finished),
    noShow,
    transferred: num(c, C.transferred),
    avgWaitSec: meanSec(num(c, C.waitSumSec), num(c, C.waitCount)),
    p90WaitSec: percentileWaitSec(c, 0.9),
    avgServiceSec: meanSec(num(c, C.serviceSumSec), num(c, C.serviceCount)),
    noShowRate: noShowRate(noShow, issued),
  };
}

/** From the per-minute wait histogram (`wh:<minute>`): the upper edge of the bucket holding the percentile. */
export function percentileWaitSec(c: Counters, p: number): number | null {
  const histogram = Object.entries(fieldsWithPrefix(c, COUNTER_FAMILIES.waitMinute)).map(([bucket, n]) => [Number(bucket), n] as const);
  return histogramPercentileSec(histogram, p);
}

export function ratingFigures(c: Counters): RatingFigures {
  return ratingFiguresOf({ '1': num(c, C.rated1), '2': num(c, C.rated2), '3': num(c, C.rated3), '4': num(c, C.rated4), '5': num(c, C.rated5) });
}

export function portalFigures(c: Counters, uniqueVisitors: number): Snapshot['portal'] {
  return { pv: num(c, C.portalViews), uv: uniqueVisitors, byColumn: fieldsWithPrefix(c, COUNTER_FAMILIES.portalColumn) };
}

/** Trades of the day, in all and per category (amounts in yuan). */
export function tradeFigures(c: Counters): Snapshot['trades'] {
  const byCategory: Snapshot['trades']['byCategory'] = {};
  for (const cat of TRADE_CATEGORIES) {
    const { count, fen } = tradeCategoryFen(c, cat);
    byCategory[cat] = { count, amount: yuanOfFen(fen) };
  }
  return { count: num(c, C.trades), amount: yuanOfFen(num(c, C.tradesFen)), byCategory };
}

/** Trades of one category in fen, from a day or a month hash (for sums over days and months). */
export function tradeCategoryFen(c: Counters, category: string): { count: number; fen: number } {
  return { count: num(c, `${COUNTER_FAMILIES.tradesOfCategory}${category}`), fen: num(c, `${COUNTER_FAMILIES.tradesFenOfCategory}${category}`) };
}

export function feeFigures(c: Counters): Snapshot['fees'] {
  return { count: num(c, C.fees), amount: yuanOfFen(num(c, C.feesFen)) };
}

export function complaintFigures(c: Counters): Snapshot['complaints'] {
  return { filed: num(c, C.complaintsFiled), closed: num(c, C.complaintsClosed) };
}

/** The alert counts: unresolved now (`alerts:count:<scope>`), raised on the day (the day hash). */
export function alertFigures(openCounts: Counters, c: Counters): Snapshot['alerts'] {
  return {
    open: num(openCounts, ALERT_COUNTS.open),
    yellow: num(openCounts, ALERT_COUNTS.yellow),
    red: num(openCounts, ALERT_COUNTS.red),
    raised: num(c, C.alertsRaised),
    raisedYellow: num(c, C.alertsRaisedYellow),
    raisedRed: num(c, C.alertsRaisedRed),
  };
}

/** A window's open seconds and throughput: the day's finished stretches plus `currentSec` (today's running one). */
export function windowFigures(c: Counters, currentSec: number): { openSec: number; throughputPerHour: number | null } {
  const openSec = num(c, C.windowOpenSec) + currentSec;
  return { openSec, throughputPerHour: throughputPerHour(num(c, C.finished), openSec) };
}

/** Fields with a prefix, e.g. `col:动态信息` → { 动态信息: n }. */
export function fieldsWithPrefix(c: Counters, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, value] of Object.entries(c)) if (field.startsWith(prefix)) out[field.slice(prefix.length)] = Number(value);
  return out;
}

export { yuanOfFen };
