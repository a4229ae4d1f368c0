/**
 * What to do with a timer that came due (pure): fire it, move it later, or drop it.
 * Ticket alerts belong to their day; an unattended window counts only in office hours and only
 * while tickets of its department wait.
 */
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { AlertConfig } from './alert-config.ts';
import type { TimerPayload } from './event-ops.ts';
import { isOfficeTime, officeMsBetween, officeTimeAfter, type OfficeHours } from './office-hours.ts';

export type TimerDecision = { do: 'fire' } | { do: 'drop' } | { do: 'move'; at: number };

/** While a window stays unattended in office hours but nobody waits, look again this often. */
export const WINDOW_RECHECK_MS = 30_000;

export interface DecisionInputs {
  now: number;
  config: AlertConfig;
  office: OfficeHours;
  /** Tickets of a department waiting now (the aggregator's figure). */
  waiting: (dept: string) => number;
}

export function decideTimer(payload: TimerPayload, x: DecisionInputs): TimerDecision {
  if (payload.kind !== 'open') return { do: 'fire' };
  const { spec } = payload;
  // a ticket left over from an earlier day (its calls never came) is no longer news
  if (payload.day !== undefined && dayIndexOf(x.now) > payload.day && (spec.rule === 'wait' || spec.rule === 'service')) return { do: 'drop' };
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
