/** The city center and the district centers side by side on one day, from their day totals. */
import type { DistrictComparison, DistrictRow } from '../../../common/cockpit.ts';
import { dateOfDayIndex, dayIndexOf, toShanghaiIso } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { caseFigures, ratingFigures, ticketFigures, type Counters } from '../figures.ts';
import { pipelineValues } from './pipeline-values.ts';

export async function readDistrictComparison(
  redis: RedisClient,
  keys: RedisKeys,
  catalog: CatalogIndex,
  day: number,
  now: number,
): Promise<DistrictComparison> {
  const centers = catalog.catalog.centers;
  const isToday = day === dayIndexOf(now);
  const p = redis.pipeline();
  for (const c of centers) {
    p.hgetall(keys.day(`center:${c.code}`, day));
    // open cases past their deadline count as overdue today (the snapshot's definition)
    p.zcount(keys.openCases(`center:${c.code}`), '-inf', `(${now}`);
  }
  const values = await pipelineValues(p);
  const rows: DistrictRow[] = centers.map((c, i) => {
    const counters = values[i * 2] as Counters;
    const cases = caseFigures(counters, 0, isToday ? Number(values[i * 2 + 1]) : 0);
    const ratings = ratingFigures(counters);
    const tickets = ticketFigures(counters);
    return {
      center: c.code,
      name: c.name,
      short: c.short,
      level: c.level,
      accepted: cases.accepted,
      completed: cases.completed,
      overdue: cases.overdue,
      onTimeRate: cases.onTimeRate,
      earlyRate: cases.earlyRate,
      satisfactionRate: ratings.satisfactionRate,
      ratings: ratings.total,
      waiting: tickets.waiting,
      avgWaitSec: tickets.avgWaitSec,
    };
  });
  return { date: dateOfDayIndex(day), asOf: toShanghaiIso(now), centers: rows };
}
