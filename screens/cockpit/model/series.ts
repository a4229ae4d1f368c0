/** How the cockpit slices the series it charts (the answer of GET /api/v1/series: `Series`, common/series.ts). */
import type { SeriesPoint } from '../../../common/series.ts';

/** Hour of day (0-23) of a series point time `…THH:00:00…+08:00`. */
export const hourOf = (t: string): number => Number(t.slice(11, 13));
/** Minute of day of `…THH:MM:…+08:00`. */
export const minuteOf = (t: string): number => Number(t.slice(11, 13)) * 60 + Number(t.slice(14, 16));

/** Splits a two-day hourly series into the earlier and the later day (24 values each). */
export function splitDays(points: readonly SeriesPoint[], laterDate: string): { earlier: number[]; later: number[] } {
  const earlier = new Array<number>(24).fill(0);
  const later = new Array<number>(24).fill(0);
  for (const p of points) (p.t.startsWith(laterDate) ? later : earlier)[hourOf(p.t)] = p.v ?? 0;
  return { earlier, later };
}

/** The last `count` minutes up to `untilMinute` (inclusive) of a per-minute series of one day. */
export function lastMinutes(points: readonly SeriesPoint[], untilMinute: number, count: number): { minute: number; value: number }[] {
  const from = Math.max(0, untilMinute - count + 1);
  return points.map((p) => ({ minute: minuteOf(p.t), value: p.v ?? 0 })).filter((p) => p.minute >= from && p.minute <= untilMinute);
}
