/**
 * The usual day (常日): what a scope is expected to see each hour of a date, learned from the
 * days of the same kind (docs/forecast.md). `GET /api/v1/forecast` answers it; the cockpit draws
 * it under today's hourly curve.
 */
import type { DayKind } from './day-kinds.ts';
import type { Scope } from './catalog.ts';

/** What can be forecast: tickets issued or cases accepted, per hour. */
export const FORECAST_METRICS = ['tickets', 'cases'] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

export interface ForecastPoint {
  /** The hour's start, ISO 8601 with +08:00. */
  t: string;
  /** Expected count in the hour. */
  expected: number;
  /** The band: what a day of this kind usually stays within (see `basis.band`). */
  low: number;
  high: number;
}

export interface ForecastBasis {
  /** The date's kind of day (common/calendar.ts `dayKindOf`). */
  kind: DayKind;
  /** The kind whose days were learned from: the date's own, or a wider one when it had too few days. */
  learnedFrom: DayKind | 'workday';
  /** The past dates learned from, newest first. */
  dates: string[];
  /** How many (dates.length). */
  count: number;
  /** The level the shape was scaled to: median daily total of ordinary weekdays in the weeks before the date (null: no history). */
  level: number | null;
  /** How the band is drawn. */
  band: string;
}

export interface Forecast {
  scope: Scope;
  date: string;
  metric: ForecastMetric;
  /** 24 points, one per hour of the date. */
  points: ForecastPoint[];
  basis: ForecastBasis;
}
