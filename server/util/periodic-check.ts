/**
 * A check the hub makes every so often, whatever the hour (is a scheduled report due, does yesterday
 * have its replay checkpoints), on the background loop of the hub's workers: the first check a
 * while after the start (a hub started after the hour acts soon, not at the next interval), then one
 * every `everyMs`; a failed check is reported and the next one comes at its time.
 */
import { createBackgroundLoop, type BackgroundLoop } from './background-loop.ts';

export interface PeriodicCheckOptions {
  check: () => Promise<unknown>;
  /** Wait before the first check. */
  firstMs: number;
  everyMs: number;
  /** A check threw: report it (must not throw). */
  onError: (err: unknown) => void;
}

/** Starts the checks; `stop()` resolves once a check under way has finished. */
export function startPeriodicCheck(o: PeriodicCheckOptions): Pick<BackgroundLoop, 'stop'> {
  let first = true;
  const loop = createBackgroundLoop({
    async step() {
      if (first) {
        first = false;
        return o.firstMs;
      }
      await o.check();
      return o.everyMs;
    },
    onError(err) {
      o.onError(err);
      return o.everyMs;
    },
  });
  loop.start();
  return loop;
}
