/**
 * Scheduled reports (docs/reports.md, "Schedule"): the 日报 of the day for the city and each center
 * once the day reaches `dailyAt` (Asia/Shanghai, default 18:00), and the 月报 of the month before
 * for the same scopes once the 1st reaches `monthlyAt` (default 08:00); made by one hub (a Redis
 * lock per run) and kept (report-store.ts). A run that a stopped hub missed is made at the next
 * check of any hub the same day (the 日报) or month (the 月报): a run is marked done only once all
 * its reports are kept.
 */
import type { Logger } from 'pino';
import type { Scope } from '../../common/catalog.ts';
import { periodOf, previousPeriod } from '../../common/periods.ts';
import type { ReportKind } from '../../common/report.ts';
import { DAY_MS, dateOfDayIndex, dayIndexOf, shanghaiClock } from '../../common/time.ts';
import { startPeriodicCheck, type PeriodicCheck } from '../util/periodic-check.ts';
import { buildReport, type ReportDeps } from './report-model.ts';
import { reportKeys, type ReportStore } from './report-store.ts';

export interface ReportScheduleSettings {
  /** Minute of the day (Asia/Shanghai) at which the day's 日报 is made. @default 18:00 */
  dailyAtMinute: number;
  /** Minute of the 1st at which the previous month's 月报 is made. @default 08:00 */
  monthlyAtMinute: number;
  /** How often a hub checks whether a run is due. @default 60 s */
  checkMs?: number;
}

/** A run holds its lock this long at most (a city month takes seconds; a loaded machine more). */
const RUN_LOCK_MS = 10 * 60_000;
/** A done run is remembered past the day or month it is about. */
const DONE_KEEP_MS = 40 * DAY_MS;

/** `check()` makes the runs that are due and not done (tests call it with their clock). */
export type ReportScheduler = PeriodicCheck<string[]>;

export interface ScheduleDeps extends ReportDeps {
  store: ReportStore;
  log: Logger;
  /** Called with each kept report's id (e.g. to tell someone). */
  onKept?: (ids: string[]) => void;
}

/** The runs due at `now`: `daily:<date>` once the day passed dailyAt, `monthly:<YYYY-MM>` of the month before once the 1st passed monthlyAt. */
export function dueRuns(now: number, s: ReportScheduleSettings): { run: string; kind: ReportKind; day: number }[] {
  const today = dayIndexOf(now);
  const minute = shanghaiClock(now).minute;
  const runs: { run: string; kind: ReportKind; day: number }[] = [];
  if (minute >= s.dailyAtMinute) runs.push({ run: `daily:${dateOfDayIndex(today)}`, kind: 'daily', day: today });
  const month = periodOf('month', today);
  // the whole 1st after monthlyAt, and the rest of the month for a run missed on the 1st
  if (today > month.from || minute >= s.monthlyAtMinute) {
    const before = previousPeriod(month);
    runs.push({ run: `monthly:${dateOfDayIndex(before.from).slice(0, 7)}`, kind: 'monthly', day: before.from });
  }
  return runs;
}

export function startReportScheduler(d: ScheduleDeps, s: ReportScheduleSettings): ReportScheduler {
  const k = reportKeys(d.keys.prefix);
  const doneKey = (run: string) => `${k.runLock(run)}:done`;

  async function runOnce(): Promise<string[]> {
    const made: string[] = [];
    for (const { run, kind, day } of dueRuns(d.now(), s)) {
      if (await d.redis.exists(doneKey(run))) continue;
      const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
      if ((await d.redis.set(k.runLock(run), token, 'PX', RUN_LOCK_MS, 'NX')) !== 'OK') continue;
      try {
        const scopes: Scope[] = ['city', ...d.catalog.catalog.centers.map((c) => `center:${c.code}` as Scope)];
        const ids: string[] = [];
        for (const scope of scopes) {
          const report = await buildReport(d, kind, scope, day);
          ids.push((await d.store.keep(report, d.now())).id);
        }
        await d.redis.set(doneKey(run), '1', 'PX', DONE_KEEP_MS);
        made.push(...ids);
        d.log.info({ run, reports: ids.length }, 'scheduled reports made');
        d.onKept?.(ids);
      } finally {
        // only our own lock: a run that outlived it may have been taken over
        if ((await d.redis.get(k.runLock(run))) === token) await d.redis.del(k.runLock(run));
      }
    }
    return made;
  }

  // a hub started after the hour makes what is due at once, not a minute later
  return startPeriodicCheck({
    check: runOnce,
    firstMs: 1000,
    everyMs: s.checkMs ?? 60_000,
    onError: (err) => d.log.warn({ err: (err as Error).message }, 'scheduled reports failed; retried at the next check'),
  });
}
