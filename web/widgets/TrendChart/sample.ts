import type { TrendPoint } from './trend-option.ts';

const start = Date.parse('2026-11-27T08:30:00+08:00');
export const trendSample: TrendPoint[] = Array.from({ length: 60 }, (_, i) => ({ at: start + i * 60_000, value: Math.round(30 + 20 * Math.sin(i / 8)) }));
