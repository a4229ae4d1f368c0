/** The periods of common/periods.ts: pure, so fixed dates are fine here (docs/testing.md, rule 3). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERIOD_KINDS, isoWeekOf, periodOf, previousPeriod, yearBeforePeriod, type PeriodKind } from '../../common/periods.ts';
import { dayIndexOfDate } from '../../common/time.ts';

const day = (date: string) => dayIndexOfDate(date);
/** 2000-01-01 … 2099-12-31 as day indexes. */
const anyDay = fc.integer({ min: day('2000-01-01'), max: day('2099-12-31') });
const anyKind = fc.constantFrom<PeriodKind>(...PERIOD_KINDS);

describe('periods', () => {
  it('labels and bounds each kind of period', () => {
    const d = day('2026-11-30');
    expect(periodOf('day', d)).toMatchObject({ fromDate: '2026-11-30', toDate: '2026-11-30', label: '2026年11月30日' });
    expect(periodOf('week', d)).toMatchObject({ fromDate: '2026-11-30', toDate: '2026-12-06', label: '2026年第49周' });
    expect(periodOf('month', d)).toMatchObject({ fromDate: '2026-11-01', toDate: '2026-11-30', label: '2026年11月' });
    expect(periodOf('quarter', d)).toMatchObject({ fromDate: '2026-10-01', toDate: '2026-12-31', label: '2026年第4季度' });
    expect(periodOf('year', d)).toMatchObject({ fromDate: '2026-01-01', toDate: '2026-12-31', label: '2026年' });
    // an ISO week belongs to the year of its Thursday
    expect(periodOf('week', day('2027-01-01'))).toMatchObject({ fromDate: '2026-12-28', label: '2026年第53周' });
    expect(periodOf('week', day('2025-12-29'))).toMatchObject({ fromDate: '2025-12-29', label: '2026年第1周' });
    expect(periodOf('month', day('2028-02-10'))).toMatchObject({ toDate: '2028-02-29' });
  });

  it('compares with the period before (环比) and the same period a year before (同比)', () => {
    const nov = periodOf('month', day('2026-11-15'));
    expect(previousPeriod(nov)).toMatchObject({ fromDate: '2026-10-01', toDate: '2026-10-31' });
    expect(yearBeforePeriod(nov)).toMatchObject({ fromDate: '2025-11-01', toDate: '2025-11-30' });
    expect(previousPeriod(periodOf('quarter', day('2026-02-01')))).toMatchObject({ label: '2025年第4季度' });
    expect(yearBeforePeriod(periodOf('day', day('2028-02-29')))).toMatchObject({ fromDate: '2027-02-28' });
    // week 53 of 2026 against week 52 of 2025 (2025 has no week 53); week 49 against week 49
    expect(yearBeforePeriod(periodOf('week', day('2026-12-30')))).toMatchObject({ label: '2025年第52周', fromDate: '2025-12-22' });
    expect(yearBeforePeriod(periodOf('week', day('2026-11-30')))).toMatchObject({ label: '2025年第49周', fromDate: '2025-12-01' });
  });

  it('tiles the calendar: every day lies in exactly its period, the next starts the day after', () => {
    fc.assert(
      fc.property(anyKind, anyDay, (kind, d) => {
        const p = periodOf(kind, d);
        expect(p.from).toBeLessThanOrEqual(d);
        expect(p.to).toBeGreaterThanOrEqual(d);
        // every day of the period names the same period: no overlap
        expect(periodOf(kind, p.from)).toEqual(p);
        expect(periodOf(kind, p.to)).toEqual(p);
        // the next one starts the day after: no gap
        expect(periodOf(kind, p.to + 1).from).toBe(p.to + 1);
        expect(previousPeriod(p).to + 1).toBe(p.from);
      }),
      { numRuns: 2000 },
    );
  });

  it('has whole periods of the right length', () => {
    fc.assert(
      fc.property(anyKind, anyDay, (kind, d) => {
        const p = periodOf(kind, d);
        const n = p.to - p.from + 1;
        const lengths: Record<PeriodKind, number[]> = { day: [1], week: [7], month: [28, 29, 30, 31], quarter: [90, 91, 92], year: [365, 366] };
        expect(lengths[kind]).toContain(n);
        const yb = yearBeforePeriod(p);
        expect(yb.kind).toBe(kind);
        expect(yb.to).toBeLessThan(p.from);
        if (kind === 'week') {
          expect(isoWeekOf(yb.from).year).toBe(isoWeekOf(p.from).year - 1);
          expect(Math.min(isoWeekOf(p.from).week, 52)).toBeLessThanOrEqual(Math.max(isoWeekOf(yb.from).week, 52));
        } else expect(Number(yb.fromDate.slice(0, 4))).toBe(Number(p.fromDate.slice(0, 4)) - 1);
      }),
      { numRuns: 2000 },
    );
  });
});
