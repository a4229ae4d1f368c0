/**
 * The 日报 and 月报 (docs/reports.md) of the city, a center or a department as JSON: the period's
 * figures with 环比/同比 (period-figures.ts), KPIs against the cockpit's targets, rankings of the
 * scope's departments and windows over the period, 好差评 by level, overdue cases, alerts raised
 * and handled, bad reviews and their follow-ups, trading and fees. The Excel and PDF files are
 * rendered from this object only, so they show the same numbers.
 */
import type { Alert } from '../../common/alerts.ts';
import type { Scope } from '../../common/catalog.ts';
import type { CockpitConfig } from '../../common/cockpit.ts';
import { ratio, satisfactionRate } from '../../common/figures.ts';
import { periodOf, previousPeriod, yearBeforePeriod, type Period } from '../../common/periods.ts';
import { RATING_LEVELS, type Report, type ReportKind, type ReportRankingEntry } from '../../common/report.ts';
import { TRADE_CATEGORIES } from '../../common/events.ts';
import { dayIndexOf, startOfDayMs, toShanghaiIso } from '../../common/time.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import { placeOf } from '../read/cockpit/scope-tree.ts';
import { num } from '../read/figures.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS as C } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { reviewKeys } from '../reviews/follow-ups.ts';
import type { ReviewFollowUp } from '../../common/reviews.ts';
import { changesOf, daysSoFar, figuresOfCounters, readPeriodCounters } from './period-figures.ts';
import { TRADE_CATEGORY_NAMES } from '../../common/trade-categories.ts';

export interface ReportDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  now: () => number;
  /** The current cockpit settings (targets, the ranking threshold). */
  config: () => CockpitConfig;
}

/** Entries in each ranking. */
export const RANKING_LIMIT = 10;
/** Alerts read for one report at most (a month of a busy city holds a few thousand). */
const ALERT_SCAN_LIMIT = 50_000;

/** The fields the rankings read of each department's and window's day hash. */
const RANKING_FIELDS = [C.completed, C.completedOverdue, C.ratings, C.badRatings, C.finished] as const;

export function scopeNameOf(scope: Scope, catalog: CatalogIndex): string {
  if (scope === 'city') return `${(catalog.catalog.centers.find((c) => c.level === 'city')?.name ?? '').replace('政务服务中心', '')}（全市）`;
  const [kind, code = ''] = scope.split(':', 2) as [string, string];
  if (kind === 'center') return catalog.centers.get(code)?.name ?? code;
  if (kind === 'dept') return catalog.departments.get(code)?.name ?? code;
  return catalog.windows.get(code)?.name ?? code;
}

/** The period of a report: a daily report's day, a monthly report's month (by its first day). */
export const reportPeriod = (kind: ReportKind, day: number): Period => periodOf(kind === 'daily' ? 'day' : 'month', day);

export async function buildReport(d: ReportDeps, kind: ReportKind, scope: Scope, day: number): Promise<Report> {
  const now = d.now();
  const today = dayIndexOf(now);
  const period = reportPeriod(kind, day);
  const previous = previousPeriod(period);
  const yearBefore = yearBeforePeriod(period);
  const config = d.config();

  const [own, prev, yb] = (await Promise.all([period, previous, yearBefore].map((p) => readPeriodCounters(d.redis, d.keys, [scope], p, today)))).map(
    (sums) => sums[0]!,
  );
  const days = daysSoFar(period, today).length;
  const figures = figuresOfCounters(own!, days);
  const change = changesOf(figures, figuresOfCounters(prev!, daysSoFar(previous, today).length), figuresOfCounters(yb!, daysSoFar(yearBefore, today).length));

  const [rankings, alerts, followUps, openOverdueNow] = await Promise.all([
    readRankings(d, scope, period, today, config.rankings.minRatingsForSatisfaction),
    readAlerts(d, scope, period),
    readFollowUps(d, scope, period, today),
    d.redis.zcount(d.keys.openCases(scope), '-inf', `(${now}`),
  ]);

  const targets = config.targets;
  const kpi = (key: string, name: string, value: number | null, target: number) => ({ key, name, value, target, met: value === null ? null : value >= target });
  const portalDaily = days > 0 ? Math.round(figures.portal.pv / days) : null;

  return {
    kind,
    scope,
    scopeName: scopeNameOf(scope, d.catalog),
    period,
    generatedAt: toShanghaiIso(now),
    figures,
    change,
    previous: { period: previous },
    yearBefore: { period: yearBefore },
    kpis: [
      kpi('cases.onTimeRate', '按时办结率', figures.cases.onTimeRate, targets.onTimeRate),
      kpi('cases.earlyRate', '提前办结率', figures.cases.earlyRate, targets.earlyRate),
      kpi('ratings.satisfactionRate', '满意率', figures.ratings.satisfactionRate, targets.satisfactionRate),
      ...(scope === 'city' ? [kpi('portal.dailyAverage', '门户日均访问量', portalDaily, targets.portalDailyAverage)] : []),
    ],
    rankings,
    ratingLevels: RATING_LEVELS.map(({ score, name }) => {
      const count = figures.ratings.byScore[String(score) as '1' | '2' | '3' | '4' | '5'];
      return { score, name, count, share: ratio(count, figures.ratings.total) };
    }),
    overdue: { completedOverdue: figures.cases.completedOverdue, openOverdueNow },
    alerts: { raised: figures.alerts.raised, raisedYellow: figures.alerts.raisedYellow, raisedRed: figures.alerts.raisedRed, ...alerts },
    reviews: { ...figures.reviews, followUps },
    trading: {
      count: figures.trades.count,
      amount: figures.trades.amount,
      byCategory: TRADE_CATEGORIES.map((category) => ({
        category,
        name: TRADE_CATEGORY_NAMES[category].full,
        count: figures.trades.byCategory[category]?.count ?? 0,
        amount: figures.trades.byCategory[category]?.amount ?? 0,
      })),
    },
    fees: figures.fees,
  };
}

async function readRankings(d: ReportDeps, scope: Scope, period: Period, today: number, minRatings: number): Promise<Report['rankings']> {
  const place = placeOf(scope, d.catalog);
  const deptScopes = place.departments.map((x) => `dept:${x.code}` as Scope);
  const windowScopes = place.windows.map((x) => `window:${x.code}` as Scope);
  const sums = await readPeriodCounters(d.redis, d.keys, [...deptScopes, ...windowScopes], period, today, RANKING_FIELDS);
  // a city ranks the departments of eight centers, several of one name (税务局): say whose
  const short = (center: string) => (place.center === null ? `（${d.catalog.centers.get(center)?.short ?? center}）` : '');
  const depts = place.departments.map((x, i) => ({ scope: deptScopes[i]!, code: x.code, name: `${x.name}${short(x.center)}`, c: sums[i]! }));
  const windows = place.windows.map((x, i) => ({
    scope: windowScopes[i]!,
    code: x.code,
    name: `${x.name}（${place.center === null ? `${d.catalog.centers.get(x.center)?.short ?? x.center} ` : ''}${d.catalog.departments.get(x.dept)?.name ?? x.dept}）`,
    c: sums[deptScopes.length + i]!,
  }));
  type Row = (typeof depts)[number];
  const entry = (r: Row, value: number, basis?: number): ReportRankingEntry => ({
    scope: r.scope,
    code: r.code,
    name: r.name,
    value,
    ...(basis !== undefined ? { basis } : {}),
  });
  const top = (entries: ReportRankingEntry[], order: 'desc' | 'asc') =>
    entries.sort((a, b) => (order === 'desc' ? b.value - a.value : a.value - b.value) || a.code.localeCompare(b.code)).slice(0, RANKING_LIMIT);
  return {
    departmentsByCompleted: top(
      depts.filter((r) => num(r.c, C.completed) > 0).map((r) => entry(r, num(r.c, C.completed))),
      'desc',
    ),
    departmentsBySatisfaction: top(
      depts
        .filter((r) => num(r.c, C.ratings) >= minRatings && num(r.c, C.ratings) > 0)
        .map((r) => entry(r, satisfactionRate(num(r.c, C.ratings), num(r.c, C.badRatings))!, num(r.c, C.ratings))),
      'asc',
    ),
    departmentsByOverdue: top(
      depts.filter((r) => num(r.c, C.completedOverdue) > 0).map((r) => entry(r, num(r.c, C.completedOverdue))),
      'desc',
    ),
    departmentsByBadReviews: top(
      depts.filter((r) => num(r.c, C.badRatings) > 0).map((r) => entry(r, num(r.c, C.badRatings), num(r.c, C.ratings))),
      'desc',
    ),
    windowsByFinished: top(
      windows.filter((r) => num(r.c, C.finished) > 0).map((r) => entry(r, num(r.c, C.finished))),
      'desc',
    ),
  };
}

/** The scope's alerts opened in the period, and what became of them by now. */
async function readAlerts(d: ReportDeps, scope: Scope, period: Period): Promise<Omit<Report['alerts'], 'raised' | 'raisedYellow' | 'raisedRed'>> {
  const ids = await d.redis.zrangebyscore(d.keys.alertsAll, startOfDayMs(period.from), `(${startOfDayMs(period.to + 1)}`, 'LIMIT', 0, ALERT_SCAN_LIMIT);
  const out = { handled: 0, resolved: 0, closed: 0, unresolved: 0, byRule: {} as Record<string, number> };
  for (let i = 0; i < ids.length; i += 500) {
    const jsons = await d.redis.mget(...ids.slice(i, i + 500).map(d.keys.alert));
    for (const j of jsons) {
      if (j === null) continue;
      const a = JSON.parse(j) as Alert;
      if (!Array.isArray(a.scopes) || !a.scopes.includes(scope)) continue;
      if (a.state === 'resolved') out.resolved++;
      else if (a.state === 'closed') out.closed++;
      else out.unresolved++;
      out.byRule[a.rule] = (out.byRule[a.rule] ?? 0) + 1;
    }
  }
  out.handled = out.resolved + out.closed;
  return out;
}

/** The follow-ups of the period's bad reviews in the scope, oldest first. */
async function readFollowUps(d: ReportDeps, scope: Scope, period: Period, today: number): Promise<Report['reviews']['followUps']> {
  const rk = reviewKeys(d.keys.prefix);
  const out: Report['reviews']['followUps'] = [];
  const place = scope === 'city' ? null : scope.split(':', 2);
  for (const day of daysSoFar(period, today)) {
    const ids = await d.redis.zrange(rk.ofDay(day), 0, -1);
    if (ids.length === 0) continue;
    for (const j of await d.redis.mget(...ids.map(rk.followUp))) {
      if (j === null) continue;
      const f = JSON.parse(j) as ReviewFollowUp;
      const inScope =
        place === null ||
        (place[0] === 'center' && f.center === place[1]) ||
        (place[0] === 'dept' && f.dept === place[1]) ||
        (place[0] === 'window' && f.window === place[1]);
      if (!inScope) continue;
      out.push({ review: f.review, reviewDay: f.reviewDay, dept: f.dept, window: f.window, score: f.score, result: f.result, inTime: f.inTime, by: f.by });
    }
  }
  return out;
}
