/**
 * Every Redis key the hub uses, in one place. The Lua scripts in server/aggregate/apply-events.lua
 * and server/ingest/append-events.lua build the same names from the same prefix; change both together.
 */
import type { Scope } from '../../common/catalog.ts';

export function redisKeys(prefix: string) {
  return {
    prefix,
    /** The durable event log (Redis Stream). */
    stream: `${prefix}events`,
    /** Consumer group of the aggregators. */
    group: 'aggregators',
    /** Events that aggregation gave up on, with their error. */
    deadLetters: `${prefix}events:dead`,
    /** Set of event ids seen on day D (by the event's `at`), for de-duplication. */
    seen: (day: number) => `${prefix}seen:${day}`,
    /** Day totals of a scope: hash field → count. */
    day: (scope: Scope, day: number) => `${prefix}agg:${scope}:${day}`,
    /** Hourly counts of a scope on a day: field `metric|HH`. */
    hour: (scope: Scope, day: number) => `${prefix}aggh:${scope}:${day}`,
    /** Per-minute counts of a scope on a day: field `metric|MMMM` (minute of day). */
    minute: (scope: Scope, day: number) => `${prefix}aggm:${scope}:${day}`,
    /** Monthly totals (trading, fees): field → count. */
    month: (scope: Scope, month: string) => `${prefix}aggmo:${scope}:${month}`,
    /** Unique portal visitors of a scope on a day (HyperLogLog). */
    uv: (scope: Scope, day: number) => `${prefix}uv:${scope}:${day}`,
    /** Gauges that are not per day (open cases). */
    gauge: (scope: Scope) => `${prefix}gauge:${scope}`,
    /** Open, unsuspended cases of a scope by deadline (epoch ms). */
    openCases: (scope: Scope) => `${prefix}open:${scope}`,
    /** Current state of a window. */
    window: (code: string) => `${prefix}win:${code}`,
    /** The latest calls of a center, newest first (JSON: ticket, window, at). */
    recentCalls: (center: string) => `${prefix}calls:${center}`,
    /** Calendar exceptions: day index → 1 (make-up workday) / 0 (holiday). */
    calendar: `${prefix}calendar`,
    /** Last time each source sent anything: source → epoch ms. */
    sourceSeen: `${prefix}source-seen`,
    /** Open alert counts of a scope (filled by the alert engine). */
    alertCounts: (scope: Scope) => `${prefix}alerts:count:${scope}`,
    /** Channel on which aggregators announce the scopes an applied batch changed. */
    changedChannel: `${prefix}changed`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
