/**
 * The capacity rule's queueing model (server/alerts/erlang-c.ts): textbook values, agreement with
 * the closed form, and fast-check properties (probabilities in [0, 1], waits that fall with every
 * window and rise with the load, an unstable load waiting without bound).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, erlangWait, expectedWait, windowsToOpen, type QueueNow } from '../../server/alerts/erlang-c.ts';

/** The closed form P(wait) = (a^c/c!)·c/(c−a) / (Σ_{k<c} a^k/k! + (a^c/c!)·c/(c−a)), fine for small c. */
function closedFormC(c: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top);
}

const servers = fc.integer({ min: 1, max: 60 });
const load = fc.double({ min: 0.01, max: 80, noNaN: true });
const minutes = fc.double({ min: 0.5, max: 60, noNaN: true });

describe('Erlang C (server/alerts/erlang-c.ts)', () => {
  it('agrees with textbook values', () => {
    // M/M/2 at a = 1 Erlang: P(wait) = 1/3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/3 at a = 2: P(wait) = 4/9, Wq = C·S/(c−a) = 4/9 of a service time
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    expect(erlangWait(3, 2, 1)).toBeCloseTo(4 / 9, 12);
    // M/M/1: P(wait) = ρ, Wq = ρ·S/(1−ρ)
    expect(erlangC(1, 0.75)).toBeCloseTo(0.75, 12);
    expect(erlangWait(1, 0.75, 4)).toBeCloseTo(12, 12);
    // the call-centre table: 10 agents at 8 Erlangs wait with probability 0.409
    expect(erlangC(10, 8)).toBeCloseTo(0.4092, 4);
    // Erlang B: 2 servers at 1 Erlang block 1/5 of the arrivals
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
  });

  it('agrees with the closed form for small teams', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (c, rho) => {
        const a = rho * c;
        expect(erlangC(c, a)).toBeCloseTo(closedFormC(c, a), 9);
      }),
    );
  });

  it('P(wait) is in [0, 1] and 1 for an unstable load', () => {
    fc.assert(
      fc.property(servers, load, (c, a) => {
        const p = erlangC(c, a);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        if (a >= c) {
          expect(p).toBe(1);
          expect(erlangWait(c, a, 5)).toBe(Number.POSITIVE_INFINITY);
        } else expect(Number.isFinite(erlangWait(c, a, 5))).toBe(true);
      }),
    );
    expect(erlangC(0, 1)).toBe(1);
    expect(erlangC(5, 0)).toBe(0);
  });

  it('falls with every server and rises with the load', () => {
    fc.assert(
      fc.property(servers, load, fc.double({ min: 0, max: 5, noNaN: true }), minutes, (c, a, more, s) => {
        expect(erlangC(c + 1, a)).toBeLessThanOrEqual(erlangC(c, a) + 1e-12);
        expect(erlangC(c, a + more)).toBeGreaterThanOrEqual(erlangC(c, a) - 1e-12);
        expect(erlangWait(c + 1, a, s)).toBeLessThanOrEqual(erlangWait(c, a, s));
        expect(erlangWait(c, a + more, s)).toBeGreaterThanOrEqual(erlangWait(c, a, s) * (1 - 1e-9));
      }),
    );
  });

  const queue = fc.record({
    waiting: fc.integer({ min: 0, max: 300 }),
    servers: fc.integer({ min: 0, max: 30 }),
    serviceMinutes: minutes,
    arrivalsPerMinute: fc.double({ min: 0, max: 10, noNaN: true }),
    horizonMinutes: fc.constant(30),
  });

  it('the expected wait over the horizon falls with every window and rises with the queue and the arrivals', () => {
    fc.assert(
      fc.property(queue, fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 2, noNaN: true }), (q: QueueNow, extra, faster) => {
        const w = expectedWait(q);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(expectedWait(q, q.servers + 1)).toBeLessThanOrEqual(w);
        expect(expectedWait({ ...q, waiting: q.waiting + extra })).toBeGreaterThanOrEqual(w);
        expect(expectedWait({ ...q, arrivalsPerMinute: q.arrivalsPerMinute + faster })).toBeGreaterThanOrEqual(w * (1 - 1e-9));
      }),
    );
  });

  it('windows to open: the smallest number that brings the wait under the threshold', () => {
    fc.assert(
      fc.property(queue, fc.double({ min: 1, max: 60, noNaN: true }), (q: QueueNow, threshold) => {
        const k = windowsToOpen(q, threshold);
        if (k < 100) expect(expectedWait(q, q.servers + k)).toBeLessThan(threshold);
        if (k > 0) expect(expectedWait(q, q.servers + k - 1)).toBeGreaterThanOrEqual(threshold);
      }),
    );
  });

  it('a worked example: 40 waiting at 2 windows, 8-minute services, 1.2 arrivals a minute', () => {
    const q: QueueNow = { waiting: 40, servers: 2, serviceMinutes: 8, arrivalsPerMinute: 1.2, horizonMinutes: 30 };
    // 9.6 Erlangs on 2 windows: unstable, the queue only grows
    expect(expectedWait(q)).toBe(Number.POSITIVE_INFINITY);
    // 12 windows: backlog 40 served at 1.5 a minute = 26.7 min (Erlang C alone: under 2 min)
    expect(expectedWait(q, 12)).toBeCloseTo(40 / 1.5, 6);
    // under 30 minutes: 11 windows (40 at 1.375 a minute = 29.1 min), 9 more; under 20: 17 (18.8 min)
    expect(windowsToOpen(q, 30)).toBe(9);
    expect(windowsToOpen(q, 20)).toBe(15);
  });
});
