/** Pure rules of the roster and quiet hours, with fixed instants (no Redis, no calendar: Asia/Shanghai clock time only). */
import { describe, expect, it } from 'vitest';
import { notifyConfigSchema } from '../../common/notify.ts';
import { onDuty } from '../../server/notify/roster.ts';
import { quietUntil } from '../../server/notify/routing.ts';
import { at, dayFromToday, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { weekdayOf, dayIndexOfDate } from '../../common/time.ts';

const MONDAY = findDay((d) => weekdayOf(d) === 1);
const SUNDAY = dayFromToday(dayIndexOfDate(MONDAY) - dayIndexOfDate(dayFromToday(0)) - 1);

describe('the roster', () => {
  it('is on duty within its days and times, a night duty into the next morning', () => {
    const weekdays = { center: 'yiyang', level: 1, contacts: ['x'], days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };
    expect(onDuty(weekdays, Date.parse(at('09:00', MONDAY)))).toBe(true);
    expect(onDuty(weekdays, Date.parse(at('18:00', MONDAY)))).toBe(false);
    expect(onDuty(weekdays, Date.parse(at('09:00', SUNDAY)))).toBe(false);
    const night = { center: 'yiyang', level: 1, contacts: ['x'], days: [7], from: '22:00', to: '08:00' };
    expect(onDuty(night, Date.parse(at('23:00', SUNDAY)))).toBe(true);
    expect(onDuty(night, Date.parse(at('07:59', MONDAY)))).toBe(true);
    expect(onDuty(night, Date.parse(at('08:00', MONDAY)))).toBe(false);
    expect(onDuty(night, Date.parse(at('21:00', SUNDAY)))).toBe(false);
  });
});

describe('quiet hours', () => {
  const config = notifyConfigSchema.parse({ quietHours: { from: '22:00', to: '07:30' } });
  const day = findDay(kindOfDay.workday);
  it('end at their "to", the next morning when they began the evening before', () => {
    expect(quietUntil(config, Date.parse(at('23:10', day)))).toBe(Date.parse(at('23:10', day)) + (50 + 7 * 60 + 30) * 60_000);
    expect(quietUntil(config, Date.parse(at('06:00', day)))).toBe(Date.parse(at('07:30', day)));
    expect(quietUntil(config, Date.parse(at('12:00', day)))).toBeNull();
  });
});
