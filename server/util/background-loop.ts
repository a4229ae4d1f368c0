/**
 * The loop of the hub's background workers (the aggregator's backlog, the archive writer, the copy
 * to the object store, the alert engine's reader), defined once: one step at a time, the wait the
 * step asks for before the next, a failed step reported and tried again after the wait its caller
 * chooses. `stop()` cuts a wait short and returns only once the step under way has finished, so a
 * caller may release what its steps use (a lease, open files, a connection) right after it.
 *
 * What differs between the workers stays in their step and error functions: how long to wait (idle,
 * a backoff that grows, at once after a full batch), which errors are retried at once.
 */

/** What a step answers: the wait in ms before the next step (0 or less: at once), or `'stop'` to end the loop. */
export type StepOutcome = number | 'stop';

export interface BackgroundLoopOptions {
  /** One unit of work. */
  step: () => Promise<StepOutcome>;
  /**
   * A step threw while the loop runs (an error after `stop()` ends the loop silently): report it and
   * answer the wait before the next step, or `'stop'`. Must not throw.
   */
  onError: (err: unknown) => StepOutcome;
}

export interface BackgroundLoop {
  /** Starts the loop; does nothing while it runs. One step at a time, also across a stop() and a start(). */
  start(): void;
  /** Ends the loop: cuts the wait short; resolves once the step under way (if any) has finished. */
  stop(): Promise<void>;
  /** Started and neither stopped nor ended by its step: a long step checks it to end early. */
  readonly running: boolean;
}

export function createBackgroundLoop(opts: BackgroundLoopOptions): BackgroundLoop {
  /** The current run: a start after a stop gets a new one, so a run still ending never sees itself running again. */
  let run: { running: boolean; wake: (() => void) | null; done: Promise<void> } | null = null;

  function pause(current: NonNullable<typeof run>, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      current.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function loop(current: NonNullable<typeof run>): Promise<void> {
    while (current.running) {
      let wait: StepOutcome;
      try {
        wait = await opts.step();
      } catch (err) {
        if (!current.running) break;
        wait = opts.onError(err);
      }
      if (wait === 'stop') break;
      // stopped during the step: no wait that nobody would cut short
      if (!current.running) break;
      if (wait > 0) await pause(current, wait);
      current.wake = null;
    }
    current.running = false;
  }

  return {
    get running() {
      return run?.running ?? false;
    },
    start() {
      if (run?.running) return;
      // started again before a stop() came back: the new run's first step waits for the old run's last
      const previous = run ? run.done.catch(() => undefined) : Promise.resolve();
      const current: NonNullable<typeof run> = { running: true, wake: null, done: Promise.resolve() };
      // set before the first step starts: that step may read `running`
      run = current;
      current.done = previous.then(() => loop(current));
    },
    async stop() {
      const current = run;
      if (!current) return;
      current.running = false;
      current.wake?.();
      await current.done;
    },
  };
}
