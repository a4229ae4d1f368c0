/**
 * The arithmetic of the figures (common/figures.ts), on plain numbers: one definition each, so the
 * snapshot, the series, the comparisons, the mock's tally and the screens agree by construction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  histogramPercentileSec,
  meanOfDays,
  meanSec,
  ratingFiguresOf,
  ratio,
  satisfactionRate,
  sumOfDays,
  throughputPerHour,
  yuanOfFen,
  fenOfYuan,
} from '../../common/figures.ts';
import { ratingFigures } from '../../server/read/figures.ts';
import { COUNTERS as C } from '../../server/redis/counter-fields.ts';

describe('figures', () => {
  it("gives the satisfaction rate of a day's stars and of its totals (ratings, bad) alike", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 5, maxLength: 5 }), ([r1, r2, r3, r4, r5]) => {
        const byScore = { '1': r1!, '2': r2!, '3': r3!, '4': r4!, '5': r5! };
        const figures = ratingFiguresOf(byScore);
        expect(figures.total).toBe(r1! + r2! + r3! + r4! + r5!);
        expect(figures.bad).toBe(r1! + r2!);
        expect(figures.satisfactionRate).toBe(satisfactionRate(figures.total, figures.bad));
        expect(figures.satisfactionRate).toBe(figures.total > 0 ? (r3! + r4! + r5!) / figures.total : null);
        // the hub's reading of the counters is the same function
        expect(
          ratingFigures({ [C.rated1]: String(r1), [C.rated2]: String(r2), [C.rated3]: String(r3), [C.rated4]: String(r4), [C.rated5]: String(r5) }),
        ).toEqual(figures);
      }),
    );
  });

  it('answers null for a rate or a mean of nothing', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
    expect(meanSec(10, 0)).toBeNull();
    expect(meanSec(5, 2)).toBe(3);
    expect(satisfactionRate(0, 0)).toBeNull();
  });

  it('takes a wait percentile as the upper edge of the minute that holds it', () => {
    expect(histogramPercentileSec([], 0.9)).toBeNull();
    // 10 waits: 8 in minute 0, 1 in minute 3, 1 in minute 7 → the 9th is in minute 3
    expect(
      histogramPercentileSec(
        [
          [7, 1],
          [0, 8],
          [3, 1],
        ],
        0.9,
      ),
    ).toBe(240);
    expect(
      histogramPercentileSec(
        [
          [0, 8],
          [3, 1],
          [7, 1],
        ],
        1,
      ),
    ).toBe(480);
  });

  it("counts a window's throughput once it was open an hour, to one decimal", () => {
    expect(throughputPerHour(5, 3599)).toBeNull();
    expect(throughputPerHour(10, 3 * 3600)).toBe(3.3);
  });

  it('sums in fen and answers in yuan', () => {
    expect(fenOfYuan(12.345)).toBe(1235);
    expect(yuanOfFen(fenOfYuan(0.1) + fenOfYuan(0.2))).toBe(0.3);
  });

  it('takes the daily mean of a rate over the days that have one', () => {
    expect(meanOfDays([0.5, null, 1])).toBe(0.75);
    expect(meanOfDays([null, null])).toBeNull();
    expect(sumOfDays([3, null, 4])).toBe(7);
  });
});
