/**
 * A check the hub makes every so often, whatever the hour (is a scheduled report due, does yesterday
 * have its replay checkpoints), on the background loop of the hub's workers: the first check a
 * while after the start (a hub started after the hour acts soon, not at the next interval), then one
 * every `everyMs`; a failed check is reported and the next one comes at its time.
 */
import { createBackgroundLoop } from './background-loop.ts';

export interface PeriodicCheckOptions<T> {
  check: () => Promise<T>;
  /** Wait before the first check. */
  firstMs: number;
  everyMs: number;
  /** A check threw: report it (must not throw). */
  onError: (err: unknown) => void;
}

export interface PeriodicCheck<T> {
  /** One check now (tests call it with their clock); while one runs, its answer. */
  check(): Promise<T>;
  /** Ends the checks; resolves once a check under way has finished. */
  stop(): Promise<void>;
}

/** Starts the checks. */
export function startPeriodicCheck<T>(o: PeriodicCheckOptions<T>): PeriodicCheck<T> {
  let running: Promise<T> | null = null;
  const check = (): Promise<T> => {
    running ??= o.check().finally(() => {
      running = null;
    });
    return running;
  };
  let first = true;
  const loop = createBackgroundLoop({
    async step() {
      if (first) {
        first = false;
        return o.firstMs;
      }
      await check();
      return o.everyMs;
    },
    onError(err) {
      o.onError(err);
      return o.everyMs;
    },
  });
  loop.start();
  return { check, stop: () => loop.stop() };
}
