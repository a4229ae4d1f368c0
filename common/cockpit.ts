/**
 * Answers of the cockpit's read APIs (`/api/v1/cockpit/*`, docs/cockpit.md), shared by the hub
 * and the cockpit screen. Rates are fractions in [0, 1], null when the denominator is 0; money is
 * in yuan.
 */
import type { Scope } from './catalog.ts';
import type { Forecast } from './forecast.ts';
import type { ReviewFigures } from './reviews.ts';
import type { Series } from './series.ts';
import type { Snapshot } from './snapshot.ts';

export interface CoverageFigure {
  label: string;
  total: number;
  covered: number;
}

export interface CockpitTargets {
  /** 提前办结率 must be above this. */
  earlyRate: number;
  /** 按时办结率 must be above this. */
  onTimeRate: number;
  /** 满意率 must be above this. */
  satisfactionRate: number;
  /** 有效投诉 (upheld complaints) allowed: zero. */
  upheldComplaints: number;
  /** Portal visits (PV) per day on average, and the peak day. */
  portalDailyAverage: number;
  portalPeak: number;
}

/** GET /api/v1/cockpit/config */
export interface CockpitConfig {
  coverage: { township: CoverageFigure; community: CoverageFigure };
  targets: CockpitTargets;
  rankings: { minRatingsForSatisfaction: number };
}

/** One center in GET /api/v1/cockpit/districts */
export interface DistrictRow {
  center: string;
  name: string;
  short: string;
  level: 'city' | 'district';
  accepted: number;
  completed: number;
  overdue: number;
  onTimeRate: number | null;
  earlyRate: number | null;
  satisfactionRate: number | null;
  ratings: number;
  waiting: number;
  avgWaitSec: number | null;
}
export interface DistrictComparison {
  date: string;
  asOf: string;
  centers: DistrictRow[];
}

/** One row of a ranking: `value` is what it is ranked by; the other figures give context. */
export interface RankingEntry {
  scope: Scope;
  code: string;
  name: string;
  /** Short name of the center, for departments and windows outside the city center. */
  center: string;
  value: number;
  /** Denominator behind a rate (ratings for satisfaction, tickets for wait), when there is one. */
  basis?: number;
  /** For a window: the name of its department. */
  detail?: string;
}

/** GET /api/v1/cockpit/rankings */
export interface CockpitRankings {
  scope: Scope;
  date: string;
  asOf: string;
  /** What the lists rank: the departments and windows inside (or beside, for a window) the scope. */
  departments: {
    byCompleted: RankingEntry[];
    byOverdue: RankingEntry[];
    /** Lowest first: where citizens are least satisfied (departments with enough ratings). */
    bySatisfaction: RankingEntry[];
    /** Longest average wait first. */
    byAvgWait: RankingEntry[];
    byBadReviews: RankingEntry[];
  };
  windows: { byThroughput: RankingEntry[] };
}

export interface TradeCategoryFigures {
  count: number;
  amount: number;
}

/** GET /api/v1/cockpit/trading */
export interface CockpitTrading {
  /** The scope the figures are for: trades count in centers and the city only. */
  scope: Scope;
  date: string;
  month: { from: string; to: string; count: number; amount: number; byCategory: Record<string, TradeCategoryFigures> };
  year: { from: string; to: string; count: number; amount: number; byCategory: Record<string, TradeCategoryFigures> };
}

/** Counts of a scope up to a clock time of a day. */
export interface CountsUntil {
  accepted: number;
  completed: number;
  ratings: number;
  bad: number;
  satisfactionRate: number | null;
  pv: number;
  ticketsIssued: number;
}

/** GET /api/v1/cockpit/compare: the day before, to compare each tile with. */
export interface CockpitComparison {
  scope: Scope;
  date: string;
  /** The day compared with (the day before `date`). */
  previousDate: string;
  /** Clock time (HH:mm, Asia/Shanghai) up to which the previous day is counted; 24:00 for a whole day. */
  until: string;
  /** The previous day up to the same clock time (from the hour and minute buckets). */
  sameTime: CountsUntil;
  /** The previous day as a whole, for figures kept per day only (rates of completed cases, complaints). */
  wholeDay: {
    earlyRate: number | null;
    onTimeRate: number | null;
    complaints: number;
    overdue: number;
  };
}

/** The seven series the cockpit's charts draw (see `CockpitOverview`). */
export interface CockpitSeries {
  /** By hour, the day before and the day (cases.accepted, cases.completed). */
  hourAccepted: Series;
  hourCompleted: Series;
  /** By day, the 30 days up to the day. */
  dayCompleted: Series;
  dayAccepted: Series;
  dayOnTime: Series;
  daySatisfaction: Series;
  /** portal.pv of the area scope: by minute for today, by hour for a past day. */
  pv: Series;
}

/**
 * GET /api/v1/cockpit/overview?scope=&date=: everything the cockpit's first screen shows, in one
 * answer (docs/cockpit.md), each part equal to its own route's answer for the same scope and day.
 */
export interface CockpitOverview {
  scope: Scope;
  date: string;
  /** GET /api/v1/snapshot of the scope. */
  snapshot: Snapshot;
  /** The city or center the scope lies in (portal and trading count there); null when it is the scope itself. */
  areaScope: Scope;
  areaSnapshot: Snapshot | null;
  config: CockpitConfig;
  comparison: CockpitComparison;
  /** GET /api/v1/cockpit/rankings with limit=4 (what the board shows). */
  rankings: CockpitRankings;
  districts: DistrictComparison;
  trading: CockpitTrading;
  /** The day's bad-review follow-up figures (整改率); null when they cannot be read or the hub keeps none. */
  reviews: ReviewFigures | null;
  series: CockpitSeries;
  /**
   * GET /api/v1/forecast?metric=cases of the scope for the day (the hourly chart's usual day, 常日):
   * today only; null for a past day or when it cannot be read.
   */
  usualDay: Forecast | null;
  /** The names of the center, department and window the scope lies in: the breadcrumb needs no catalog. */
  path: ScopePath;
}

/** Where a scope lies, named: null for a level above it (the city has none, a center only `center`). */
export interface ScopePath {
  center: { code: string; short: string } | null;
  dept: { code: string; name: string } | null;
  window: { code: string; name: string } | null;
}
