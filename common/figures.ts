/**
 * The arithmetic of every figure (docs/metrics.md) on plain numbers, defined here and nowhere else:
 * the hub reads its counters and calls these (server/read/figures.ts, for the snapshot, series,
 * rankings and comparisons), the mock's tally (mock/tally.ts) and the screens call them too.
 * Pure; nothing here knows where a number is stored (server/redis/counter-fields.ts does).
 */
import type { RatingFigures } from './snapshot.ts';

/** A rate or a share: part / whole, in [0, 1] for a part of the whole; null when the whole is 0. */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** A mean duration in whole seconds (half up); null when there is nothing to average. */
export const meanSec = (sumSec: number, n: number): number | null => (n > 0 ? Math.round(sumSec / n) : null);

// Cases ------------------------------------------------------------------------------------------

/** 提前办结率: cases completed before their due date / cases completed. */
export const earlyRate = (completedEarly: number, completed: number): number | null => ratio(completedEarly, completed);
/** 按时办结率: cases completed on or before their due date / cases completed. */
export const onTimeRate = (completedOnTime: number, completed: number): number | null => ratio(completedOnTime, completed);

// Tickets and windows ----------------------------------------------------------------------------

/** No-shows / tickets issued. */
export const noShowRate = (noShow: number, issued: number): number | null => ratio(noShow, issued);

/** Width of a bucket of the wait histogram, in seconds: the resolution of a wait percentile. */
export const WAIT_BUCKET_SEC = 60;

/**
 * The p-th percentile (0 < p ≤ 1) of a histogram of waits, `[bucket, count]` with bucket n holding
 * the waits from n to n + 1 buckets: the upper edge, in seconds, of the bucket that holds it; null
 * when the histogram is empty.
 */
export function histogramPercentileSec(histogram: Iterable<readonly [number, number]>, p: number): number | null {
  const buckets = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const target = Math.ceil(p * total);
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= target) return (bucket + 1) * WAIT_BUCKET_SEC;
  }
  return null;
}

/** A window's throughput: tickets finished per open hour, one decimal; null until it was open an hour. */
export const throughputPerHour = (finished: number, openSec: number): number | null =>
  openSec >= 3600 ? Math.round((finished / (openSec / 3600)) * 10) / 10 : null;

// Ratings ----------------------------------------------------------------------------------------

/** A bad rating (差评) has at most this many stars; every other one is 基本满意 or better. */
export const BAD_RATING_MAX_SCORE = 2;
export const isBadRating = (score: number): boolean => score <= BAD_RATING_MAX_SCORE;

/** 满意率: ratings that are not bad (3 stars, 基本满意, and better) / all ratings. */
export const satisfactionRate = (ratings: number, bad: number): number | null => ratio(ratings - bad, ratings);

/**
 * 整改率: bad reviews followed up in time (by the end of their due working day, `badReviewDays`
 * after the review) / bad reviews, both of the reviews' day (docs/metrics.md).
 */
export const rectificationRate = (followedUpInTime: number, bad: number): number | null => ratio(followedUpInTime, bad);

/**
 * 未关联: the ratings of a day not joined to an item (no join key, or their case not known yet):
 * all ratings less those counted by item.
 */
export const unjoinedRatings = (ratings: number, joined: number): number => Math.max(0, ratings - joined);

/** 退件率 of an item: cases returned / cases accepted, both of the day (null without an acceptance). */
export const returnRate = (returned: number, accepted: number): number | null => ratio(returned, accepted);

/** The rating figures from the count of each star. */
export function ratingFiguresOf(byScore: RatingFigures['byScore']): RatingFigures {
  let total = 0;
  let bad = 0;
  for (const score of [1, 2, 3, 4, 5] as const) {
    total += byScore[score];
    if (isBadRating(score)) bad += byScore[score];
  }
  return { total, byScore, satisfactionRate: satisfactionRate(total, bad), bad };
}

// Money ------------------------------------------------------------------------------------------

/** Money is summed in fen (1/100 yuan), exact as integers. */
export const fenOfYuan = (yuan: number): number => Math.round(yuan * 100);
/** ... and answered in yuan. */
export const yuanOfFen = (fen: number): number => Math.round(fen) / 100;

// Over days --------------------------------------------------------------------------------------

/** The total of daily values (a day without one counts 0): e.g. cases completed over 30 days. */
export const sumOfDays = (values: readonly (number | null)[]): number => values.reduce<number>((sum, v) => sum + (v ?? 0), 0);

/**
 * The daily mean of a daily rate (日均按时率): each day that has one counts once, whatever its
 * volume; null when no day has one. Not the rate over the whole period.
 */
export function meanOfDays(values: readonly (number | null)[]): number | null {
  const days = values.filter((v): v is number => v !== null);
  return days.length > 0 ? days.reduce((sum, v) => sum + v, 0) / days.length : null;
}
