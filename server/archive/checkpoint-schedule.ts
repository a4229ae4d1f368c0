/**
 * Yesterday's time-travel checkpoints, made overnight (docs/archive.md "Checkpoints"): once the day
 * reaches `atMinute` (Asia/Shanghai, default 01:30: the center is closed, every event of yesterday
 * sealed in the archive), a hub makes the previous day's half-hourly checkpoints, so the first
 * person to replay yesterday (the morning's incident review, a leader asking what happened) gets
 * any instant within the first-frame goal instead of waiting for a replay from the opening.
 *
 * Any hub may run it: the checkpoints' own lock (time-travel.ts) lets one make them and the others
 * find them made at their next try. A day whose events are not all sealed yet (a late event of
 * yesterday still in today's open hour) is tried again later; a day made is not tried again.
 */
import type { Logger } from 'pino';
import { dayIndexOf, shanghaiClock } from '../../common/time.ts';
import { startPeriodicCheck, type PeriodicCheck } from '../util/periodic-check.ts';
import type { TimeTravel } from './time-travel.ts';

export interface CheckpointScheduleSettings {
  /** Minute of the day (Asia/Shanghai) from which yesterday's checkpoints are made. */
  atMinute: number;
  /** How often a hub checks. @default 60 s */
  checkMs?: number;
  /**
   * After a try that made nothing (events not all sealed, another hub making them, a failure), the
   * next no sooner than this: a try reads the whole day from the archive. @default 15 min
   */
  retryMs?: number;
}

/** `check()` answers the day whose checkpoints it found or made, else null (tests call it with their clock). */
export type CheckpointScheduler = PeriodicCheck<number | null>;

export interface CheckpointScheduleDeps {
  timeTravel: Pick<TimeTravel, 'makeCheckpoints'>;
  now: () => number;
  log: Logger;
}

export function startCheckpointScheduler(d: CheckpointScheduleDeps, s: CheckpointScheduleSettings): CheckpointScheduler {
  const retryMs = s.retryMs ?? 15 * 60_000;
  let doneDay: number | null = null;
  let triedDay: number | null = null;
  let triedAt = 0;

  async function runOnce(): Promise<number | null> {
    const now = d.now();
    if (shanghaiClock(now).minute < s.atMinute) return null;
    const day = dayIndexOf(now) - 1;
    if (doneDay === day) return day;
    if (triedDay === day && now - triedAt < retryMs) return null;
    triedDay = day;
    triedAt = now;
    if (!(await d.timeTravel.makeCheckpoints(day))) return null;
    doneDay = day;
    return day;
  }

  // a hub started after the hour prepares yesterday soon, not only the next night
  return startPeriodicCheck({
    check: runOnce,
    firstMs: 60_000,
    everyMs: s.checkMs ?? 60_000,
    onError: (err) => d.log.warn({ err: (err as Error).message }, "time travel: making yesterday's checkpoints failed; tried again later"),
  });
}
