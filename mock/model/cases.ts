/**
 * The case approval system (cases source) and the fee system (fee source). Each working day a
 * center accepts cases at its windows and online; each case's whole life (suspension for 补正,
 * completion early / on the due date / rarely late, rarely a return) is drawn when it is accepted.
 * A case completed today may have been accepted weeks ago, so the plan of a day depends only on
 * (seed, day, center): a run rebuilds earlier days' plans to know what completes today.
 */
import { addWorkingDays, workingDaysBetween } from '../../common/calendar.ts';
import type { Catalog, CenterCode, Department, ServiceItem, ServiceWindow } from '../../common/catalog.ts';
import { afternoonLoad, arrivalOffset, dayLoadFactor, SESSIONS } from '../office-hours.ts';
import { rngFor, type Rng } from '../rng.ts';
import { compactDate, seedTag, timed, type Timed } from '../timeline.ts';
import { deptLoad } from './hall.ts';
import type { SimDays } from './sim-days.ts';

const SEC = 1000;
const MIN = 60 * SEC;

/** Cases accepted per working day: the city center completes 900+ a day on average. */
const CASES_PER_DAY_CITY = 915;
const CASES_PER_WINDOW_DISTRICT = 4;
const P_ONLINE = 0.2;
const P_RETURNED = 0.005;
const P_SUSPENDED = 0.04;
const P_LATE = 0.004;
/** Share of 承诺件 completed before their due date. */
const P_EARLY = { oneDay: 0.75, longer: 0.85 };
/** Relative frequency of items by promised working days: 即办件 are the most common. */
const ITEM_WEIGHT: Record<number, number> = { 0: 2.5, 1: 1, 3: 0.9, 5: 0.8, 7: 0.6, 10: 0.5, 15: 0.35 };
const SUSPEND_REASONS = ['补正材料', '现场勘验', '专家评审', '公示期'];
const RETURN_REASONS = ['材料不齐全且逾期未补正', '申请人主动撤回', '不符合受理条件'];
/** Fees by department (yuan), for the share of its cases that pay one. */
const FEES: Record<string, { p: number; amounts: number[] }> = {
  realestate: { p: 0.7, amounts: [80, 80, 80, 550] },
  exitentry: { p: 0.9, amounts: [120, 160, 80] },
  vehicle: { p: 0.6, amounts: [10, 25, 100, 125] },
  police: { p: 0.5, amounts: [20, 40] },
  civil: { p: 0.3, amounts: [9] },
  notary: { p: 0.9, amounts: [200, 300, 400] },
  housing: { p: 0.3, amounts: [260, 1200] },
};

interface CenterInfo {
  depts: Department[];
  windowsOf: Map<string, ServiceWindow[]>;
  itemsOf: Map<string, ServiceItem[]>;
  deptWeight: Map<string, number>;
  lambda: number;
}

/** A step in a case's life: kept instead of the event until the event is needed. */
interface Step {
  day: number;
  ms: number;
  kind: 'acc' | 'fee' | 'sus' | 'res' | 'ret' | 'done';
  note?: string;
  amount?: number;
}
interface CaseRecord {
  id: string;
  seq: number;
  day: number;
  center: CenterCode;
  item: ServiceItem;
  window?: string;
  steps: Step[];
}
/** Center-days of plans kept: the lookback of 50 days for 8 centers, and some. */
const PLAN_CACHE_MAX = 8 * 60;

/** One case event on a given simulated day. */
export interface DayEvent {
  day: number;
  item: Timed;
}

export class CasePlanner {
  private readonly cache = new Map<string, CaseRecord[]>();
  constructor(
    private readonly catalog: Catalog,
    private readonly days: SimDays,
    private readonly seed: string,
  ) {}

  /**
   * The events of the cases a center accepted on `day` that fall on a day `want` selects. Plans
   * are cached compactly (a run needs the last 50 days of 8 centers) and events made on demand.
   */
  eventsOf(center: CenterCode, day: number, want: (d: number) => boolean): DayEvent[] {
    const out: DayEvent[] = [];
    for (const r of this.records(center, day)) for (const step of r.steps) if (want(step.day)) out.push({ day: step.day, item: this.event(r, step) });
    return out;
  }

  /** For the cases accepted on `day` still open when `firstDay` begins: their events before it (fees aside). */
  openBefore(center: CenterCode, day: number, firstDay: number): DayEvent[] {
    const out: DayEvent[] = [];
    for (const r of this.records(center, day)) {
      if (r.steps[r.steps.length - 1]!.day < firstDay) continue;
      for (const step of r.steps) if (step.day < firstDay && step.kind !== 'fee') out.push({ day: step.day, item: this.event(r, step) });
    }
    return out;
  }

  private records(center: CenterCode, day: number): CaseRecord[] {
    const key = `${center}:${day}`;
    let records = this.cache.get(key);
    if (!records) {
      records = this.days.calendar.isWorkday(day) ? this.plan(center, day) : [];
      this.cache.set(key, records);
      if (this.cache.size > PLAN_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    }
    return records;
  }

  private event(r: CaseRecord, step: Step): Timed {
    const base = { source: 'cases', center: r.center, case: r.id } as const;
    switch (step.kind) {
      case 'acc':
        return timed(step.ms, {
          ...base,
          id: `${r.id}:acc`,
          type: 'case.accepted',
          item: r.item.code,
          dept: r.item.dept,
          ...(r.window ? { window: r.window } : {}),
          promisedDays: r.item.promisedDays,
        });
      case 'fee':
        return timed(step.ms, {
          id: `${r.id}:fee`,
          type: 'fee.collected',
          source: 'fee',
          center: r.center,
          item: r.item.code,
          amount: step.amount!,
          receipt: `FS${compactDate(r.day)}${r.center.slice(0, 2).toUpperCase()}${String(r.seq).padStart(5, '0')}${seedTag(this.seed)}`,
        });
      case 'sus':
        return timed(step.ms, { ...base, id: `${r.id}:sus`, type: 'case.suspended', reason: step.note! });
      case 'res':
        return timed(step.ms, { ...base, id: `${r.id}:res`, type: 'case.resumed', reason: step.note! });
      case 'ret':
        return timed(step.ms, { ...base, id: `${r.id}:ret`, type: 'case.returned', reason: step.note! });
      case 'done':
        return timed(step.ms, { ...base, id: `${r.id}:done`, type: 'case.completed' });
    }
  }

  private readonly centers = new Map<CenterCode, CenterInfo>();
  private centerInfo(center: CenterCode): CenterInfo {
    let info = this.centers.get(center);
    if (!info) {
      const { catalog, seed } = this;
      const level = catalog.centers.find((c) => c.code === center)?.level ?? 'district';
      const depts = catalog.departments.filter((d) => d.center === center);
      const windowsOf = new Map(depts.map((d) => [d.code, catalog.windows.filter((w) => w.dept === d.code)]));
      info = {
        depts,
        windowsOf,
        itemsOf: new Map(depts.map((d) => [d.code, catalog.items.filter((i) => i.dept === d.code)])),
        deptWeight: new Map(depts.map((d) => [d.code, windowsOf.get(d.code)!.length * deptLoad(seed, d.code)])),
        lambda: level === 'city' ? CASES_PER_DAY_CITY : CASES_PER_WINDOW_DISTRICT * catalog.windows.filter((w) => w.center === center).length,
      };
      this.centers.set(center, info);
    }
    return info;
  }

  private plan(center: CenterCode, day: number): CaseRecord[] {
    const { days, seed } = this;
    const cal = days.calendar;
    const rng = rngFor(seed, day, 'cases', center);
    const { depts, windowsOf, itemsOf, deptWeight, lambda } = this.centerInfo(center);
    // the holiday-shaped load of the hall (mock/office-hours.ts) holds for the cases accepted there too
    const n = rng.poisson(lambda * dayLoadFactor(days.hubCalendar, day));
    const afternoon = afternoonLoad(days.hubCalendar, day);
    const out: CaseRecord[] = [];
    const at = (d: number, offsetMs: number) => days.baseMs(d) + offsetMs;
    const tag = seedTag(seed);

    for (let i = 0; i < n; i++) {
      const dept = rng.weighted(depts, (d) => deptWeight.get(d.code)!);
      const items = itemsOf.get(dept.code)!;
      if (items.length === 0) continue;
      const item: ServiceItem = rng.weighted(items, (it) => ITEM_WEIGHT[it.promisedDays] ?? 0.3);
      const caseId = `${center}-${compactDate(day)}-${String(i + 1).padStart(4, '0')}${tag}`;
      const online = rng.chance(P_ONLINE);
      const window = online ? undefined : rng.pick(windowsOf.get(dept.code)!).code;
      // at a window while the citizen is served (the arrival curve, a little later); online ones any time
      const acceptedAt = at(day, online ? officeTime(rng) : Math.min(arrivalOffset(rng, afternoon) + rng.uniform(5, 25) * MIN, 17.5 * 60 * MIN));
      const record: CaseRecord = { id: caseId, seq: i + 1, day, center, item, ...(window ? { window } : {}), steps: [] };
      out.push(record);
      const push = (d: number, ms: number, kind: Step['kind'], extra: { note?: string; amount?: number } = {}) =>
        record.steps.push({ day: d, ms, kind, ...extra });
      push(day, acceptedAt, 'acc');

      const fee = FEES[dept.code.slice(dept.code.indexOf('.') + 1)];
      if (fee && rng.chance(fee.p)) push(day, acceptedAt + rng.int(1, 6) * MIN, 'fee', { amount: rng.pick(fee.amounts) });

      // The life of the case, in working days of the hub's calendar (the due date is the hub's).
      const P = item.promisedDays;
      let due = addWorkingDays(days.hubCalendar, day, P);
      let startDay = day;
      let startMs = acceptedAt;
      if (rng.chance(P_RETURNED)) {
        const d = rng.chance(0.5) ? day : addWorkingDays(cal, day, 1);
        const ms = d === day ? sameDayLater(rng, acceptedAt, at(day, 0)) : at(d, officeTime(rng));
        push(d, ms, 'ret', { note: rng.pick(RETURN_REASONS) });
        continue;
      }
      if (P >= 3 && rng.chance(P_SUSPENDED)) {
        const suspDay = addWorkingDays(cal, day, rng.int(0, Math.min(2, P - 1)));
        const suspMs = suspDay === day ? sameDayLater(rng, acceptedAt, at(day, 0)) : at(suspDay, officeTime(rng));
        const resumeDay = addWorkingDays(cal, suspDay, rng.int(1, 3));
        const resumeMs = at(resumeDay, officeTime(rng));
        push(suspDay, suspMs, 'sus', { note: rng.pick(SUSPEND_REASONS) });
        push(resumeDay, resumeMs, 'res', { note: '已补正' });
        due = addWorkingDays(days.hubCalendar, due, workingDaysBetween(days.hubCalendar, suspDay, resumeDay));
        startDay = resumeDay;
        startMs = resumeMs;
      }
      let doneDay: number;
      const u = rng.next();
      if (u < P_LATE) doneDay = addWorkingDays(cal, Math.max(due, startDay), rng.int(1, 3));
      else if (P > 0 && u < P_LATE + (P === 1 ? P_EARLY.oneDay : P_EARLY.longer) && startDay < due) {
        // early: on a working day before the due date, sooner rather than later
        const span = workingDaysBetween(cal, startDay, due);
        doneDay = addWorkingDays(cal, startDay, Math.min(span - 1, Math.floor(rng.next() ** 1.6 * span)));
      } else doneDay = Math.max(startDay, due);
      if (!cal.isWorkday(doneDay)) doneDay = addWorkingDays(cal, doneDay, 1);
      const doneMs = doneDay === startDay ? sameDayLater(rng, startMs, at(doneDay, 0), P === 0 ? 40 : 120) : at(doneDay, officeTime(rng));
      push(doneDay, doneMs, 'done');
    }
    return out;
  }
}

/** Offset from midnight of a moment in office hours, the morning a little busier. */
export function officeTime(rng: Rng): number {
  const s = rng.chance(0.55) ? SESSIONS[0] : SESSIONS[1];
  return rng.uniform(s.open, s.close) * MIN;
}

/** A moment after `fromMs` on the same day: within `maxMin` minutes, before 18:00. */
function sameDayLater(rng: Rng, fromMs: number, midnightMs: number, maxMin = 120): number {
  const latest = midnightMs + 18 * 60 * MIN;
  return Math.min(latest, fromMs + rng.uniform(3, maxMin) * MIN);
}
