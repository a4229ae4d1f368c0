/**
 * Rankings of one day under a scope (see scope-tree.ts): departments by completed cases, overdue
 * cases, satisfaction (lowest first, among departments with enough ratings), average wait and bad
 * reviews; windows by throughput. Every figure comes from figures.ts and the snapshot's window
 * state, so a ranked number equals that department's or window's snapshot.
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitRankings, RankingEntry } from '../../../common/cockpit.ts';
import { dateOfDayIndex, dayIndexOf, toShanghaiIso } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { caseFigures, ratingFigures, ticketFigures, type Counters } from '../figures.ts';
import { windowState } from '../snapshot.ts';
import { pipelineValues } from './pipeline-values.ts';
import { placeOf } from './scope-tree.ts';

export interface RankingOptions {
  limit: number;
  minRatingsForSatisfaction: number;
}

export async function readRankings(
  redis: RedisClient,
  keys: RedisKeys,
  catalog: CatalogIndex,
  scope: Scope,
  day: number,
  now: number,
  opts: RankingOptions,
): Promise<CockpitRankings> {
  const place = placeOf(scope, catalog);
  const isToday = day === dayIndexOf(now);
  const centerShort = new Map(catalog.catalog.centers.map((c) => [c.code, c.level === 'city' ? '' : c.short]));

  const p = redis.pipeline();
  for (const d of place.departments) {
    p.hgetall(keys.day(`dept:${d.code}`, day));
    p.zcount(keys.openCases(`dept:${d.code}`), '-inf', `(${now}`);
  }
  for (const w of place.windows) {
    p.hgetall(keys.day(`window:${w.code}`, day));
    p.hgetall(keys.window(w.code));
  }
  const values = await pipelineValues(p);

  const depts = place.departments.map((d, i) => {
    const c = values[i * 2] as Counters;
    const cases = caseFigures(c, 0, isToday ? Number(values[i * 2 + 1]) : 0);
    const entry = (value: number, basis?: number): RankingEntry => ({
      scope: `dept:${d.code}`,
      code: d.code,
      name: d.name,
      center: centerShort.get(d.center) ?? '',
      value,
      ...(basis !== undefined ? { basis } : {}),
    });
    const ratings = ratingFigures(c);
    const tickets = ticketFigures(c);
    return { cases, ratings, tickets, entry };
  });
  const offset = place.departments.length * 2;
  const windows = place.windows.map((w, i) => {
    const state = windowState(values[offset + i * 2 + 1] as Counters, values[offset + i * 2] as Counters, isToday, day, now);
    const entry: RankingEntry = {
      scope: `window:${w.code}`,
      code: w.code,
      name: w.name,
      center: centerShort.get(w.center) ?? '',
      value: state.throughputPerHour ?? 0,
      detail: catalog.departments.get(w.dept)?.name ?? w.dept,
    };
    return { entry, throughput: state.throughputPerHour };
  });

  const top = (entries: RankingEntry[], order: 'desc' | 'asc') =>
    entries.sort((a, b) => (order === 'desc' ? b.value - a.value : a.value - b.value) || a.code.localeCompare(b.code)).slice(0, opts.limit);

  return {
    scope,
    date: dateOfDayIndex(day),
    asOf: toShanghaiIso(now),
    departments: {
      byCompleted: top(
        depts.filter((d) => d.cases.completed > 0).map((d) => d.entry(d.cases.completed)),
        'desc',
      ),
      byOverdue: top(
        depts.filter((d) => d.cases.overdue > 0).map((d) => d.entry(d.cases.overdue)),
        'desc',
      ),
      bySatisfaction: top(
        depts
          .filter((d) => d.ratings.satisfactionRate !== null && d.ratings.total >= opts.minRatingsForSatisfaction)
          .map((d) => d.entry(d.ratings.satisfactionRate!, d.ratings.total)),
        'asc',
      ),
      byAvgWait: top(
        depts.filter((d) => d.tickets.avgWaitSec !== null).map((d) => d.entry(d.tickets.avgWaitSec!, d.tickets.called)),
        'desc',
      ),
      byBadReviews: top(
        depts.filter((d) => d.ratings.bad > 0).map((d) => d.entry(d.ratings.bad, d.ratings.total)),
        'desc',
      ),
    },
    windows: {
      byThroughput: top(
        windows.filter((w) => w.throughput !== null).map((w) => w.entry),
        'desc',
      ),
    },
  };
}
