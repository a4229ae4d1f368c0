/**
 * One center's hall on one working day: citizens draw tickets (ticket machine), windows call,
 * serve and rate them (window terminals, rating devices). Each department's windows serve its
 * queue first come, first served; a few tickets are transferred to the 综合受理 (queue A) desk.
 */
import type { Catalog, CenterCode, Department, ServiceWindow } from '../../common/catalog.ts';
import type { DayScenarios } from '../scenarios.ts';
import { arrivalOffset, LAST_TICKET_MIN, SESSIONS } from '../office-hours.ts';
import { rngFor, type Rng } from '../rng.ts';
import { timed, toSecond, type Timed } from '../timeline.ts';

const SEC = 1000;
const MIN = 60 * SEC;

/** Tickets per window per working day, before the department's and the day's load factors. */
const TICKETS_PER_WINDOW = { city: 16, district: 11 } as const;
/** Busy departments (by the part of the code after the center). */
const DEPT_LOAD: Record<string, number> = {
  realestate: 1.3,
  tax: 1.2,
  hrss: 1.25,
  medicare: 1.25,
  housingfund: 1.1,
  police: 1.1,
  vehicle: 1.15,
  market: 1.1,
  exitentry: 1.05,
};
/** Median service minutes; others draw 5-9 minutes once per department. */
const SERVICE_MEDIAN_MIN: Record<string, number> = {
  realestate: 11,
  market: 9,
  hrss: 6,
  tax: 7,
  medicare: 5.5,
  housingfund: 7,
  police: 6,
  exitentry: 8,
  vehicle: 8,
  oneservice: 9,
};

export const P_NOSHOW = 0.03;
export const P_TRANSFER = 0.006;
export const P_RATING = 0.85;
/** Stars 1..5: over 99 % satisfied (3 stars or more), a few bad reviews. */
const SCORE_WEIGHTS = [0.0015, 0.0025, 0.031, 0.095, 0.87];
const SCORES = [1, 2, 3, 4, 5];
const BAD_COMMENTS = ['等候时间太长', '工作人员态度生硬', '材料要求没有一次性告知', '系统故障耽误了很久', '窗口人员中途离岗', '来了三次还没办成'];

export interface HallInput {
  catalog: Catalog;
  center: CenterCode;
  day: number;
  /** Epoch ms of the simulated day's midnight (shifted for `live --open`). */
  baseMs: number;
  seed: string;
  /** Event id prefix, unique per seed, day and center. */
  idBase: string;
  /** Weekday and after-holiday load. */
  loadFactor: number;
  /** The afternoon's arrivals against an ordinary day's (quiet before a holiday). @default 1 */
  afternoonLoad?: number;
  scenarios: DayScenarios;
}

interface Ticket {
  number: string;
  dept: Department;
  issuedAt: number;
  leg: number;
}
interface WindowState {
  w: ServiceWindow;
  freeAt: number;
  staff: string;
  busy: [number, number][];
}

const suffix = (code: string) => code.slice(code.indexOf('.') + 1);

export function simulateHall(input: HallInput): Timed[] {
  const { catalog, center, baseMs, seed, idBase, scenarios } = input;
  const out: Timed[] = [];
  const level = catalog.centers.find((c) => c.code === center)?.level ?? 'district';
  const depts = catalog.departments.filter((d) => d.center === center);
  const windowsOf = new Map<string, ServiceWindow[]>(depts.map((d) => [d.code, catalog.windows.filter((w) => w.dept === d.code)]));
  const desk = depts.find((d) => suffix(d.code) === 'oneservice');

  // 1. Arrivals per department, then ticket numbers per queue letter (they restart every day).
  const arrivals = new Map<string, number[]>();
  for (const dept of depts) {
    const rng = rngFor(seed, input.day, 'arrivals', dept.code);
    const windows = windowsOf.get(dept.code)!.length;
    const lambda = windows * TICKETS_PER_WINDOW[level] * input.loadFactor * deptLoad(seed, dept.code);
    const times = Array.from({ length: rng.poisson(lambda) }, () => arrivalTime(rng, baseMs, input.afternoonLoad ?? 1));
    const surge = scenarios.surge;
    if (surge?.dept === dept.code) {
      for (let i = 0; i < windows * surge.extraPerWindow; i++) {
        const t = rng.uniform(surge.fromMs, surge.toMs);
        if (issuing(t - baseMs)) times.push(t);
      }
    }
    arrivals.set(dept.code, times);
  }
  const tickets = new Map<string, Ticket[]>(depts.map((d) => [d.code, []]));
  for (const letter of new Set(depts.map((d) => d.queue))) {
    const all: Ticket[] = [];
    for (const d of depts.filter((x) => x.queue === letter))
      for (const t of arrivals.get(d.code)!) all.push({ number: '', dept: d, issuedAt: Math.round(t / SEC) * SEC, leg: 0 });
    all.sort((a, b) => a.issuedAt - b.issuedAt);
    all.forEach((t, i) => {
      t.number = `${letter}${String(i + 1).padStart(3, '0')}`;
      tickets.get(t.dept.code)!.push(t);
      out.push(
        timed(t.issuedAt, {
          id: `${idBase}.${t.number}.iss`,
          type: 'ticket.issued',
          source: 'queue',
          center,
          ticket: t.number,
          queue: letter,
          dept: t.dept.code,
        }),
      );
    });
  }

  // 2. Service, department by department; the 综合受理 desk last, as it takes the transfers.
  const transfers: Ticket[] = [];
  const order = desk ? [...depts.filter((d) => d !== desk), desk] : depts;
  for (const dept of order) {
    const queue = dept === desk ? [...tickets.get(dept.code)!, ...transfers].sort((a, b) => a.issuedAt - b.issuedAt) : tickets.get(dept.code)!;
    serveDepartment(input, dept, windowsOf.get(dept.code)!, queue, dept === desk ? undefined : desk, transfers, out);
  }
  return out;
}

export function deptLoad(seed: string, code: string): number {
  return DEPT_LOAD[suffix(code)] ?? Math.min(1.2, Math.max(0.6, rngFor(seed, 'dept-load', code).lognormal(-0.1, 0.2)));
}

function serviceMedianMs(seed: string, code: string): number {
  return (SERVICE_MEDIAN_MIN[suffix(code)] ?? rngFor(seed, 'dept-service', code).uniform(5, 9)) * MIN;
}

function arrivalTime(rng: Rng, baseMs: number, afternoon: number): number {
  return baseMs + arrivalOffset(rng, afternoon);
}

/** Whether the ticket machine issues at this offset from midnight. */
function issuing(offsetMs: number): boolean {
  return SESSIONS.some((s) => offsetMs >= s.open * MIN && offsetMs < (s.close - LAST_TICKET_MIN) * MIN);
}

function serveDepartment(
  input: HallInput,
  dept: Department,
  windows: ServiceWindow[],
  queue: Ticket[],
  desk: Department | undefined,
  transfers: Ticket[],
  out: Timed[],
): void {
  const { center, baseMs, seed, idBase, scenarios, day } = input;
  const rng = rngFor(seed, day, 'service', dept.code);
  const medianMs = serviceMedianMs(seed, dept.code);
  const outage = scenarios.outage && windows.some((w) => w.code === scenarios.outage!.window) ? scenarios.outage : undefined;
  const burst = scenarios.badReviews && windows.some((w) => w.code === scenarios.badReviews!.window) ? { ...scenarios.badReviews } : undefined;
  const silence = scenarios.silence?.source === 'rating' ? scenarios.silence : undefined;
  const lunch = baseMs + SESSIONS[1].open * MIN;
  let seq = 0;
  const status = (st: WindowState, at: number, s: 'open' | 'serving' | 'paused' | 'closed') =>
    out.push(
      timed(at, {
        id: `${idBase}.${st.w.code}.ws${++seq}`,
        type: 'window.status',
        source: 'window',
        center,
        window: st.w.code,
        dept: dept.code,
        status: s,
        staff: st.staff,
      }),
    );

  SESSIONS.forEach((session, si) => {
    const states: WindowState[] = windows.map((w) => {
      const staff = w.staff[(day + si) % Math.max(1, w.staff.length)] ?? w.staff[0] ?? '';
      const st: WindowState = { w, staff, freeAt: baseMs + session.open * MIN + rng.int(0, 150) * SEC, busy: [] };
      status(st, st.freeAt, 'open');
      return st;
    });
    const available = (st: WindowState, t: number): number => {
      let at = Math.max(st.freeAt, t);
      if (outage && st.w.code === outage.window && at >= outage.fromMs && at < outage.toMs) at = outage.toMs;
      return at;
    };
    for (const t of queue.filter((x) => (si === 0 ? x.issuedAt < lunch : x.issuedAt >= lunch))) {
      const readyAt = t.issuedAt + rng.int(3, 20) * SEC;
      let st = states[0]!;
      for (const s of states) if (available(s, readyAt) < available(st, readyAt)) st = s;
      // the few seconds before a call may reach into the window's outage: the call then waits for its end
      const callAt = available(st, available(st, readyAt) + rng.int(2, 15) * SEC);
      const leg = t.leg ? `~${t.leg + 1}` : '';
      const id = (kind: string) => `${idBase}.${t.number}${leg}.${kind}`;
      const base = { center, ticket: t.number, window: st.w.code };
      out.push(timed(callAt, { ...base, id: id('call'), type: 'ticket.called', source: 'queue' }));
      if (rng.chance(P_NOSHOW)) {
        out.push(timed(callAt + 60 * SEC, { ...base, id: id('recall'), type: 'ticket.called', source: 'queue' }));
        out.push(timed(callAt + 120 * SEC, { ...base, id: id('noshow'), type: 'ticket.noshow', source: 'window', staff: st.staff }));
        st.freeAt = callAt + 125 * SEC;
        st.busy.push([callAt, st.freeAt]);
        continue;
      }
      const started = callAt + rng.int(20, 75) * SEC;
      status(st, started, 'serving');
      out.push(timed(started, { ...base, id: id('start'), type: 'ticket.started', source: 'window', staff: st.staff }));
      if (desk && t.leg === 0 && rng.chance(P_TRANSFER)) {
        const at = started + rng.int(90, 240) * SEC;
        out.push({
          ...timed(at, { id: id('xfer'), type: 'ticket.transferred', source: 'window', center, ticket: t.number, window: st.w.code, toQueue: desk.queue }),
          barrier: true,
        });
        status(st, at + SEC, 'open');
        transfers.push({ number: t.number, dept: desk, issuedAt: at + SEC, leg: t.leg + 1 });
        st.freeAt = at + rng.int(10, 40) * SEC;
        st.busy.push([callAt, st.freeAt]);
        continue;
      }
      const service = Math.min(60 * MIN, Math.max(90 * SEC, rng.lognormal(Math.log(medianMs), 0.55)));
      const finished = started + service;
      out.push(timed(finished, { ...base, id: id('fin'), type: 'ticket.finished', source: 'window', staff: st.staff }));
      status(st, finished + SEC, 'open');
      st.freeAt = finished + rng.int(10, 40) * SEC;
      st.busy.push([callAt, st.freeAt]);

      const at = toSecond(finished + rng.int(5, 40) * SEC);
      const forcedBad = burst && burst.count > 0 && st.w.code === burst.window && at >= burst.fromMs;
      if (forcedBad || rng.chance(P_RATING)) {
        const score = forcedBad ? (burst!.count--, rng.int(1, 2)) : rng.weighted(SCORES, (s) => SCORE_WEIGHTS[s - 1]!);
        const sendAt = silence && at >= silence.fromMs && at < silence.toMs ? silence.toMs + rng.int(1, 30) * SEC : undefined;
        out.push(
          timed(
            at,
            {
              id: id('rate'),
              type: 'rating.submitted',
              source: 'rating',
              center,
              window: st.w.code,
              dept: dept.code,
              score,
              staff: st.staff,
              ticket: t.number,
              ...(score <= 2 ? { comment: rng.pick(BAD_COMMENTS) } : {}),
            },
            sendAt,
          ),
        );
      }
    }
    for (const st of states) {
      if (outage && st.w.code === outage.window) {
        const spanning = st.busy.find(([a, b]) => a < outage.fromMs && b > outage.fromMs);
        const pausedAt = Math.max(outage.fromMs, spanning ? spanning[1] + 2 * SEC : 0);
        const sessionEnd = baseMs + session.close * MIN;
        if (pausedAt < sessionEnd && outage.toMs > baseMs + session.open * MIN) {
          status(st, pausedAt, 'paused');
          if (outage.toMs < sessionEnd) status(st, outage.toMs, 'open');
        }
      }
      const endAt = Math.max(baseMs + session.close * MIN, st.freeAt) + rng.int(0, 60) * SEC;
      status(st, endAt, si === 0 ? 'paused' : 'closed');
    }
  });
}
