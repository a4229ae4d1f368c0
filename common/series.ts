/** The answer of GET /api/v1/series (docs/api.md): one metric of one scope over time. */
import type { Interval } from './api-queries.ts';
import type { Scope } from './catalog.ts';

/** `t`: the start of the minute, hour or day, Asia/Shanghai ISO 8601; `v`: null where a rate has no base. */
export interface SeriesPoint {
  t: string;
  v: number | null;
}

export interface Series {
  metric: string;
  scope: Scope;
  interval: Interval;
  from: string;
  to: string;
  points: SeriesPoint[];
}
