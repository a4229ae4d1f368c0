/**
 * What to do with a timer that came due (pure): fire it, move it later, hold it, or drop it.
 * Ticket alerts belong to their day; a timer waits (is held) until the source that would have
 * ended it has reported up to its time (watermarks.ts); an unattended window counts only in office
 * hours and only while tickets of its department wait.
 */
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { AlertConfig } from './alert-config.ts';
import type { TimerPayload } from './event-ops.ts';
import { isOfficeTime, officeMsBetween, officeTimeAfter, type OfficeHours } from './office-hours.ts';
import { heldSet, watermarkField } from './watermarks.ts';

/** `hold`: into the held set `held` until its source has reported that far (lua/alert-release-held.lua gives it back). */
export type TimerDecision = { do: 'fire' } | { do: 'drop' } | { do: 'move'; at: number } | { do: 'hold'; held: string };

/** While a window stays unattended in office hours but nobody waits, look again this often. */
export const WINDOW_RECHECK_MS = 30_000;

export interface DecisionInputs {
  now: number;
  config: AlertConfig;
  office: OfficeHours;
  /** Tickets of a department waiting now (the aggregator's figure). */
  waiting: (dept: string) => number;
  /** The event time up to which a center's source has reported (watermarks.ts: +Infinity when live). */
  reportedUpTo: (center: string, source: string) => number;
}

/** `due`: the timer's score, the time it is due. */
export function decideTimer(payload: TimerPayload, due: number, x: DecisionInputs): TimerDecision {
  if (payload.kind !== 'open') return { do: 'fire' };
  const { spec } = payload;
  const dayBound = payload.day !== undefined && (spec.rule === 'wait' || spec.rule === 'service');
  // a ticket left over from an earlier day (its calls never came) is no longer news
  if (dayBound && dayIndexOf(x.now) > payload.day!) return { do: 'drop' };
  // its source may still report the event that ends it: wait for the source, not only the clock
  if (payload.src !== undefined && due > x.reportedUpTo(spec.center, payload.src))
    return { do: 'hold', held: heldSet(watermarkField(spec.center, payload.src), dayBound) };
  // a yellow card whose red one is due too (a hub that was down, a source back from a silence or
  // a replay that paused past the deadline) would close at once, superseded: only the red one opens
  if (spec.rule === 'case-yellow' && spec.dueAt !== undefined && spec.dueAt <= x.now) {
    if (payload.src === undefined || spec.dueAt <= x.reportedUpTo(spec.center, payload.src)) return { do: 'drop' };
  }
  if (spec.rule !== 'window') return { do: 'fire' };
  const idleMs = x.config.thresholdsFor(spec.dept).windowIdleMinutes * 60_000;
  const from = unattendedSince(spec.since, x.now);
  if (officeMsBetween(x.office, from, x.now) < idleMs) return { do: 'move', at: officeTimeAfter(x.office, from, idleMs) };
  if (!isOfficeTime(x.office, x.now)) return { do: 'move', at: officeTimeAfter(x.office, x.now, 0) };
  if (spec.dept && x.waiting(spec.dept) <= 0) return { do: 'move', at: x.now + WINDOW_RECHECK_MS };
  return { do: 'fire' };
}

/** Unattended or silent time counts from today's start: each office day gives the full grace again. */
export function unattendedSince(since: number, now: number): number {
  return Math.max(since, startOfDayMs(dayIndexOf(now)));
}
