/**
 * A warning that may repeat hundreds of times a second (every batch refused while Redis is busy)
 * is logged once, then at most once per interval with the number of repeats in between, so an
 * overload shows in the log without flooding it.
 */
import type { Logger } from 'pino';

export type ThrottledWarn = (key: string, fields: Record<string, unknown>, msg: string) => void;

export function throttledWarn(log: Logger, intervalMs = 10_000, now: () => number = Date.now): ThrottledWarn {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, fields, msg) => {
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.warn({ ...fields, ...(seen?.suppressed ? { repeatsSinceLast: seen.suppressed } : {}) }, msg);
    last.set(key, { at: t, suppressed: 0 });
  };
}
