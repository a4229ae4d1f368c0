/**
 * The hub's clock, as seen from this page. Screens run on player PCs (LED controllers, mini PCs
 * behind walls) whose clocks drift or are simply wrong; the hub's is the one the whole center
 * shares (the events, the day's figures, the replay's "now"). So wherever a screen means "the time
 * now" it asks `hubNow()`: this PC's time plus the offset estimated here. Durations between two
 * instants of this PC (animation timers, "no message for 15 s") keep the PC's clock: an offset
 * correction must never make them jump.
 *
 * The offset comes from what the page receives anyway (docs/realtime.md#the-hubs-time-on-the-screens):
 * - every `/live` message carries the hub's send time `sentAt` (ms). Network delay only ever
 *   makes a message look later, so the hub's time at its arrival is at least `sentAt`: the offset
 *   is at least `sentAt - arrival`, and the largest such bound over a recent window (the message
 *   with the smallest transit) is the estimate;
 * - an HTTP answer's `Date` header (whole seconds) bounds it from both sides: the hub wrote it
 *   between the request leaving and the answer arriving. Used only while no `/live` message is in
 *   the window (a replay page has none): the middle of the tightest bounds.
 * Before anything arrived the offset is 0: the PC's own time.
 *
 * Samples age out after about WINDOW_MS, timed on the monotonic clock (performance.now), so a PC
 * clock stepped by NTP, or a hub with another clock after a failover, is followed within the window.
 */

/** How long a sample counts. Long enough to hold a fast message (walls get several a second, the heartbeat every 5 s); short enough to follow a stepped clock. */
export const WINDOW_MS = 120_000;
/**
 * Samples are merged into buckets of this span (their bounds combined), so a wall's messages, or a
 * benchmark's thousand clients in one process, cost a few comparisons each whatever their rate.
 * A sample counts for WINDOW_MS minus at most one bucket.
 */
const BUCKET_MS = 10_000;

interface Bucket {
  /** performance.now() of its first sample. */
  start: number;
  /** The offset (hub - PC, ms) is at least this … */
  lower: number;
  /** … and at most this (Infinity while it holds only one-way samples: /live messages). */
  upper: number;
  /** It holds a one-way sample (a /live message). */
  oneWay: boolean;
}

export interface HubClockSources {
  /** This PC's clock (epoch ms). */
  local: () => number;
  /** A clock that never steps, for the samples' ages. */
  monotonic: () => number;
}

export class HubClock {
  private buckets: Bucket[] = [];
  private offset = 0;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(private readonly clocks: HubClockSources) {}

  /** The hub's time now (epoch ms): this PC's time plus the estimated offset. */
  now(): number {
    return this.clocks.local() + this.offset;
  }

  /** Hub minus this PC (ms); 0 before anything arrived. */
  offsetMs(): number {
    return this.offset;
  }

  /** A `/live` message sent at `sentAt` by the hub's clock, arrived now (or at `arrivedAt` on this PC's clock). */
  noteSentAt(sentAt: number, arrivedAt: number = this.clocks.local()): void {
    if (!Number.isFinite(sentAt)) return;
    this.add(sentAt - arrivedAt, Infinity);
  }

  /**
   * An HTTP answer whose hub time was `hubTime` with `resolutionMs` (a `Date` header: 1000), for a
   * request sent at `sentAt` and answered at `arrivedAt` on this PC's clock.
   */
  noteAnswer(hubTime: number, sentAt: number, arrivedAt: number = this.clocks.local(), resolutionMs = 1000): void {
    if (!Number.isFinite(hubTime) || arrivedAt < sentAt) return;
    this.add(hubTime - arrivedAt, hubTime + resolutionMs - 1 - sentAt);
  }

  /** Called with the new offset each time the estimate changes. */
  onChange(cb: (offsetMs: number) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private add(lower: number, upper: number): void {
    const at = this.clocks.monotonic();
    while (this.buckets.length > 0 && at - this.buckets[0]!.start > WINDOW_MS) this.buckets.shift();
    const last = this.buckets[this.buckets.length - 1];
    if (last && at - last.start < BUCKET_MS) {
      last.lower = Math.max(last.lower, lower);
      last.upper = Math.min(last.upper, upper);
      last.oneWay ||= upper === Infinity;
    } else this.buckets.push({ start: at, lower, upper, oneWay: upper === Infinity });
    const next = estimate(this.buckets);
    if (next === this.offset) return;
    this.offset = next;
    for (const cb of this.listeners) cb(next);
  }
}

/** The offset the buckets give (see the module's comment); the buckets are never empty. */
export function estimate(buckets: readonly Bucket[]): number {
  let lower = -Infinity;
  let upper = Infinity;
  let oneWay = false;
  for (const b of buckets) {
    lower = Math.max(lower, b.lower);
    upper = Math.min(upper, b.upper);
    oneWay ||= b.oneWay;
  }
  // a message's bound is within its transit of the truth; the Date header's only within its second
  if (oneWay || upper === Infinity) return Math.round(lower);
  // bounds that cross: a clock stepped within the window; the newest bucket says most
  if (upper < lower) {
    const last = buckets[buckets.length - 1]!;
    return Math.round(last.upper < last.lower ? last.lower : (last.lower + last.upper) / 2);
  }
  return Math.round((lower + upper) / 2);
}

/** The page's hub clock: the live client, the screens' HTTP reads and the now store share it. */
export const hubClock = new HubClock({
  local: () => Date.now(),
  monotonic: () => (typeof performance === 'undefined' ? Date.now() : performance.now()),
});

/** The hub's time now (epoch ms), as this page estimates it. */
export function hubNow(): number {
  return hubClock.now();
}

/**
 * fetch(), noting the answer's `Date` header on the page's hub clock: for the HTTP reads of a
 * screen (and a console) that may have no `/live` messages to go by.
 */
export async function fetchNotingHubTime(input: string, init?: RequestInit): Promise<Response> {
  const sentAt = Date.now();
  const res = await fetch(input, init);
  const date = res.headers.get('date');
  if (date !== null) hubClock.noteAnswer(Date.parse(date), sentAt);
  return res;
}
