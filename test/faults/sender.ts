/**
 * A source that behaves as the contract asks: it sends portal-hit batches and retries each batch
 * until it is answered 202, so every event it generated is acknowledged exactly once at the end.
 */
import { toShanghaiIso } from '../../common/time.ts';
import { waitFor } from '../helpers/wait-for.ts';

export const FAULT_TOKEN = 'portal-fault-token';
export const FAULT_TOKENS_ENV = `portal=${FAULT_TOKEN}`;

export interface SenderStats {
  acked: number;
  attempts: number;
  failures: number;
  statuses: Map<number | string, number>;
  maxAnswerMs503: number;
  /** Events found already stored when a batch answered 503 "nothing taken" was sent again: must stay 0. */
  takenDespite503: number;
}

export interface SenderOptions {
  batch?: number;
  at?: () => number;
  /** Told the ids of each batch answered 202, and which hub answered. */
  onAck?: (ids: string[], url: string) => void;
}

export function createSender(urls: () => string, runId: string, opts: SenderOptions = {}) {
  const size = opts.batch ?? 100;
  const stats: SenderStats = { acked: 0, attempts: 0, failures: 0, statuses: new Map(), maxAnswerMs503: 0, takenDespite503: 0 };
  let seq = 0;
  let running = true;

  function makeBatch() {
    const at = toShanghaiIso(opts.at?.() ?? Date.now());
    return Array.from({ length: size }, () => ({
      id: `${runId}-${seq++}`,
      type: 'portal.hit',
      at,
      source: 'portal',
      center: 'yiyang',
      column: '动态信息',
      path: '/f',
      visitor: `v${seq % 5000}`,
    }));
  }

  async function sendUntilAcked(events: unknown[]): Promise<void> {
    const body = JSON.stringify(events);
    const ids = (events as { id: string }[]).map((e) => e.id);
    let saidNothingTaken = false;
    let maybeTaken = false;
    for (let attempt = 0; ; attempt++) {
      stats.attempts++;
      const started = Date.now();
      const url = urls();
      try {
        const res = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${FAULT_TOKEN}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5000),
        });
        stats.statuses.set(res.status, (stats.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) {
          const json = (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
          if (json.rejected.length) throw new Error(`unexpected rejects: ${JSON.stringify(json.rejected[0])}`);
          if (saidNothingTaken && !maybeTaken) stats.takenDespite503 += json.duplicates;
          stats.acked += events.length;
          opts.onAck?.(ids, url);
          return;
        }
        if (res.status === 503) {
          stats.maxAnswerMs503 = Math.max(stats.maxAnswerMs503, Date.now() - started);
          const error = ((await res.json()) as { error: string }).error;
          if (/nothing of this batch was taken/.test(error)) saidNothingTaken = true;
          else maybeTaken = true;
        } else {
          await res.body?.cancel();
        }
      } catch (err) {
        if ((err as Error).message.startsWith('unexpected')) throw err;
        maybeTaken = true; // the answer was lost: the hub may have stored it
        stats.statuses.set('network', (stats.statuses.get('network') ?? 0) + 1);
      }
      stats.failures++;
      // the back-off the event contract asks of a source between tries, not a wait in the test
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 1000)));
    }
  }

  /** Runs `concurrency` loops until stop(); resolves when every generated batch is acknowledged. */
  async function run(concurrency: number, pauseMs = 0): Promise<void> {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (running) {
          await sendUntilAcked(makeBatch());
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs)); // the pace of the source
        }
      }),
    );
  }

  return {
    stats,
    run,
    stop: () => {
      running = false;
    },
    generated: () => seq,
  };
}

/** Page views the hub counted for a day, read through the public snapshot API. */
export async function countedPv(url: string, date: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/snapshot?scope=city&date=${date}`);
  return ((await res.json()) as { portal: { pv: number } }).portal.pv;
}

/** Waits until the hub's aggregators have applied everything (consumer lag and pending 0). */
export async function waitDrained(url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'aggregation to drain',
    async () => {
      try {
        const h = (await (await fetch(`${url}/healthz`)).json()) as { consumer: { lag: number | null; pending: number | null } };
        return h.consumer.lag === 0 && h.consumer.pending === 0;
      } catch {
        return false; // hub or redis still coming back
      }
    },
    timeoutMs,
    100,
  );
}

export const today = () => toShanghaiIso(Date.now()).slice(0, 10);
