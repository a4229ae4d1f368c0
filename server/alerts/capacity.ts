/**
 * The capacity rule (增开窗口建议, docs/alerts.md#capacity): before a department's queue gets long,
 * tell its supervisor how many more windows to open. Checked on the engine's tick (like source
 * silence), from the aggregates: the department's waiting tickets, its windows' states, today's
 * service time and the last 30 minutes' arrivals, through the queueing model of erlang-c.ts.
 *
 * One alert per department (subject `capacity:<dept>`): the engine's open is once-only across hubs
 * (lua/alert-core.lua's openAlert), so every hub may check. It opens only in office hours; it
 * closes when nobody waits or the expected wait falls under the threshold less the hysteresis;
 * while open its figures follow the queue (op `capacity`, change `updated`). Event time: a center
 * is checked only while every source that reports its queues is live (watermarks.ts): a backfill,
 * a replay or a silent queue machine raises nothing and clears nothing.
 */
import type { Alert, CapacityDetail } from '../../common/alerts.ts';
import { dayIndexOf, shanghaiClock, startOfDayMs } from '../../common/time.ts';
import type { RedisClient } from '../redis/connect.ts';
import { COUNTERS, minuteField } from '../redis/counter-fields.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { capacitySettings, type CapacitySettings } from './alert-config.ts';
import { expectedWait, windowsToOpen, type QueueNow } from './erlang-c.ts';
import { scopesOfAlert, type AlertOp, type RuleContext } from './event-ops.ts';
import { isOfficeTime, officeMsBetween } from './office-hours.ts';
import type { WatermarkView } from './watermarks.ts';

/** "the expected wait within the next 30 minutes", and the arrivals counted over as long. */
export const HORIZON_MINUTES = 30;
/** The service time before the department has served anyone for days (minutes). */
export const DEFAULT_SERVICE_MINUTES = 10;
/** Early in the day few services are done: the recent days' mean counts as this many services. */
export const PRIOR_SERVICES = 5;
/** How many earlier days give the recent mean. */
export const PRIOR_DAYS = 7;
/** The arrival rate divides by at least this many minutes (the first minutes of the morning). */
const MIN_RATE_MINUTES = 5;
const OPEN_STATUSES = new Set(['open', 'serving']);

export const capacitySubject = (dept: string): string => `capacity:${dept}`;

/** One department's queue, as read. */
export interface DeptQueue {
  waiting: number;
  openWindows: number;
  closedWindows: number;
  serviceMinutes: number;
  arrivalsPerMinute: number;
}

export type CapacityDecision =
  | { do: 'none' }
  | { do: 'open'; detail: CapacityDetail }
  | { do: 'update'; detail: CapacityDetail }
  | { do: 'close'; reason: 'queue-drained' | 'wait-under-threshold' | 'rule-disabled' };

/** What to do about one department (pure). `shown`: the figures of its unresolved alert, or null when it has none. */
export function decideCapacity(q: DeptQueue, settings: CapacitySettings, shown: CapacityDetail | null, office: boolean, now: number): CapacityDecision {
  const model: QueueNow = {
    waiting: q.waiting,
    servers: q.openWindows,
    serviceMinutes: q.serviceMinutes,
    arrivalsPerMinute: q.arrivalsPerMinute,
    horizonMinutes: HORIZON_MINUTES,
  };
  const wait = expectedWait(model);
  const active = shown !== null;
  if (active && !settings.enabled) return { do: 'close', reason: 'rule-disabled' };
  if (active && q.waiting <= 0) return { do: 'close', reason: 'queue-drained' };
  if (active && wait < settings.waitMinutes * (1 - settings.hysteresis)) return { do: 'close', reason: 'wait-under-threshold' };
  if (!active && (!settings.enabled || !office || q.waiting <= 0 || wait < settings.waitMinutes)) return { do: 'none' };
  const detail: CapacityDetail = {
    at: now,
    waiting: q.waiting,
    openWindows: q.openWindows,
    closedWindows: q.closedWindows,
    serviceMinutes: round1(q.serviceMinutes),
    arrivalsPerHour: round1(q.arrivalsPerMinute * 60),
    expectedWaitMinutes: Number.isFinite(wait) ? round1(wait) : null,
    thresholdMinutes: settings.waitMinutes,
    windowsToOpen: windowsToOpen(model, settings.waitMinutes),
  };
  if (!active) return { do: 'open', detail };
  return sameFigures(shown, detail) ? { do: 'none' } : { do: 'update', detail };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Whether the card would read the same (the wait to the minute): no update is pushed then. */
function sameFigures(a: CapacityDetail, b: CapacityDetail): boolean {
  const minutes = (w: number | null) => (w === null ? null : Math.round(w));
  return (
    a.waiting === b.waiting &&
    a.openWindows === b.openWindows &&
    a.closedWindows === b.closedWindows &&
    a.windowsToOpen === b.windowsToOpen &&
    a.thresholdMinutes === b.thresholdMinutes &&
    minutes(a.expectedWaitMinutes) === minutes(b.expectedWaitMinutes)
  );
}

/** The mean service time (minutes): today's, with the recent days' mean counted as PRIOR_SERVICES services. */
export function serviceMinutesOf(todaySumSec: number, todayCount: number, priorSumSec: number, priorCount: number): number {
  const prior = priorCount > 0 ? priorSumSec / priorCount / 60 : DEFAULT_SERVICE_MINUTES;
  const minutes = (todaySumSec / 60 + PRIOR_SERVICES * prior) / (todayCount + PRIOR_SERVICES);
  return Math.max(0.5, minutes);
}

/** The centers whose queue sources all report live (or have not reported yet): the others wait. */
async function liveCenters(redis: RedisClient, keys: RedisKeys, centers: string[], marks: WatermarkView): Promise<Set<string>> {
  const fields = await redis.hkeys(keys.alertsQueueSources);
  const out = new Set(centers);
  for (const f of fields) {
    const i = f.indexOf('|');
    const center = f.slice(0, i);
    if (marks.upTo(center, f.slice(i + 1)) !== Number.POSITIVE_INFINITY) out.delete(center);
  }
  return out;
}

export async function capacityOps(redis: RedisClient, keys: RedisKeys, rules: RuleContext, now: number, marks: WatermarkView): Promise<AlertOp[]> {
  const depts = rules.catalog.catalog.departments;
  if (depts.length === 0) return [];
  const day = dayIndexOf(now);
  const live = await liveCenters(redis, keys, [...new Set(depts.map((d) => d.center))], marks);
  const candidates = depts.filter((d) => live.has(d.center));
  if (candidates.length === 0) return [];

  // first the cheap part: who waits, and which departments have a capacity alert
  const p1 = redis.pipeline();
  for (const d of candidates) p1.hget(keys.day(`dept:${d.code}`, day), COUNTERS.waiting);
  p1.hmget(keys.alertActive, ...candidates.map((d) => capacitySubject(d.code)));
  const r1 = await p1.exec();
  if (!r1) return [];
  const activeIds = r1[candidates.length]![1] as (string | null)[];
  const waitingOf = (i: number) => Math.max(0, Number(r1[i]![1] ?? 0) || 0);
  const look = candidates.map((d, i) => ({ d, waiting: waitingOf(i), activeId: activeIds[i] ?? null })).filter((x) => x.waiting > 0 || x.activeId !== null);
  if (look.length === 0) return [];

  // then the queues worth a look: their windows, service times, arrivals and alerts
  const { minute } = shanghaiClock(now);
  const minutes = Array.from({ length: HORIZON_MINUTES }, (_, k) => minute - k).filter((m) => m >= 0);
  const windowsOf = new Map<string, string[]>();
  for (const w of rules.catalog.catalog.windows) windowsOf.set(w.dept, [...(windowsOf.get(w.dept) ?? []), w.code]);
  const p2 = redis.pipeline();
  for (const { d, activeId } of look) {
    const scope = `dept:${d.code}` as const;
    p2.hmget(keys.day(scope, day), COUNTERS.serviceSumSec, COUNTERS.serviceCount);
    for (let k = 1; k <= PRIOR_DAYS; k++) p2.hmget(keys.day(scope, day - k), COUNTERS.serviceSumSec, COUNTERS.serviceCount);
    p2.hmget(keys.minute(scope, day), ...minutes.map((m) => minuteField(COUNTERS.issued, m)));
    for (const w of windowsOf.get(d.code) ?? []) p2.hget(keys.window(w), 'status');
    if (activeId) p2.get(keys.alert(activeId));
  }
  const r2 = await p2.exec();
  if (!r2) return [];
  const office = isOfficeTime(rules.office, now);
  // office minutes of the last half hour: the arrivals divide by these (a queue machine may issue over lunch)
  const rateMinutes = Math.max(MIN_RATE_MINUTES, officeMsBetween(rules.office, Math.max(now - HORIZON_MINUTES * 60_000, startOfDayMs(day)), now) / 60_000);
  const ops: AlertOp[] = [];
  let at = 0;
  const next = <T>() => r2[at++]![1] as T;
  for (const { d, waiting, activeId } of look) {
    const [sum, count] = next<(string | null)[]>().map((v) => Number(v ?? 0) || 0);
    let priorSum = 0;
    let priorCount = 0;
    for (let k = 1; k <= PRIOR_DAYS; k++) {
      const [s, n] = next<(string | null)[]>().map((v) => Number(v ?? 0) || 0);
      priorSum += s!;
      priorCount += n!;
    }
    const issued = next<(string | null)[]>().reduce((acc, v) => acc + (Number(v ?? 0) || 0), 0);
    const codes = windowsOf.get(d.code) ?? [];
    const statuses = codes.map(() => next<string | null>());
    const openWindows = statuses.filter((s) => s !== null && OPEN_STATUSES.has(s)).length;
    const json = activeId ? next<string | null>() : null;
    const shown = activeId && json ? ((JSON.parse(json) as Alert).capacity ?? null) : null;
    const queue: DeptQueue = {
      waiting,
      openWindows,
      closedWindows: codes.length - openWindows,
      serviceMinutes: serviceMinutesOf(sum!, count!, priorSum, priorCount),
      arrivalsPerMinute: issued / rateMinutes,
    };
    // no window of the department has ever reported (terminals not connected): the model has no servers to count
    if (statuses.every((s) => s === null) && !activeId) continue;
    const thresholds = rules.config.thresholdsFor(d.code);
    // an alert opened by an older engine without figures: compared as if it had none yet shown
    const decision = decideCapacity(queue, capacitySettings(thresholds), activeId ? (shown ?? EMPTY) : null, office, now);
    const subject = capacitySubject(d.code);
    if (decision.do === 'close') ops.push({ op: 'close', subject, reason: decision.reason });
    else if (decision.do === 'update') ops.push({ op: 'capacity', subject, capacity: decision.detail });
    else if (decision.do === 'open')
      ops.push({
        op: 'open',
        spec: {
          rule: 'capacity',
          severity: 'yellow',
          subject,
          center: d.center,
          dept: d.code,
          since: now,
          scopes: scopesOfAlert(d.center, d.code),
          escalateAfterMs: thresholds.escalateMinutes * 60_000,
          // a queue ends with its day
          expireAt: startOfDayMs(day + 1),
          capacity: decision.detail,
        },
      });
  }
  return ops;
}

const EMPTY: CapacityDetail = {
  at: 0,
  waiting: -1,
  openWindows: -1,
  closedWindows: -1,
  serviceMinutes: 0,
  arrivalsPerHour: 0,
  expectedWaitMinutes: null,
  thresholdMinutes: 0,
  windowsToOpen: -1,
};
