/**
 * The queueing model behind the capacity rule (增开窗口建议, docs/alerts.md#capacity): Erlang C
 * (M/M/c) for the waiting that randomness alone causes, and the backlog already in the queue
 * drained over a horizon. Pure: numbers in, numbers out.
 *
 * Units: minutes. `a` the offered load in Erlangs (arrival rate × mean service time), `c` the
 * windows open (servers).
 */

/**
 * Erlang B, the blocking probability of c servers under load a, by the recursion
 * B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)): no factorials and no powers, so it stays exact
 * enough for hundreds of servers where a^c / c! would overflow.
 */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * Erlang C: the probability that an arrival has to wait (all c servers busy), in [0, 1]. An
 * unstable load (a ≥ c: arrivals at least as fast as the servers can serve) waits with
 * certainty: 1. No server: 1 as soon as anyone arrives.
 */
export function erlangC(c: number, a: number): number {
  if (!(a > 0)) return 0;
  if (c <= 0 || a >= c) return 1;
  const b = erlangB(c, a);
  const p = (c * b) / (c - a * (1 - b));
  return Math.min(1, Math.max(0, p));
}

/**
 * Erlang C's expected wait in the queue (steady state, minutes): C(c, a) · S / (c − a), with S the
 * mean service time. +Infinity for an unstable load: the queue grows without bound.
 */
export function erlangWait(c: number, a: number, serviceMinutes: number): number {
  if (!(a > 0)) return 0;
  if (c <= 0 || a >= c) return Number.POSITIVE_INFINITY;
  return (erlangC(c, a) * serviceMinutes) / (c - a);
}

export interface QueueNow {
  /** Citizens waiting now. */
  waiting: number;
  /** Windows open (serving or ready to). */
  servers: number;
  /** Mean service time (minutes). */
  serviceMinutes: number;
  /** Arrivals per minute. */
  arrivalsPerMinute: number;
  /** How far ahead (minutes): the rule's 30. */
  horizonMinutes: number;
}

/**
 * The expected wait of a citizen who arrives within the horizon (minutes), the larger of:
 * - the backlog: the `waiting` already in the queue, grown by the arrivals the open windows
 *   cannot keep up with over the horizon (λ − c/S per minute, when positive), served by c windows
 *   at c/S per minute. This is what Erlang C's steady state leaves out: a queue that is already
 *   long at 09:00 is long for the next half hour even if the load is modest;
 * - Erlang C's steady-state wait for the arrival rate (randomness: a load near the windows'
 *   capacity waits even with an empty queue now). +Infinity when the load is unstable (λ·S ≥ c).
 * With nobody waiting and nobody arriving: 0.
 */
export function expectedWait(q: QueueNow, servers = q.servers): number {
  const a = q.arrivalsPerMinute * q.serviceMinutes;
  if (q.waiting <= 0 && !(a > 0)) return 0;
  if (servers <= 0) return Number.POSITIVE_INFINITY;
  const rate = servers / q.serviceMinutes; // citizens served per minute
  const backlog = q.waiting + Math.max(0, q.arrivalsPerMinute - rate) * q.horizonMinutes;
  return Math.max(backlog / rate, erlangWait(servers, a, q.serviceMinutes));
}

/**
 * The smallest number of extra windows for which the expected wait is under `thresholdMinutes`
 * (0 when it already is). The wait falls with every window (both terms do), so the first k found
 * is the smallest. `maxExtra` bounds the search: more than that answers `maxExtra`.
 */
export function windowsToOpen(q: QueueNow, thresholdMinutes: number, maxExtra = 100): number {
  for (let k = 0; k < maxExtra; k++) if (expectedWait(q, q.servers + k) < thresholdMinutes) return k;
  return maxExtra;
}
