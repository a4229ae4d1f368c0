/** The console's words for a delivery (model/deliveries.ts) and the cockpit's 整改率 note (pure, no browser). */
import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../common/notify.ts';
import { rectificationRate } from '../../common/figures.ts';
import { deliveryRows, stateOf } from '../../screens/supervisor/model/deliveries.ts';
import { rectificationNote } from '../../screens/cockpit/model/tiles.ts';

const base: DeliveryState = {
  delivery: 'A1|1|zhang|sms',
  level: 1,
  contact: 'zhang',
  name: '张科长',
  channel: 'sms',
  state: 'pending',
  attempts: 0,
  createdAt: 1_000,
};

describe('the delivery log in words', () => {
  it('says 已发送, 失败, 重试中 and 等待', () => {
    expect(stateOf({ state: 'sent', attempts: 1 })).toBe('sent');
    expect(stateOf({ state: 'gave-up', attempts: 9 })).toBe('failed');
    expect(stateOf({ state: 'pending', attempts: 2 })).toBe('retry');
    expect(stateOf({ state: 'pending', attempts: 0 })).toBe('waiting');
  });

  it('orders by level, names a group by its people, and shows the error only while not sent', () => {
    const rows = deliveryRows(
      [
        { ...base, delivery: 'A1|2|li|sms', level: 2, contact: 'li', name: '李主任', attempts: 2, nextAt: 90_000, lastError: '503 down' },
        {
          ...base,
          delivery: 'A1|1|*|wecom',
          contact: '*',
          contacts: ['zhang', 'li'],
          name: '张科长、李主任',
          channel: 'wecom',
          state: 'sent',
          attempts: 1,
          sentAt: 2_000,
        },
      ],
      [],
    );
    expect(rows.map((r) => [r.level, r.who, r.group, r.stateText, r.lastError])).toEqual([
      [1, '张科长、李主任', true, '已发送', null],
      [2, '李主任', false, '重试中', '503 down'],
    ]);
    expect(rows[0]!.levelText).toBe('第1级 · 窗口负责人');
    expect(rows[1]!.when).toMatch(/^下次 /);
  });
});

describe('整改率 on the 差评 tile', () => {
  it('shows the rate with in time / bad, and the plain note without a bad review', () => {
    expect(rectificationNote(null)).toBe('1-2 星评价，须回访');
    expect(rectificationNote({ bad: 0, followedUp: 0, inTime: 0, reratedSatisfied: 0, rectificationRate: null })).toBe('1-2 星评价，须回访');
    expect(rectificationNote({ bad: 3, followedUp: 2, inTime: 1, reratedSatisfied: 1, rectificationRate: rectificationRate(1, 3) })).toBe(
      '整改率 33.3%（1/3）',
    );
  });
});
