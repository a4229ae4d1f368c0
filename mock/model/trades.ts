/**
 * The public resource trading center (trade source), at the city center: about 5,000 deals worth
 * about 10 billion yuan in 3 years, so 4-5 deals per working day averaging about 2 million yuan.
 */
import type { TRADE_CATEGORIES } from '../../common/events.ts';
import { rngFor } from '../rng.ts';
import { compactDate, seedTag, timed, type Timed } from '../timeline.ts';
import { officeTime } from './cases.ts';

type Category = (typeof TRADE_CATEGORIES)[number];
/** Share of deals and mean amount (yuan) per category; the overall mean is about 2.1 million. */
const CATEGORIES: { category: Category; share: number; meanYuan: number }[] = [
  { category: 'construction', share: 0.3, meanYuan: 3_000_000 },
  { category: 'land', share: 0.08, meanYuan: 8_000_000 },
  { category: 'state-assets', share: 0.1, meanYuan: 1_500_000 },
  { category: 'procurement', share: 0.35, meanYuan: 800_000 },
  { category: 'public-housing', share: 0.07, meanYuan: 300_000 },
  { category: 'medical', share: 0.1, meanYuan: 1_200_000 },
];
export const DEALS_PER_WORKDAY = 4.6;
const SIGMA = 1.0;

export function tradesOn(seed: string, day: number, baseMs: number): Timed[] {
  const rng = rngFor(seed, day, 'trades');
  const n = rng.poisson(DEALS_PER_WORKDAY);
  const out: Timed[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.weighted(CATEGORIES, (x) => x.share);
    // lognormal with the category's mean: mu = ln(mean) - sigma^2 / 2
    const amount = Math.round(rng.lognormal(Math.log(c.meanYuan) - SIGMA ** 2 / 2, SIGMA) * 100) / 100;
    const deal = `JY${compactDate(day)}${String(i + 1).padStart(3, '0')}${seedTag(seed)}`;
    out.push(
      timed(baseMs + officeTime(rng), { id: `${deal}:closed`, type: 'trade.closed', source: 'trade', center: 'yiyang', deal, category: c.category, amount }),
    );
  }
  return out;
}
