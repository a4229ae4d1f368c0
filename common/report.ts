/**
 * The figures of a period (a day, week, month, quarter, year: common/periods.ts) and the 日报 / 月报
 * built on them (docs/reports.md). A period's rates are computed from the period's summed counts
 * with common/figures.ts, never as a mean of daily rates. Shared by the hub and the screens.
 */
import type { Period } from './periods.ts';

/** The five rating levels, best first, with their official names (好差评). */
export const RATING_LEVELS = [
  { score: 5, name: '非常满意' },
  { score: 4, name: '满意' },
  { score: 3, name: '基本满意' },
  { score: 2, name: '不满意' },
  { score: 1, name: '非常不满意' },
] as const;

export interface PeriodFigures {
  /** Days counted: the period's days up to today (an ongoing period counts so far). */
  days: number;
  cases: {
    accepted: number;
    completed: number;
    completedEarly: number;
    completedOnTime: number;
    /** Completed after their due date within the period. */
    completedOverdue: number;
    returned: number;
    earlyRate: number | null;
    onTimeRate: number | null;
  };
  tickets: {
    issued: number;
    called: number;
    finished: number;
    noShow: number;
    noShowRate: number | null;
    avgWaitSec: number | null;
    /** From the period's summed wait histogram (one-minute buckets), not from daily p90s. */
    p90WaitSec: number | null;
    avgServiceSec: number | null;
  };
  ratings: {
    total: number;
    /** Count per score, 1 … 5. */
    byScore: Record<'1' | '2' | '3' | '4' | '5', number>;
    bad: number;
    satisfactionRate: number | null;
  };
  /** 差评整改 of the period's bad reviews. */
  reviews: { bad: number; followedUp: number; inTime: number; reratedSatisfied: number; rectificationRate: number | null };
  complaints: { filed: number; closed: number };
  portal: { pv: number };
  /** Amounts in yuan. */
  trades: { count: number; amount: number; byCategory: Record<string, { count: number; amount: number }> };
  fees: { count: number; amount: number };
  alerts: { raised: number; raisedYellow: number; raisedRed: number };
}

/**
 * The change of each compared figure: `relative` for counts, amounts and durations ((now − then) /
 * then), `points` for rates (now − then, as a fraction: 0.012 is 1.2 个百分点); null when either side
 * has no value or a relative change has nothing to divide by.
 */
export interface FigureChange {
  value: number | null;
  previous: number | null;
  yearBefore: number | null;
  kind: 'relative' | 'points';
  mom: number | null;
  yoy: number | null;
}

export interface PeriodAnswer {
  scope: string;
  period: Period;
  asOf: string;
  figures: PeriodFigures;
  previous: { period: Period; figures: PeriodFigures };
  yearBefore: { period: Period; figures: PeriodFigures };
  /** Keyed by the figure's path, e.g. `ratings.satisfactionRate` (COMPARED_FIGURES). */
  change: Record<string, FigureChange>;
}

/** The figures compared period on period, with their zh-CN names. */
export const COMPARED_FIGURES = [
  { key: 'cases.accepted', name: '受理件数', kind: 'relative' },
  { key: 'cases.completed', name: '办结件数', kind: 'relative' },
  { key: 'cases.onTimeRate', name: '按时办结率', kind: 'points' },
  { key: 'cases.earlyRate', name: '提前办结率', kind: 'points' },
  { key: 'cases.completedOverdue', name: '超期办结件数', kind: 'relative' },
  { key: 'tickets.issued', name: '取号人数', kind: 'relative' },
  { key: 'tickets.avgWaitSec', name: '平均等候时长(秒)', kind: 'relative' },
  { key: 'tickets.p90WaitSec', name: '90%等候时长(秒)', kind: 'relative' },
  { key: 'tickets.avgServiceSec', name: '平均办理时长(秒)', kind: 'relative' },
  { key: 'tickets.noShowRate', name: '过号率', kind: 'points' },
  { key: 'ratings.total', name: '评价数', kind: 'relative' },
  { key: 'ratings.satisfactionRate', name: '满意率', kind: 'points' },
  { key: 'ratings.bad', name: '差评数', kind: 'relative' },
  { key: 'reviews.rectificationRate', name: '整改率', kind: 'points' },
  { key: 'portal.pv', name: '门户访问量', kind: 'relative' },
  { key: 'trades.count', name: '交易宗数', kind: 'relative' },
  { key: 'trades.amount', name: '交易金额(元)', kind: 'relative' },
  { key: 'fees.count', name: '收费笔数', kind: 'relative' },
  { key: 'fees.amount', name: '收费金额(元)', kind: 'relative' },
  { key: 'alerts.raised', name: '预警数', kind: 'relative' },
] as const satisfies readonly { key: string; name: string; kind: FigureChange['kind'] }[];

export type ReportKind = 'daily' | 'monthly';

export interface ReportKpi {
  key: string;
  name: string;
  value: number | null;
  target: number;
  /** Whether the value reaches the target; null without a value. */
  met: boolean | null;
}

export interface ReportRankingEntry {
  scope: string;
  code: string;
  name: string;
  value: number;
  /** What the value rests on (ratings for a satisfaction rate, tickets called for a wait). */
  basis?: number;
}

export interface Report {
  kind: ReportKind;
  scope: string;
  scopeName: string;
  period: Period;
  generatedAt: string;
  figures: PeriodFigures;
  /** 环比 and 同比 of the compared figures. */
  change: Record<string, FigureChange>;
  previous: { period: Period };
  yearBefore: { period: Period };
  kpis: ReportKpi[];
  rankings: {
    departmentsByCompleted: ReportRankingEntry[];
    /** Lowest first, among departments with enough ratings. */
    departmentsBySatisfaction: ReportRankingEntry[];
    departmentsByOverdue: ReportRankingEntry[];
    departmentsByBadReviews: ReportRankingEntry[];
    windowsByFinished: ReportRankingEntry[];
  };
  /** 好差评: best first, every level even when 0. */
  ratingLevels: { score: number; name: string; count: number; share: number | null }[];
  overdue: { completedOverdue: number; openOverdueNow: number };
  alerts: {
    raised: number;
    raisedYellow: number;
    raisedRed: number;
    handled: number;
    resolved: number;
    closed: number;
    unresolved: number;
    byRule: Record<string, number>;
  };
  reviews: PeriodFigures['reviews'] & {
    followUps: {
      review: string;
      reviewDay: string;
      dept: string | null;
      window: string | null;
      score: number | null;
      result: string;
      inTime: boolean;
      by: string;
    }[];
  };
  trading: { count: number; amount: number; byCategory: { category: string; name: string; count: number; amount: number }[] };
  fees: PeriodFigures['fees'];
}

/** A kept report (`GET /api/v1/reports`). */
export interface KeptReport {
  id: string;
  kind: ReportKind;
  scope: string;
  /** `YYYY-MM-DD` of a daily report, `YYYY-MM` of a monthly one. */
  of: string;
  generatedAt: string;
  /** Where to fetch it again. */
  links: { json: string; xlsx: string; pdf: string };
  /** A scheduled report's messages through the notification channels, once sent or given up (docs/reports.md, "Sending"). */
  sent?: ReportSending[];
}

/** One message of a kept report: one channel, the contacts it was for, and how it went. */
export interface ReportSending {
  channel: string;
  contacts: string[];
  ok: boolean;
  attempts: number;
  /** When the last attempt ended (ISO). */
  at: string;
  /** The receiver's answer or the error, when it failed. */
  detail?: string;
}
