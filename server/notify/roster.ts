/** The duty roster: who is on duty at a level for a center and department, now (Asia/Shanghai). */
import type { Alert } from '../../common/alerts.ts';
import type { DutyEntry, NotifyConfig } from '../../common/notify.ts';
import { dayIndexOf, shanghaiClock, weekdayOf } from '../../common/time.ts';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** ISO weekday (1 Monday … 7 Sunday) and minute of the day, Asia/Shanghai. */
function localTime(now: number): { weekday: number; minute: number } {
  // shanghaiClock's minute is the minute of the day
  const { minute } = shanghaiClock(now);
  const wd = weekdayOf(dayIndexOf(now));
  return { weekday: wd === 0 ? 7 : wd, minute };
}

/** Within [from, to) of the day; to before from spans midnight (a night duty belongs to the day it starts). */
export function withinTimes(from: string | undefined, to: string | undefined, minute: number): boolean {
  const f = from ? minutesOf(from) : 0;
  const t = to ? minutesOf(to) : 24 * 60;
  return f <= t ? minute >= f && minute < t : minute >= f || minute < t;
}

export function onDuty(d: DutyEntry, now: number): boolean {
  const { weekday, minute } = localTime(now);
  const dayOk = (wd: number) => !d.days || d.days.includes(wd);
  const overnight = d.from !== undefined && d.to !== undefined && minutesOf(d.to) < minutesOf(d.from);
  if (!overnight) return dayOk(weekday) && withinTimes(d.from, d.to, minute);
  // a night duty belongs to the day it starts: its early hours are the next day's
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (dayOk(weekday) && minute >= minutesOf(d.from!)) || (dayOk(yesterday) && minute < minutesOf(d.to!));
}

/** Contacts on duty at `level` for the alert's center and department (entries without a department cover the center). */
export function dutyContacts(config: NotifyConfig, alert: Pick<Alert, 'center' | 'dept'>, level: number, now: number): string[] {
  const out: string[] = [];
  for (const d of config.roster) {
    if (d.level !== level || d.center !== alert.center) continue;
    if (d.dept && d.dept !== alert.dept) continue;
    if (onDuty(d, now)) out.push(...d.contacts);
  }
  return out;
}
