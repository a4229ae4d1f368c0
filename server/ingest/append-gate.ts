/**
 * Bounds how long, and how many, ingest appends wait for Redis, so that a 503 always means
 * "nothing of this batch was taken":
 * - the append script refuses to start after its deadline (Redis clock), and
 * - the hub answers only after that deadline has passed without a reply, giving the event loop
 *   one more turn so a reply that is already there (a busy hub) is read first.
 * Appends still waiting for Redis are counted; beyond `maxInFlight` new batches are refused at once,
 * so a frozen Redis cannot make the hub queue without bound.
 */
import { StoreRefusal } from '../redis/store-failure.ts';

export class StoreTimeoutError extends StoreRefusal {
  override name = 'StoreTimeoutError';
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
  }
}

export class StoreBusyError extends StoreRefusal {
  override name = 'StoreBusyError';
  constructor(max: number) {
    super(`${max} batches are already waiting for Redis`);
  }
}

export interface AppendGate {
  /** Runs `append` (which must refuse to start after `deadlineLocalMs`) and answers within `timeoutMs`. */
  run<T>(append: (deadlineLocalMs: number) => Promise<T>): Promise<T>;
  inFlight(): number;
}

export function createAppendGate(opts: { timeoutMs: number; graceMs?: number; maxInFlight?: number }): AppendGate {
  const graceMs = opts.graceMs ?? 150;
  const maxInFlight = opts.maxInFlight ?? 256;
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    run(append) {
      if (inFlight >= maxInFlight) return Promise.reject(new StoreBusyError(maxInFlight));
      // the script must start by here; the reply then has `graceMs` to come back
      const deadline = Date.now() + opts.timeoutMs - graceMs;
      inFlight++;
      const work = append(deadline).finally(() => {
        inFlight--;
      });
      return new Promise((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => {
          // a reply may already sit in the socket behind this timer: let the poll phase read it first
          setImmediate(() => {
            if (!settled) {
              settled = true;
              reject(new StoreTimeoutError(opts.timeoutMs));
            }
          });
        }, opts.timeoutMs);
        work.then(
          (v) => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolve(v);
            }
          },
          (e: unknown) => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              reject(e);
            }
          },
        );
      });
    },
  };
}
