/**
 * Today against the usual day (常日, GET /api/v1/forecast, docs/forecast.md): the "较常日 +35%"
 * figure and the rest of today's expected curve with its band, for the cockpit's hourly chart and
 * the phone's. Pure functions of the forecast and today's hourly counts.
 */
import { DAY_KIND_LABELS } from '../../../common/day-kinds.ts';
import type { Forecast } from '../../../common/forecast.ts';

export const USUAL_DAY_COLOR = '#f5c451';
/** Below this many expected so far (before opening) a percentage says nothing. */
const MIN_EXPECTED_SO_FAR = 3;

export interface UsualDayDelta {
  /** actual so far / expected so far − 1. */
  change: number;
  /** 较常日 +35% / 较常日 −12% / 与常日持平. */
  text: string;
  actual: number;
  expected: number;
}

/**
 * Today so far against the usual day so far: the whole hours before `hour`, and of the current
 * hour the part gone (`minute` of 60), as the expected curve spreads it evenly over the hour.
 */
export function usualDayDelta(forecast: Forecast, actualByHour: readonly number[], hour: number, minute: number): UsualDayDelta | null {
  let expected = 0;
  let actual = 0;
  for (let h = 0; h <= hour && h < 24; h++) {
    expected += (forecast.points[h]?.expected ?? 0) * (h < hour ? 1 : minute / 60);
    actual += actualByHour[h] ?? 0;
  }
  if (expected < MIN_EXPECTED_SO_FAR) return null;
  const change = actual / expected - 1;
  const pct = Math.round(change * 100);
  const text = pct === 0 ? '与常日持平' : `较常日 ${pct > 0 ? '+' : '−'}${Math.abs(pct)}%`;
  return { change, text, actual, expected };
}

/** What the usual day was learned from, for a tooltip: 节后首个工作日 · 近 8 个同类日. */
export function usualDayBasisText(forecast: Forecast): string {
  const { kind, learnedFrom, count } = forecast.basis;
  const kindText = DAY_KIND_LABELS[kind];
  if (count === 0) return `${kindText} · 暂无可比历史`;
  const from = learnedFrom === kind ? '同类日' : learnedFrom === 'workday' ? '普通工作日' : DAY_KIND_LABELS[learnedFrom];
  return `${kindText} · 参照近 ${count} 个${from}`;
}

/**
 * ECharts series of the rest of the day from `fromHour`: the band (a transparent base and the
 * filled width above it, stacked) and the expected curve, dashed. `fromHour` 0 draws the whole day.
 */
export function usualDaySeries(forecast: Forecast, fromHour: number, lineWidth = 3): Record<string, unknown>[] {
  const rest = <T>(f: (p: Forecast['points'][number]) => T) => forecast.points.map((p, h) => (h >= fromHour ? f(p) : null));
  const stack = 'usual-day-band';
  return [
    { type: 'line', name: '常日下限', stack, data: rest((p) => p.low), showSymbol: false, silent: true, lineStyle: { opacity: 0 }, z: 1 },
    {
      type: 'line',
      name: '常日区间',
      stack,
      data: rest((p) => Math.max(0, p.high - p.low)),
      showSymbol: false,
      silent: true,
      lineStyle: { opacity: 0 },
      areaStyle: { color: 'rgba(245, 196, 81, 0.28)' },
      z: 1,
    },
    {
      type: 'line',
      name: '常日预期',
      data: rest((p) => p.expected),
      showSymbol: false,
      lineStyle: { width: lineWidth, type: 'dashed', color: USUAL_DAY_COLOR },
      itemStyle: { color: USUAL_DAY_COLOR },
      z: 3,
    },
  ];
}
