/**
 * Sends each source's events to POST /api/v1/events with that source's token, as a real system
 * would: batches of up to 1000, a few batches in flight, and retries with exponential backoff on
 * 503, 5xx and network errors, for as long as it takes. An event the mock generated is never
 * dropped; the hub de-duplicates by id, so a retried batch is counted once.
 */
import { MAX_BATCH_EVENTS, type IngestResult, type RejectedEvent, type YgEvent } from '../../common/events.ts';
import type { SourceName } from '../timeline.ts';

export class IngestAuthError extends Error {
  override name = 'IngestAuthError';
  constructor(source: string, url: string) {
    super(`the hub at ${url} refused the token of source "${source}" (401): set INGEST_TOKENS to the same "${source}=<token>" pairs as the hub`);
  }
}

export class IngestRefusedError extends Error {
  override name = 'IngestRefusedError';
  constructor(source: string, status: number, body: string) {
    super(`the hub refused a batch of source "${source}" with ${status}: ${body.slice(0, 300)}`);
  }
}

export interface SourceStats {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  retries: number;
}

export interface SenderOptions {
  url: string;
  /** source → token */
  tokens: ReadonlyMap<string, string>;
  /** @default 1000 */
  batchSize?: number;
  /** Batches in flight per source. Order-sensitive sources keep 1 (see `ORDERED`). */
  concurrency?: Partial<Record<SourceName, number>>;
  /** Called with the events the hub rejected (they will not be retried: they would fail again). */
  onRejected?: (source: SourceName, rejected: RejectedEvent[], batch: YgEvent[]) => void;
  /** Called while a batch waits to be retried. */
  onRetry?: (source: SourceName, attempt: number, reason: string, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Give up retrying after this long without success (ms). @default Infinity */
  giveUpAfterMs?: number;
  /** Stops retrying (the run was stopped: Ctrl-C). */
  signal?: AbortSignal;
}

export class SendingStoppedError extends Error {
  override name = 'SendingStoppedError';
}

/**
 * Sources whose events the hub applies in order (a case's suspension before its completion, a
 * window's statuses): one batch in flight, so batches land in the order they were made.
 */
const DEFAULT_CONCURRENCY: Record<SourceName, number> = { queue: 1, window: 1, rating: 2, cases: 1, portal: 4, trade: 1, fee: 1, complaint: 1 };
const MAX_BACKOFF_MS = 30_000;
const REQUEST_TIMEOUT_MS = 60_000;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SourceSender {
  private buffer: YgEvent[] = [];
  private readonly queue: YgEvent[][] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  readonly stats: SourceStats = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, batches: 0, retries: 0 };

  constructor(
    readonly source: SourceName,
    private readonly token: string,
    private readonly opts: SenderOptions,
    private readonly concurrency: number,
    private readonly fail: (err: Error) => void,
  ) {}

  push(event: YgEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= (this.opts.batchSize ?? MAX_BATCH_EVENTS)) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.queue.push(this.buffer);
    this.buffer = [];
    this.pump();
  }

  /** Batches waiting or in flight. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  idle(): Promise<void> {
    this.flush();
    if (this.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inFlight++;
      this.post(batch)
        .catch((err: Error) => this.fail(err))
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.backlog === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  private async post(batch: YgEvent[]): Promise<void> {
    const { url, onRetry } = this.opts;
    const sleep = this.opts.sleep ?? realSleep;
    const body = JSON.stringify(batch);
    const firstTry = Date.now();
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let retryAfterMs: number | undefined;
      try {
        const res = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (res.status === 202) {
          const result = (await res.json()) as IngestResult;
          this.stats.sent += batch.length;
          this.stats.batches++;
          this.stats.accepted += result.accepted;
          this.stats.duplicates += result.duplicates;
          this.stats.rejected += result.rejected.length;
          if (result.rejected.length > 0) this.opts.onRejected?.(this.source, result.rejected, batch);
          return;
        }
        const text = await res.text();
        if (res.status === 401) throw new IngestAuthError(this.source, url);
        if (res.status !== 503 && res.status !== 429 && res.status < 500) throw new IngestRefusedError(this.source, res.status, text);
        reason = `${res.status} ${text.slice(0, 120)}`;
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
      } catch (err) {
        if (err instanceof IngestAuthError || err instanceof IngestRefusedError) throw err;
        reason = (err as Error).cause instanceof Error ? `${(err as Error).message}: ${((err as Error).cause as Error).message}` : (err as Error).message;
      }
      if (this.opts.signal?.aborted) throw new SendingStoppedError(`stopped before the hub took ${batch.length} events of source "${this.source}" (${reason})`);
      if (Date.now() - firstTry > (this.opts.giveUpAfterMs ?? Infinity)) {
        throw new Error(`gave up sending ${batch.length} events of source "${this.source}" to ${url} after ${attempt} attempts: ${reason}`);
      }
      const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(attempt - 1, 10)) * (0.5 + Math.random());
      const delay = Math.max(retryAfterMs ?? 0, backoff);
      this.stats.retries++;
      onRetry?.(this.source, attempt, reason, delay);
      await sleep(delay);
    }
  }
}

/** One sender per source; a failure that retrying cannot fix (a wrong token) stops the run. */
export class Senders {
  private readonly bySource = new Map<SourceName, SourceSender>();
  private failure: Error | null = null;
  private rejectFailed: (err: Error) => void = () => undefined;
  /** Rejects with the first failure; raced against waits so they end at once. */
  private readonly failed: Promise<never>;

  constructor(private readonly opts: SenderOptions) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => undefined);
  }

  private sender(source: SourceName): SourceSender {
    let s = this.bySource.get(source);
    if (!s) {
      const token = this.opts.tokens.get(source);
      if (!token) throw new Error(`no ingest token for source "${source}" in INGEST_TOKENS`);
      const c = this.opts.concurrency?.[source] ?? DEFAULT_CONCURRENCY[source];
      s = new SourceSender(source, token, this.opts, c, (err) => this.setFailure(err));
      this.bySource.set(source, s);
    }
    return s;
  }

  private setFailure(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.rejectFailed(err);
  }

  /** Throws the failure that stopped sending, if any. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  push(event: YgEvent): void {
    this.check();
    this.sender(event.source as SourceName).push(event);
  }

  flush(): void {
    for (const s of this.bySource.values()) s.flush();
  }

  /** Resolves when the busiest source has at most `maxBacklog` batches waiting or in flight. */
  async room(maxBacklog = 8): Promise<void> {
    for (const s of this.bySource.values()) {
      while (s.backlog > maxBacklog) {
        this.check();
        await Promise.race([new Promise((r) => setTimeout(r, 5)), this.failed]);
      }
    }
    this.check();
  }

  /** Everything pushed so far is acknowledged by the hub. */
  async drain(): Promise<void> {
    await Promise.race([Promise.all([...this.bySource.values()].map((s) => s.idle())), this.failed]);
    this.check();
  }

  stats(): Map<SourceName, SourceStats> {
    return new Map([...this.bySource].map(([k, s]) => [k, { ...s.stats }]));
  }

  totals(): SourceStats {
    const t: SourceStats = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, batches: 0, retries: 0 };
    for (const s of this.bySource.values()) for (const k of Object.keys(t) as (keyof SourceStats)[]) t[k] += s.stats[k];
    return t;
  }
}
