/**
 * Trading of the public resource trading center by category, month to date and year to date as
 * of a day: the days of the month from their day totals (exact up to that day), the earlier
 * months of the year from the monthly totals. Trades count in centers and the city only, so a
 * department or window scope reads its center.
 */
import type { Scope } from '../../../common/catalog.ts';
import type { CockpitTrading, TradeCategoryFigures } from '../../../common/cockpit.ts';
import { TRADE_CATEGORIES } from '../../../common/events.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../../common/time.ts';
import type { CatalogIndex } from '../../catalog/load-catalog.ts';
import type { RedisClient } from '../../redis/connect.ts';
import type { RedisKeys } from '../../redis/keys.ts';
import { tradeCategoryFen, yuanOfFen, type Counters } from '../figures.ts';
import { pipelineValues } from './pipeline-values.ts';
import { placeOf } from './scope-tree.ts';

interface Fen {
  count: number;
  fen: number;
}

export async function readTrading(redis: RedisClient, keys: RedisKeys, catalog: CatalogIndex, scope: Scope, day: number): Promise<CockpitTrading> {
  const area = placeOf(scope, catalog).areaScope;
  const date = dateOfDayIndex(day);
  const [year, month] = date.split('-') as [string, string];
  const firstOfMonth = dayIndexOfDate(`${year}-${month}-01`);
  const earlierMonths = Array.from({ length: Number(month) - 1 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

  const p = redis.pipeline();
  for (let d = firstOfMonth; d <= day; d++) p.hgetall(keys.day(area, d));
  for (const m of earlierMonths) p.hgetall(keys.month(area, m));
  const values = (await pipelineValues(p)) as Counters[];
  const days = values.slice(0, day - firstOfMonth + 1);
  const months = values.slice(day - firstOfMonth + 1);

  const monthFen = sumByCategory(days);
  const yearFen = sumByCategory(months, monthFen);
  return {
    scope: area,
    date,
    month: { from: `${year}-${month}-01`, to: date, ...inYuan(monthFen) },
    year: { from: `${year}-01-01`, to: date, ...inYuan(yearFen) },
  };
}

function sumByCategory(hashes: Counters[], start?: Map<string, Fen>): Map<string, Fen> {
  const out = new Map<string, Fen>(TRADE_CATEGORIES.map((cat) => [cat, { ...(start?.get(cat) ?? { count: 0, fen: 0 }) }]));
  for (const h of hashes) {
    for (const cat of TRADE_CATEGORIES) {
      const f = out.get(cat)!;
      const inHash = tradeCategoryFen(h, cat);
      f.count += inHash.count;
      f.fen += inHash.fen;
    }
  }
  return out;
}

function inYuan(byFen: Map<string, Fen>): { count: number; amount: number; byCategory: Record<string, TradeCategoryFigures> } {
  const byCategory: Record<string, TradeCategoryFigures> = {};
  let count = 0;
  let fen = 0;
  for (const [cat, f] of byFen) {
    byCategory[cat] = { count: f.count, amount: yuanOfFen(f.fen) };
    count += f.count;
    fen += f.fen;
  }
  return { count, amount: yuanOfFen(fen), byCategory };
}
