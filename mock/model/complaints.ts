/**
 * Efficiency complaints (行政效能投诉, complaint source): rare, filed in office hours through a
 * channel, closed a few working days later (so, like cases, a closing may belong to an earlier day's plan).
 */
import { addWorkingDays } from '../../common/calendar.ts';
import type { Catalog, CenterCode } from '../../common/catalog.ts';
import { rngFor } from '../rng.ts';
import { compactDate, seedTag, timed } from '../timeline.ts';
import { officeTime, type DayEvent } from './cases.ts';
import type { SimDays } from './sim-days.ts';

const PER_DAY = { city: 0.35, district: 0.06 } as const;
const CHANNELS = ['12345热线', '门户网站', '现场投诉', '信函'];

export function complaintsFiledOn(catalog: Catalog, days: SimDays, seed: string, center: CenterCode, day: number): DayEvent[] {
  if (!days.calendar.isWorkday(day)) return [];
  const rng = rngFor(seed, day, 'complaints', center);
  const level = catalog.centers.find((c) => c.code === center)?.level ?? 'district';
  const depts = catalog.departments.filter((d) => d.center === center);
  const out: DayEvent[] = [];
  const n = rng.poisson(PER_DAY[level]);
  for (let i = 0; i < n; i++) {
    const id = `${center}-TS${compactDate(day)}${String(i + 1).padStart(2, '0')}${seedTag(seed)}`;
    const base = { source: 'complaint', center, complaint: id, dept: rng.pick(depts).code, channel: rng.pick(CHANNELS) } as const;
    out.push({ day, item: timed(days.baseMs(day) + officeTime(rng), { ...base, id: `${id}:filed`, type: 'complaint.filed' }) });
    const closeDay = addWorkingDays(days.calendar, day, rng.int(1, 5));
    out.push({ day: closeDay, item: timed(days.baseMs(closeDay) + officeTime(rng), { ...base, id: `${id}:closed`, type: 'complaint.closed' }) });
  }
  return out;
}
