/**
 * The cockpit's first screen in one answer (GET /api/v1/cockpit/overview, docs/cockpit.md): the
 * snapshot of the scope and of its area, the settings, the day-before comparison, the rankings,
 * the district comparison, trading, the bad-review figures and the seven series the charts draw.
 * Before it the board made 16 requests before it painted; each part here is read by the same
 * function as its own route, so the two always agree.
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitConfig, CockpitOverview } from '../../../common/cockpit.ts';
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
}

export async function readCockpitOverview(d: OverviewDeps, scope: Scope, day: number, now: number): Promise<CockpitOverview> {
  const { redis, keys, catalog } = d;
  const areaScope = placeOf(scope, catalog).areaScope;
  const series = (metric: string, interval: 'minute' | 'hour' | 'day', fromDay: number, s: Scope = scope) =>
    readSeries(redis, keys, { metric, scope: s, interval, fromDay, toDay: day });
  const isToday = day === dayIndexOf(now);
  const [snapshot, areaSnapshot, comparison, rankings, districts, trading, reviews, ...sr] = await Promise.all([
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
  };
}
