/**
 * Puts a simulated day together: the halls of all centers, the trading center, the cases and
 * complaints whose life touches the day, and the portal's hourly traffic; in the order the
 * sources send them. Also the carry-over of the first day of a run (see `carryOver`).
 */
import type { Catalog, CenterCode } from '../../common/catalog.ts';
import { dateOfDayIndex, startOfDayMs } from '../../common/time.ts';
import { afternoonLoad, dayLoadFactor } from '../office-hours.ts';
import type { DayScenarios } from '../scenarios.ts';
import { byTime, compactDate, seedTag, timed, type Timed } from '../timeline.ts';
import { CasePlanner, type DayEvent } from './cases.ts';
import { complaintsFiledOn } from './complaints.ts';
import { simulateHall } from './hall.ts';
import { addJoinKeys } from './join-key.ts';
import { planPortal, portalHits, type PortalPlan } from './portal.ts';
import { workingDaysBefore, type SimDays } from './sim-days.ts';
import { tradesOn } from './trades.ts';

/**
 * How far back a case accepted earlier can still complete: 15 promised working days, a
 * suspension and a late finish fit in 50 calendar days even around the Spring Festival.
 */
export const LOOKBACK_DAYS = 50;

export interface ModelContext {
  catalog: Catalog;
  days: SimDays;
  seed: string;
  planner: CasePlanner;
}

export function modelContext(catalog: Catalog, days: SimDays, seed: string): ModelContext {
  return { catalog, days, seed, planner: new CasePlanner(catalog, days, seed) };
}

export interface DayBuild {
  day: number;
  date: string;
  serviceDay: boolean;
  /** Everything but the portal, in sending order. */
  timeline: Timed[];
  portal: PortalPlan;
}

export function buildDay(ctx: ModelContext, day: number, scenarios: DayScenarios = {}): DayBuild {
  const { catalog, days, seed } = ctx;
  const serviceDay = days.calendar.isWorkday(day);
  const baseMs = days.baseMs(day);
  const idBase = `${seed}.${compactDate(day)}`;
  const timeline: Timed[] = [];
  const centers = catalog.centers.map((c) => c.code);
  if (serviceDay) {
    const loadFactor = dayLoadFactor(days.hubCalendar, day);
    const afternoon = afternoonLoad(days.hubCalendar, day);
    for (const center of centers) {
      timeline.push(...simulateHall({ catalog, center, day, baseMs, seed, idBase: `${idBase}.${center}`, loadFactor, afternoonLoad: afternoon, scenarios }));
    }
    timeline.push(...tradesOn(seed, day, baseMs));
  }
  for (const e of lifeEvents(ctx, centers, day, (d) => d === day)) timeline.push(e.item);
  if (scenarios.overdue) timeline.push(...overdueCases(ctx, day, scenarios.overdue));
  addJoinKeys(timeline);
  timeline.sort(byTime);
  // The portal is a website: it follows the real clock and the hub's calendar even for `--open`.
  const portal = planPortal(seed, day, startOfDayMs(day), days.hubCalendar, scenarios);
  return { day, date: dateOfDayIndex(day), serviceDay, timeline, portal };
}

/** The whole day in sending order: the timeline merged with the portal, an hour at a time. */
export function* dayStream(build: DayBuild, seed: string, withPortal = true): Generator<Timed> {
  const tl = build.timeline;
  let i = 0;
  if (withPortal) {
    const idBase = `${seed}.${compactDate(build.day)}`;
    for (let h = 0; h < 24; h++) {
      for (const hit of portalHits(build.portal, h, idBase)) {
        while (i < tl.length && byTime(tl[i]!, hit) <= 0) yield tl[i++]!;
        yield hit;
      }
    }
  }
  while (i < tl.length) yield tl[i++]!;
}

/** Events of cases and complaints planned on days up to `day` that fall on a day `want` selects. */
function* lifeEvents(ctx: ModelContext, centers: CenterCode[], day: number, want: (d: number) => boolean): Generator<DayEvent> {
  for (let d = day - LOOKBACK_DAYS; d <= day; d++) {
    for (const center of centers) {
      yield* ctx.planner.eventsOf(center, d, want);
      for (const e of complaintsFiledOn(ctx.catalog, ctx.days, ctx.seed, center, d)) if (want(e.day)) yield e;
    }
  }
}

/**
 * The first day of a run completes cases accepted before it. The hub counts a completion only for
 * a case whose acceptance it has seen, so a run first sends, for every case and complaint still
 * open when its first day begins, the events of its life before that day (acceptance, suspension,
 * resumption; filing), with their original times. Sent again by a later run they are duplicates.
 */
export function carryOver(ctx: ModelContext, firstDay: number): Timed[] {
  const out: Timed[] = [];
  for (let d = firstDay - 1 - LOOKBACK_DAYS; d < firstDay; d++) {
    for (const center of ctx.catalog.centers.map((c) => c.code)) {
      for (const e of ctx.planner.openBefore(center, d, firstDay)) out.push(e.item);
      const complaints = complaintsFiledOn(ctx.catalog, ctx.days, ctx.seed, center, d);
      const open = new Set(complaints.filter((e) => e.day >= firstDay).map((e) => (e.item.event as { complaint: string }).complaint));
      for (const e of complaints) if (e.day < firstDay && open.has((e.item.event as { complaint: string }).complaint)) out.push(e.item);
    }
  }
  return out.sort(byTime);
}

/** The overdue-case scenario: cases accepted days ago at one department that nobody completed. */
function overdueCases(ctx: ModelContext, day: number, spec: NonNullable<DayScenarios['overdue']>): Timed[] {
  const { catalog, days, seed } = ctx;
  const dept = catalog.departments.find((d) => d.code === spec.dept);
  const item = catalog.items.find((i) => i.code === spec.item);
  const window = catalog.windows.find((w) => w.dept === spec.dept);
  if (!dept || !item) return [];
  const out: Timed[] = [];
  const add = (n: number, acceptDay: number, kind: string) => {
    for (let i = 0; i < n; i++) {
      const caseId = `${dept.center}-${compactDate(acceptDay)}-${kind}${i + 1}${seedTag(seed)}`;
      out.push(
        timed(days.baseMs(acceptDay) + (10 * 60 + 7 * i) * 60_000, {
          id: `${caseId}:acc`,
          type: 'case.accepted',
          source: 'cases',
          center: dept.center,
          case: caseId,
          item: item.code,
          dept: dept.code,
          ...(window ? { window: window.code } : {}),
          promisedDays: item.promisedDays,
        }),
      );
    }
  };
  const P = Math.max(1, item.promisedDays);
  add(spec.red, workingDaysBefore(days.hubCalendar, day, P + 2), 'R'); // due two working days ago
  add(spec.yellow, workingDaysBefore(days.hubCalendar, day, P - 1 || 1), 'Y'); // due the next working day
  return out;
}
