/**
 * The figures that join a visit, its case and its rating (docs/metrics.md, "Visits and their
 * cases"), and a member of staff's ("Staff"): from the day hash of a scope, each counter read by its
 * name in server/redis/counter-fields.ts, the arithmetic from common/figures.ts.
 */
import type { Scope } from '../../common/catalog.ts';
import { meanSec, returnRate, satisfactionRate, unjoinedRatings } from '../../common/figures.ts';
import { dateOfDayIndex } from '../../common/time.ts';
import type { ItemRatings, ItemReturns, StaffFigures, VisitFiguresAnswer } from '../../common/visit-figures.ts';
import type { CatalogIndex } from '../catalog/load-catalog.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS as C, COUNTER_FAMILIES as F } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { fieldsWithPrefix, num, ratingFigures, ticketFigures, type Counters } from './figures.ts';

export function visitFigures(c: Counters, scope: Scope, day: number, catalog: CatalogIndex): VisitFiguresAnswer {
  const itemName = (code: string) => catalog.items.get(code)?.name ?? code;
  const rated = fieldsWithPrefix(c, F.ratedOfItem);
  const bad = fieldsWithPrefix(c, F.badOfItem);
  const ratingsByItem: ItemRatings[] = Object.entries(rated)
    .filter(([, n]) => n > 0)
    .map(([item, n]) => ({ item, name: itemName(item), ratings: n, bad: bad[item] ?? 0, satisfactionRate: satisfactionRate(n, bad[item] ?? 0) }))
    .sort((a, b) => b.ratings - a.ratings || a.item.localeCompare(b.item));
  const accepted = fieldsWithPrefix(c, F.acceptedOfItem);
  const returned = fieldsWithPrefix(c, F.returnedOfItem);
  const items = new Set([...Object.keys(accepted), ...Object.keys(returned)]);
  const returnsByItem: ItemReturns[] = [...items]
    .map((item) => {
      const a = accepted[item] ?? 0;
      const r = returned[item] ?? 0;
      return { item, name: itemName(item), accepted: a, returned: r, returnRate: returnRate(r, a) };
    })
    .filter((x) => x.accepted > 0 || x.returned > 0)
    .sort((a, b) => b.returned - a.returned || b.accepted - a.accepted || a.item.localeCompare(b.item));
  const joined = ratingsByItem.reduce((sum, x) => sum + x.ratings, 0);
  return {
    scope,
    date: dateOfDayIndex(day),
    waits: {
      endedInCase: { count: num(c, C.waitCaseCount), avgWaitSec: meanSec(num(c, C.waitCaseSumSec), num(c, C.waitCaseCount)) },
      notEndedInCase: { count: num(c, C.waitNoCaseCount), avgWaitSec: meanSec(num(c, C.waitNoCaseSumSec), num(c, C.waitNoCaseCount)) },
    },
    ratingsByItem,
    unjoinedRatings: unjoinedRatings(num(c, C.ratings), joined),
    returnsByItem,
  };
}

export async function readVisitFigures(redis: RedisClient, keys: RedisKeys, scope: Scope, day: number, catalog: CatalogIndex): Promise<VisitFiguresAnswer> {
  return visitFigures(await redis.hgetall(keys.day(scope, day)), scope, day, catalog);
}

/** The figures of members of staff of the catalog on a day, in the order given (one round trip). */
export async function readStaffFigures(redis: RedisClient, keys: RedisKeys, codes: string[], day: number, catalog: CatalogIndex): Promise<StaffFigures[]> {
  const p = redis.pipeline();
  for (const code of codes) p.hgetall(keys.day(`staff:${code}`, day));
  const results = (await p.exec()) ?? [];
  return codes.map((code, i) => {
    const [err, value] = results[i] ?? [new Error('Redis returned no pipeline result'), null];
    if (err) throw err;
    const c = value as Counters;
    const member = catalog.catalog.staff.find((s) => s.code === code);
    const tickets = ticketFigures(c);
    const ratings = ratingFigures(c);
    return {
      staff: code,
      name: member?.name ?? code,
      dept: member?.dept ?? '',
      window: member?.window ?? '',
      served: tickets.finished,
      avgServiceSec: tickets.avgServiceSec,
      ratings: ratings.total,
      bad: ratings.bad,
      satisfactionRate: satisfactionRate(ratings.total, ratings.bad),
    };
  });
}
