/** Whether an instant falls in the office hours the hall config gives (Asia/Shanghai time of day). */
import type { HallOfficePeriod } from '../../common/hall.ts';
import { shanghaiClock } from '../../common/time.ts';

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** False when the periods are not known (yet): a hall that cannot tell the time of its office stays silent. */
export function withinOfficeHours(periods: readonly HallOfficePeriod[] | undefined, epochMs: number): boolean {
  if (!periods) return false;
  const m = shanghaiClock(epochMs).minute; // minute of the day
  return periods.some((p) => m >= minuteOf(p.from) && m < minuteOf(p.to));
}
