/**
 * The metric arithmetic of docs/metrics.md, from the raw counters of one scope and day.
 * Pure functions: the definitions live here and nowhere else.
 */
import type { CaseFigures, RatingFigures, TicketFigures } from '../../common/snapshot.ts';

export type Counters = Record<string, string>;

export const num = (c: Counters, field: string): number => Number(c[field] ?? 0) || 0;
const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** `openOverdueNow` counts open cases past their deadline (only meaningful for today). */
export function caseFigures(c: Counters, inProgress: number, openOverdueNow: number): CaseFigures {
  const completed = num(c, 'done');
  const completedEarly = num(c, 'early');
  const completedOnTime = num(c, 'ontime');
  return {
    accepted: num(c, 'acc'),
    completed,
    completedEarly,
    completedOnTime,
    overdue: num(c, 'overdue') + openOverdueNow,
    overdueOpen: openOverdueNow,
    returned: num(c, 'returned'),
    inProgress,
    earlyRate: ratio(completedEarly, completed),
    onTimeRate: ratio(completedOnTime, completed),
  };
}

export const WAIT_BUCKET_SEC = 60;

export function ticketFigures(c: Counters): TicketFigures {
  const issued = num(c, 'iss');
  const waitN = num(c, 'waitN');
  const svcN = num(c, 'svcN');
  const noShow = num(c, 'noshow');
  return {
    issued,
    called: num(c, 'call'),
    waiting: Math.max(0, num(c, 'wait')),
    started: num(c, 'start'),
    finished: num(c, 'fin'),
    noShow,
    transferred: num(c, 'transfer'),
    avgWaitSec: waitN > 0 ? Math.round(num(c, 'waitSum') / waitN) : null,
    p90WaitSec: percentileWaitSec(c, 0.9),
    avgServiceSec: svcN > 0 ? Math.round(num(c, 'svcSum') / svcN) : null,
    noShowRate: ratio(noShow, issued),
  };
}

/** From the per-minute wait histogram: the upper edge of the bucket holding the percentile. */
export function percentileWaitSec(c: Counters, p: number): number | null {
  const buckets: [number, number][] = [];
  let total = 0;
  for (const [field, value] of Object.entries(c)) {
    if (!field.startsWith('wh:')) continue;
    const n = Number(value);
    buckets.push([Number(field.slice(3)), n]);
    total += n;
  }
  if (total === 0) return null;
  buckets.sort((a, b) => a[0] - b[0]);
  const target = Math.ceil(p * total);
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= target) return (bucket + 1) * WAIT_BUCKET_SEC;
  }
  return null;
}

export function ratingFigures(c: Counters): RatingFigures {
  const byScore = { '1': num(c, 'r1'), '2': num(c, 'r2'), '3': num(c, 'r3'), '4': num(c, 'r4'), '5': num(c, 'r5') };
  const total = byScore['1'] + byScore['2'] + byScore['3'] + byScore['4'] + byScore['5'];
  return {
    total,
    byScore,
    // 基本满意 (3 stars) and better count as satisfied
    satisfactionRate: ratio(byScore['3'] + byScore['4'] + byScore['5'], total),
    bad: byScore['1'] + byScore['2'],
  };
}

/** Fields with a prefix, e.g. `col:动态信息` → { 动态信息: n }. */
export function fieldsWithPrefix(c: Counters, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, value] of Object.entries(c)) if (field.startsWith(prefix)) out[field.slice(prefix.length)] = Number(value);
  return out;
}

export const yuanOfFen = (fen: number): number => Math.round(fen) / 100;
