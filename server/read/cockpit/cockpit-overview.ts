/**
 * The cockpit's first screen in one answer (GET /api/v1/cockpit/overview, docs/cockpit.md): the
 * snapshot of the scope and of its area, the settings, the day-before comparison, the rankings,
 * the district comparison, trading, the bad-review figures, the seven series the charts draw, the
 * usual day under today's hourly curve and the names of the scope's breadcrumb.
 * Before it the board made 16 requests before it painted; each part here is read by the same
 * function as its own route, so the two always agree. With the usual day and the names in it, the
 * wall's first screen is two requests: the session check and this answer.
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitConfig, CockpitOverview, ScopePath } from '../../../common/cockpit.ts';
import type { Forecast } from '../../../common/forecast.ts';
import type { ReviewFigures } from '../../../common/reviews.ts';
import { dateOfDayIndex, dayIndexOf } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { readSeries } from '../series.ts';
import { readSnapshot } from '../snapshot.ts';
import { readDistrictComparison } from './district-comparison.ts';
import { readRankings } from './rankings.ts';
import { readComparison } from './same-time-yesterday.ts';
import { placeOf } from './scope-tree.ts';
import { readTrading } from './trading.ts';

/** The board's ranking lists show four entries each. */
export const OVERVIEW_RANKING_LIMIT = 4;

export interface OverviewDeps {
  redis: RedisClient;
  keys: RedisKeys;
  catalog: CatalogIndex;
  config: CockpitConfig;
  /** The day's bad-review figures of a scope; absent: the answer carries null. */
  reviewFigures?: (scope: Scope, day: number) => Promise<ReviewFigures>;
  /** The usual day of cases of a scope (GET /api/v1/forecast?metric=cases); absent: the answer carries null. */
  usualDay?: (scope: Scope, day: number) => Promise<Forecast>;
}

/** The names of the center, department and window a scope lies in (the breadcrumb's labels). */
export function scopePath(scope: Scope, catalog: CatalogIndex): ScopePath {
  const path: ScopePath = { center: null, dept: null, window: null };
  if (scope === 'city') return path;
  const code = scope.slice(scope.indexOf(':') + 1);
  const window = scope.startsWith('window:') ? catalog.windows.get(code) : undefined;
  if (window) path.window = { code: window.code, name: window.name };
  const dept = catalog.departments.get(scope.startsWith('dept:') ? code : (window?.dept ?? ''));
  if (dept) path.dept = { code: dept.code, name: dept.name };
  const centerCode = scope.startsWith('center:') ? code : dept?.center;
  const center = catalog.catalog.centers.find((c) => c.code === centerCode);
  if (center) path.center = { code: center.code, short: center.short };
  return path;
}

export async function readCockpitOverview(d: OverviewDeps, scope: Scope, day: number, now: number): Promise<CockpitOverview> {
  const { redis, keys, catalog } = d;
  const areaScope = placeOf(scope, catalog).areaScope;
  const series = (metric: string, interval: 'minute' | 'hour' | 'day', fromDay: number, s: Scope = scope) =>
    readSeries(redis, keys, { metric, scope: s, interval, fromDay, toDay: day });
  const isToday = day === dayIndexOf(now);
  const [snapshot, areaSnapshot, comparison, rankings, districts, trading, reviews, usualDay, ...sr] = await Promise.all([
    readSnapshot(redis, keys, scope, day, now, catalog),
    areaScope === scope ? null : readSnapshot(redis, keys, areaScope, day, now, catalog),
    readComparison(redis, keys, scope, day, now),
    readRankings(redis, keys, catalog, scope, day, now, {
      limit: OVERVIEW_RANKING_LIMIT,
      minRatingsForSatisfaction: d.config.rankings.minRatingsForSatisfaction,
    }),
    readDistrictComparison(redis, keys, catalog, day, now),
    readTrading(redis, keys, catalog, scope, day),
    // the 差评 tile keeps its plain note without them; the rest of the screen does not wait on them
    d.reviewFigures ? d.reviewFigures(scope, day).catch(() => null) : null,
    // the chart draws the usual day under today only; without it the chart stands as it is
    isToday && d.usualDay ? d.usualDay(scope, day).catch(() => null) : null,
    series('cases.accepted', 'hour', day - 1),
    series('cases.completed', 'hour', day - 1),
    series('cases.completed', 'day', day - 29),
    series('cases.accepted', 'day', day - 29),
    series('cases.onTimeRate', 'day', day - 29),
    series('ratings.satisfactionRate', 'day', day - 29),
    series('portal.pv', isToday ? 'minute' : 'hour', day, areaScope),
  ]);
  const [hourAccepted, hourCompleted, dayCompleted, dayAccepted, dayOnTime, daySatisfaction, pv] = sr;
  return {
    scope,
    date: dateOfDayIndex(day),
    snapshot,
    areaScope,
    areaSnapshot,
    config: d.config,
    comparison,
    rankings,
    districts,
    trading,
    reviews,
    series: {
      hourAccepted: hourAccepted!,
      hourCompleted: hourCompleted!,
      dayCompleted: dayCompleted!,
      dayAccepted: dayAccepted!,
      dayOnTime: dayOnTime!,
      daySatisfaction: daySatisfaction!,
      pv: pv!,
    },
    usualDay,
    path: scopePath(scope, catalog),
  };
}
