/**
 * The three modes as a library: `runReplay`, `runBackfill`, `runLive`. The CLI and `npm run demo`
 * call them; tests call them against a real hub and compare its snapshot with the returned tally.
 */
import type { WorkCalendar } from '../common/calendar.ts';
import type { Catalog } from '../common/catalog.ts';
import type { RejectedEvent, YgEvent } from '../common/events.ts';
import { DAY_MS, dateOfDayIndex, dayIndexOf, dayIndexOfDate, shanghaiClock, startOfDayMs } from '../common/time.ts';
import { fetchCatalog } from './catalog-client.ts';
import { buildDay, carryOver, dayStream, modelContext, type ModelContext } from './model/day.ts';
import { simDays } from './model/sim-days.ts';
import { inOfficeHours, loadMockCalendar } from './office-hours.ts';
import { resolveScenarios, type ScenarioName } from './scenarios.ts';
import { Senders, SendingStoppedError, type SenderOptions, type SourceStats } from './send/sender.ts';
import { Tally } from './tally.ts';
import { DEFAULT_SEED, SOURCES, type SourceName, type Timed } from './timeline.ts';

export interface RunOptions {
  /** The hub, e.g. http://127.0.0.1:8080 */
  url: string;
  /** source → token (INGEST_TOKENS) */
  tokens: ReadonlyMap<string, string>;
  /** @default '1' */
  seed?: string;
  scenarios?: ScenarioName[];
  /** Send only these sources' events (e.g. `['cases']`). @default all */
  only?: SourceName[];
  /** @default GET /api/v1/catalog of the hub */
  catalog?: Catalog;
  /** @default chinese-days + HOLIDAYS_FILE, like the hub */
  calendar?: WorkCalendar;
  /** The wall clock. @default Date.now */
  now?: () => number;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  onRetry?: SenderOptions['onRetry'];
  onRejected?: (source: SourceName, rejected: RejectedEvent[], batch: YgEvent[]) => void;
  concurrency?: SenderOptions['concurrency'];
  /** The hub's DEDUPE_DAYS: it refuses events older than this, so the mock does not send them. @default 35 */
  hubMaxAgeDays?: number;
}

export interface RunProgress {
  /** `carry-over` (open cases from before the first day) or the date being sent. */
  label: string;
  dayNumber: number;
  dayCount: number;
  /** Events of this part handled so far, and in all. */
  done: number;
  total: number;
  sent: number;
  elapsedMs: number;
  /** Waiting for the clock (live, or a replay of today). */
  waiting: boolean;
}

export interface RunResult {
  tally: Tally;
  stats: Map<SourceName, SourceStats>;
  totals: SourceStats;
  elapsedMs: number;
  /** Events generated and sent (after `only`). */
  generated: number;
  /** Carry-over events too old for the hub, not sent. */
  skippedTooOld: number;
  /** The dates sent (the last one partly when the run was stopped). */
  days: string[];
}

export class RunRangeError extends Error {
  override name = 'RunRangeError';
}

type Pace = 'max' | number;

/** Replays one date at `speed` times real time, or as fast as the hub takes (`max`). */
export async function runReplay(opts: RunOptions & { date: string; speed?: Pace }): Promise<RunResult> {
  const now = (opts.now ?? Date.now)();
  const day = dayIndexOfDate(opts.date);
  if (Number.isNaN(day)) throw new RunRangeError(`--date must be YYYY-MM-DD, not "${opts.date}"`);
  const today = dayIndexOf(now);
  if (day > today) throw new RunRangeError(`${opts.date} is in the future; the hub refuses events more than 10 minutes ahead`);
  const maxAge = (opts.hubMaxAgeDays ?? 35) - 1;
  if (day < today - maxAge)
    throw new RunRangeError(`${opts.date} is more than ${maxAge} days ago; the hub refuses events older than ${maxAge + 1} days (DEDUPE_DAYS)`);
  const setup = await prepare(opts);
  const scenarios = resolveScenarios(opts.scenarios ?? [], startOfDayMs(day) + 10 * 3600_000);
  return drive(setup, opts, [{ day, scenarios }], opts.speed ?? 'max', false);
}

/** The last `days` days before today, oldest first, as fast as the hub takes. */
export async function runBackfill(opts: RunOptions & { days: number }): Promise<RunResult> {
  const maxAge = (opts.hubMaxAgeDays ?? 35) - 1;
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > maxAge)
    throw new RunRangeError(`--days must be 1 to ${maxAge} (the hub keeps ${maxAge + 1} days)`);
  const today = dayIndexOf((opts.now ?? Date.now)());
  const setup = await prepare(opts);
  const days = Array.from({ length: opts.days }, (_, i) => ({ day: today - opts.days + i, scenarios: {} }));
  return drive(setup, opts, days, 'max', false);
}

/** Whether the centers serve at this instant (a working day, in office hours). */
export function centerOpenAt(calendar: WorkCalendar, ms: number): boolean {
  return calendar.isWorkday(dayIndexOf(ms)) && inOfficeHours(shanghaiClock(ms).minute);
}

/**
 * Follows the wall clock from now on: first today's events up to now (the morning so far), then
 * each event when it happens, day after day, until `signal` aborts. With `open`, today is run as
 * a working day whose 10:00 is now, whatever the date and time (for demos at night or weekends).
 */
export async function runLive(opts: RunOptions & { open?: boolean }): Promise<RunResult> {
  const now = (opts.now ?? Date.now)();
  const today = dayIndexOf(now);
  const open = opts.open ? { day: today, baseMs: now - 10 * 3600_000 } : undefined;
  const setup = await prepare(opts, open);
  const scenarios = resolveScenarios(opts.scenarios ?? [], now + 60_000);
  return drive(setup, opts, [{ day: today, scenarios }], 'max', true);
}

interface Setup {
  ctx: ModelContext;
  tally: Tally;
}

async function prepare(opts: RunOptions, open?: { day: number; baseMs: number }): Promise<Setup> {
  const catalog = opts.catalog ?? (await fetchCatalog(opts.url, opts.signal));
  const calendar = opts.calendar ?? loadMockCalendar();
  const needed = opts.only ?? [...SOURCES];
  const missing = needed.filter((s) => !opts.tokens.has(s));
  if (missing.length > 0) {
    throw new RunRangeError(
      `INGEST_TOKENS has no token for ${missing.join(', ')}; set it to the hub's pairs, e.g. INGEST_TOKENS="queue=…,window=…,rating=…,cases=…,portal=…,trade=…,fee=…,complaint=…"`,
    );
  }
  return { ctx: modelContext(catalog, simDays(calendar, open), opts.seed ?? DEFAULT_SEED), tally: new Tally(calendar) };
}

async function drive(
  setup: Setup,
  opts: RunOptions,
  days: { day: number; scenarios: ReturnType<typeof resolveScenarios> }[],
  pace: Pace,
  follow: boolean,
): Promise<RunResult> {
  const { ctx, tally } = setup;
  const clock = opts.now ?? Date.now;
  const started = clock();
  const only = new Set<SourceName>(opts.only ?? SOURCES);
  const senders = new Senders({
    url: opts.url,
    tokens: opts.tokens,
    concurrency: opts.concurrency,
    onRetry: opts.onRetry,
    onRejected: opts.onRejected,
    signal: opts.signal,
  });
  const oldest = clock() - ((opts.hubMaxAgeDays ?? 35) * DAY_MS - 3600_000);
  let generated = 0;
  let skippedTooOld = 0;
  const sentDays: string[] = [];
  const aborted = () => opts.signal?.aborted === true;

  // speed N: virtual time runs N times faster than real time from the first event on
  let v0 = NaN;
  let r0 = NaN;
  const waitFor = (sendAt: number): number => {
    const t = clock();
    const wall = sendAt - t;
    if (pace === 'max') return wall;
    if (Number.isNaN(v0)) {
      v0 = sendAt;
      r0 = t;
    }
    return Math.max(wall, (sendAt - v0) / pace - (t - r0));
  };

  async function send(label: string, dayNumber: number, dayCount: number, items: Iterable<Timed>, total: number): Promise<void> {
    let done = 0;
    const progress = (waiting: boolean) =>
      opts.onProgress?.({ label, dayNumber, dayCount, done, total, sent: senders.totals().sent, elapsedMs: clock() - started, waiting });
    for (const item of items) {
      if (aborted()) return;
      done++;
      if (!only.has(item.event.source as SourceName)) continue;
      if (item.at < oldest) {
        skippedTooOld++;
        continue;
      }
      let wait = waitFor(item.sendAt);
      if (wait > 0) {
        senders.flush();
        while (wait > 0 && !aborted()) {
          progress(true);
          await sleep(Math.min(wait, 1000), opts.signal);
          senders.check();
          wait = waitFor(item.sendAt);
        }
        if (aborted()) return;
      }
      if (item.barrier) await senders.drain();
      senders.push(item.event);
      tally.add(item.event);
      generated++;
      if (item.barrier) await senders.drain();
      if (generated % 1000 === 0) {
        await senders.room();
        progress(false);
      }
    }
    progress(false);
  }

  const first = days[0]!.day;
  try {
    const carry = carryOver(ctx, first);
    await send('carry-over', 0, days.length, carry, carry.length);
    for (let i = 0; !aborted(); i++) {
      const spec = days[i] ?? (follow ? { day: first + i, scenarios: {} } : undefined);
      if (!spec) break;
      const build = buildDay(ctx, spec.day, spec.scenarios);
      const withPortal = only.has('portal');
      const total = build.timeline.length + (withPortal ? build.portal.total : 0);
      sentDays.push(dateOfDayIndex(spec.day));
      await send(build.date, i + 1, follow ? i + 1 : days.length, dayStream(build, ctx.seed, withPortal), total);
    }
  } catch (err) {
    if (!(aborted() && err instanceof SendingStoppedError)) throw err;
  }
  senders.flush();
  if (aborted()) {
    // stopped: give what is in flight a moment, then report what the hub did not confirm
    await Promise.race([senders.drain(), sleep(5000)]).catch(() => undefined);
  } else {
    await senders.drain();
  }
  return { tally, stats: senders.stats(), totals: senders.totals(), elapsedMs: clock() - started, generated, skippedTooOld, days: sentDays };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
