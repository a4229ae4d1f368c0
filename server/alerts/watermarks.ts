/**
 * Event time (docs/alerts.md#event-time): a timer that came due by the clock fires only once the
 * source that would have ended it has reported up to the timer's time. Replaying or backfilling
 * history then raises no card that never was due: the timer of a ticket issued at 09:00 last week
 * waits while the queue machine's backfill is at 08:00, and the call at 09:10 ends it before it
 * fires.
 *
 * Each (center, source) has a watermark in `alerts:watermark`, moved by the alert engine in the
 * same script that applies the events (lua/alert-apply-entries.lua), so it never runs ahead of the
 * events applied: `w` the latest event time applied, `lag` how far behind the hub's clock the
 * source was when it reported the events that last moved `w` (the ingest script stamps each alert
 * stream entry with the hub's time, `in`, so an engine that reads late does not make a live source
 * look behind), `seen` when it last reported anything. Per center, because the timers are per
 * center and one center's replay must not hold or release another's.
 *
 * How far a (center, source) counts as having reported ({@link reportedUpTo}):
 * - live (its events arrive as they happen, the engine has taken the whole stream, and the source
 *   has no `source` alert): up to now, so the timers fire by the clock as before; a quiet but live
 *   source holds nothing back;
 * - replaying (its latest events were more than LIVE_LAG_MS old when they arrived) and still
 *   sending (something within SETTLE_MS): up to nothing yet. A backfill's later events may still
 *   end any of its timers, so none fires before it pauses: a breach that the same backfill
 *   resolves (a ticket called after 45 minutes) raises no card; the figures hold it, from event
 *   times;
 * - replaying and paused, silent (its `source` alert is open: it stands for all the timers that
 *   wait on it), or with the engine behind on the stream: up to its watermark `w`. A source that
 *   comes back fires, by its new watermark, what really was due, with the cards' event-time `since`.
 */
import { dayIndexOf, startOfDayMs } from '../../common/time.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { replyCode } from '../redis/store-failure.ts';
import type { AlertRedis } from './alert-scripts.ts';

/** Events at most this old when they arrive come from a source reporting as things happen. */
export const LIVE_LAG_MS = 5 * 60_000;
/** A replaying source that sent nothing for this long has paused: its watermark counts. */
export const SETTLE_MS = 60_000;

export interface Watermark {
  /** The latest event time applied (epoch ms). */
  w: number;
  /** How far behind the hub's clock the source was when it reported the events that last moved `w` (ms). */
  lag: number;
  /** When (hub clock) the source last reported anything the engine has applied. */
  seen: number;
}

export interface SourceState {
  /** The source has an unresolved `source` alert. */
  silent: boolean;
  /** The alert engines have taken every entry of the alert stream. */
  caughtUp: boolean;
}

/** The watermark's field: per center and source. Center codes hold no `|`. */
export const watermarkField = (center: string, source: string): string => `${center}|${source}`;

/**
 * The held set of a timer: `day:` for a ticket's timers, which end with their day (released at
 * the day's start to be dropped), `any:` for the others.
 */
export const heldSet = (field: string, dayBound: boolean): string => `${dayBound ? 'day' : 'any'}:${field}`;

/** The event time up to which a (center, source) counts as having reported: +Infinity when live. */
export function reportedUpTo(mark: Watermark | undefined, now: number, state: SourceState): number {
  if (!mark) return Number.POSITIVE_INFINITY; // nothing reported yet: nothing to wait for
  const replaying = mark.lag > LIVE_LAG_MS;
  if (!replaying && !state.silent && state.caughtUp) return Number.POSITIVE_INFINITY;
  if (replaying && !state.silent && now - mark.seen < SETTLE_MS) return Number.NEGATIVE_INFINITY;
  return mark.w;
}

export interface WatermarkView {
  /** The event time up to which the timers of this center and source may fire. */
  upTo(center: string, source: string): number;
  /** Gives the timers back that may fire now (lua/alert-release-held.lua); answers how many. */
  release(): Promise<number>;
}

/** Reads the watermarks, the silent sources and the engine's progress once for one tick. */
export async function readWatermarks(redis: AlertRedis, keys: RedisKeys, now: number): Promise<WatermarkView> {
  const raw = await redis.hgetall(keys.alertWatermarks);
  const marks = new Map<string, Watermark>();
  for (const [field, json] of Object.entries(raw)) marks.set(field, JSON.parse(json) as Watermark);
  const sources = [...new Set([...marks.keys()].map((f) => f.slice(f.indexOf('|') + 1)))];
  const active = sources.length > 0 ? await redis.hmget(keys.alertActive, ...sources.map((s) => `source:${s}`)) : [];
  const silent = new Set(sources.filter((_, i) => active[i]));
  const caughtUp = marks.size > 0 ? await engineCaughtUp(redis, keys) : true;
  const upTo = new Map<string, number>();
  for (const [field, mark] of marks) upTo.set(field, reportedUpTo(mark, now, { silent: silent.has(field.slice(field.indexOf('|') + 1)), caughtUp }));
  const dayStart = startOfDayMs(dayIndexOf(now));
  return {
    upTo: (center, source) => upTo.get(watermarkField(center, source)) ?? Number.POSITIVE_INFINITY,
    async release() {
      if (upTo.size === 0 || (await redis.hlen(keys.alertsHeldOf)) === 0) return 0;
      const args: (string | number)[] = [];
      const bound = (t: number) => (t === Number.POSITIVE_INFINITY ? '+inf' : t);
      for (const [field, t] of upTo) {
        if (t !== Number.NEGATIVE_INFINITY) args.push(heldSet(field, false), bound(t));
        // a ticket's timers of an earlier day go back to be dropped (timer-decision.ts)
        args.push(heldSet(field, true), bound(Math.max(t, dayStart - 1)));
      }
      return Number(await redis.ygAlertRelease(keys.prefix, ...args));
    },
  };
}

/**
 * Whether the group `alerts` has read every entry of the alert stream and acknowledged it: until
 * then a live source counts only as far as its watermark (a hub back from a stop takes what
 * arrived meanwhile before it fires by the clock).
 */
export async function engineCaughtUp(redis: Pick<AlertRedis, 'xinfo' | 'xrevrange'>, keys: Pick<RedisKeys, 'alertStream' | 'alertsGroup'>): Promise<boolean> {
  let groups: unknown[][];
  try {
    groups = (await redis.xinfo('GROUPS', keys.alertStream)) as unknown[][];
  } catch (err) {
    if (replyCode(err) === 'ERR') return true; // no stream yet: nothing unread
    throw err;
  }
  for (const g of groups) {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
    if (info.get('name') !== keys.alertsGroup) continue;
    if (Number(info.get('pending') ?? 0) > 0) return false;
    const last = (await redis.xrevrange(keys.alertStream, '+', '-', 'COUNT', 1))[0]?.[0];
    return last === undefined || compareIds(String(info.get('last-delivered-id')), last) >= 0;
  }
  return false;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
