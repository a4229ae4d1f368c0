/** The phone cockpit's cards (screens/cockpit/phone/phone-cards.ts): figures, wording, 环比/同比. Pure. */
import { describe, expect, it } from 'vitest';
import type { FigureChange, PeriodAnswer } from '../../common/report.ts';
import { formatDuration, formatYuan, phoneCards, ratingLevels } from '../../screens/cockpit/phone/phone-cards.ts';
import { RATING_LEVELS } from '../../common/report.ts';

const change = (kind: FigureChange['kind'], mom: number | null, yoy: number | null): FigureChange => ({ value: 1, previous: 1, yearBefore: 1, kind, mom, yoy });

function answer(kind: 'day' | 'week'): PeriodAnswer {
  const figures = {
    days: 7,
    cases: { accepted: 120, completed: 100, completedEarly: 50, completedOnTime: 95, completedOverdue: 5, returned: 0, earlyRate: 0.5, onTimeRate: 0.95 },
    tickets: { issued: 300, called: 290, finished: 280, noShow: 10, noShowRate: 10 / 290, avgWaitSec: 754, p90WaitSec: 1380, avgServiceSec: 300 },
    ratings: { total: 80, byScore: { '1': 2, '2': 2, '3': 6, '4': 30, '5': 40 }, bad: 4, satisfactionRate: 0.925 },
    reviews: { bad: 4, followedUp: 4, inTime: 3, reratedSatisfied: 2, rectificationRate: 0.75 },
    complaints: { filed: 1, closed: 1 },
    portal: { pv: 1000 },
    trades: { count: 8, amount: 350_300, byCategory: {} },
    fees: { count: 2, amount: 1280.5 },
    alerts: { raised: 3, raisedYellow: 2, raisedRed: 1 },
  };
  const period = { kind, from: 0, to: 6, fromDate: '2026-01-05', toDate: '2026-01-11', label: '2026年第2周' };
  return {
    scope: 'city',
    period,
    asOf: '2026-01-11T18:00:00+08:00',
    figures,
    previous: { period, figures },
    yearBefore: { period, figures },
    change: {
      'cases.accepted': change('relative', -0.25, null),
      'cases.onTimeRate': change('points', 0.012, -0.0001),
      'tickets.avgWaitSec': change('relative', 0.1, -0.2),
    },
  };
}

describe('phone cockpit cards', () => {
  it('shows a finished week with 环比 and 同比: points for rates, % for the rest, good news green, 无可比数据 without a base', () => {
    const cards = phoneCards({ snapshot: null, period: answer('week'), partial: false });
    const byKey = new Map(cards.map((c) => [c.key, c]));
    expect(cards.map((c) => c.key)).toEqual([
      'accepted',
      'completed',
      'ontime',
      'early',
      'satisfaction',
      'avgWait',
      'p90Wait',
      'service',
      'noShow',
      'fees',
      'trades',
    ]);
    expect(byKey.get('ontime')!.changes).toEqual([
      { label: '环比', text: '1.2个百分点', direction: 'up', good: true },
      { label: '同比', text: '持平', direction: 'flat', good: null },
    ]);
    expect(byKey.get('avgWait')!.changes.map((c) => [c.text, c.direction, c.good])).toEqual([
      ['10.0%', 'up', false],
      ['20.0%', 'down', true],
    ]);
    expect(byKey.get('accepted')!.changes.map((c) => c.text)).toEqual(['25.0%', '无可比数据']);
    expect(byKey.get('p90Wait')!.text).toBe('23分00秒');
    expect(byKey.get('fees')!).toMatchObject({ value: 1280.5, text: '1,281', unit: '元', note: '2 笔' });
    expect(byKey.get('trades')!).toMatchObject({ text: '35.03', unit: '万元' });
  });

  it('does not compare the counts of a period still going, only its rates and times; a day says 较前日', () => {
    const week = new Map(phoneCards({ snapshot: null, period: answer('week'), partial: true }).map((c) => [c.key, c]));
    expect(week.get('accepted')!.changes).toEqual([]);
    expect(week.get('fees')!.changes).toEqual([]);
    expect(week.get('ontime')!.changes).toHaveLength(2);
    const day = new Map(phoneCards({ snapshot: null, period: answer('day'), partial: false }).map((c) => [c.key, c]));
    expect(day.get('ontime')!.changes.map((c) => c.label)).toEqual(['较前日', '较去年同日']);
  });

  it('lists the five levels best first with their shares', () => {
    const levels = ratingLevels({ snapshot: null, period: answer('week'), partial: false }, RATING_LEVELS);
    expect(levels.map((l) => [l.name, l.count, l.share])).toEqual([
      ['非常满意', 40, 0.5],
      ['满意', 30, 0.375],
      ['基本满意', 6, 0.075],
      ['不满意', 2, 0.025],
      ['非常不满意', 2, 0.025],
    ]);
  });

  it('formats durations and money', () => {
    expect([formatDuration(null), formatDuration(45), formatDuration(754.4), formatDuration(3600)]).toEqual(['—', '45秒', '12分34秒', '60分00秒']);
    expect(formatYuan(9999)).toEqual({ text: '9,999', unit: '元' });
    expect(formatYuan(123_456_789)).toEqual({ text: '12,345.68', unit: '万元' });
  });
});
