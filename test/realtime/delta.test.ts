import { describe, expect, it } from 'vitest';
import { applyChanges, diffSnapshot, InvalidChangeError } from '../../common/delta.ts';
import { ScopeFeed } from '../../web/live/scope-feed.ts';
import type { Snapshot } from '../../common/snapshot.ts';
import { TODAY, at } from '../helpers/test-clock.ts';

function roundTrip(prev: unknown, next: unknown): unknown {
  const changes = diffSnapshot(prev, next);
  // What goes over the wire is JSON.
  return applyChanges(prev, JSON.parse(JSON.stringify(changes)));
}

const base = {
  scope: 'center:yiyang',
  date: TODAY,
  asOf: at('09:00'),
  cases: { accepted: 3, earlyRate: null as number | null },
  windows: { 'yiyang.w001': { status: 'open', staff: 's0001', ticket: null as string | null } } as Record<string, unknown>,
  calls: [{ ticket: 'A001', window: 'yiyang.w001', at: at('09:00') }],
};

describe('snapshot deltas', () => {
  it('finds no change between equal snapshots', () => {
    expect(diffSnapshot(base, structuredClone(base))).toEqual([]);
  });

  it('sends only the leaves that changed, by path', () => {
    const next = structuredClone(base);
    next.cases.accepted = 4;
    expect(diffSnapshot(base, next)).toEqual([[['cases', 'accepted'], 4]]);
  });

  it('carries null values both ways', () => {
    const toNumber = structuredClone(base);
    toNumber.cases.earlyRate = 0.5;
    expect(roundTrip(base, toNumber)).toEqual(toNumber);
    expect(roundTrip(toNumber, base)).toEqual(base);
  });

  it('sends an object new to the client whole', () => {
    const next = structuredClone(base);
    next.windows['yiyang.w002'] = { status: 'serving', staff: null, ticket: 'A002' };
    expect(diffSnapshot(base, next)).toEqual([[['windows', 'yiyang.w002'], { status: 'serving', staff: null, ticket: 'A002' }]]);
    expect(roundTrip(base, next)).toEqual(next);
  });

  it('replaces an object that lost a key whole, so the key is gone after applying', () => {
    const next = structuredClone(base);
    delete next.windows['yiyang.w001'];
    const changes = diffSnapshot(base, next);
    expect(changes).toEqual([[['windows'], {}]]);
    expect(roundTrip(base, next)).toEqual(next);
  });

  it('replaces arrays whole (the calls list)', () => {
    const next = structuredClone(base);
    next.calls.unshift({ ticket: 'A002', window: 'yiyang.w001', at: at('09:01') });
    expect(diffSnapshot(base, next)).toEqual([[['calls'], next.calls]]);
  });

  it('round-trips nested window changes', () => {
    const next = structuredClone(base);
    (next.windows['yiyang.w001'] as { ticket: string | null }).ticket = 'A009';
    expect(diffSnapshot(base, next)).toEqual([[['windows', 'yiyang.w001', 'ticket'], 'A009']]);
    expect(roundTrip(base, next)).toEqual(next);
  });

  it('handles a change of kind and a whole replacement', () => {
    expect(roundTrip({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(roundTrip({ a: 5 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(roundTrip(null, base)).toEqual(base);
  });

  it('never mutates the state it applies to and shares unchanged branches', () => {
    const frozen = structuredClone(base);
    const before = JSON.stringify(frozen);
    const next = applyChanges(frozen, [
      [['cases', 'accepted'], 9],
      [['windows', 'yiyang.w009'], { status: 'closed' }],
    ]);
    expect(JSON.stringify(frozen)).toBe(before);
    expect(next.cases.accepted).toBe(9);
    expect(next.calls).toBe(frozen.calls);
  });

  it('refuses a path through __proto__', () => {
    expect(() => applyChanges({}, [[['__proto__', 'polluted'], true]])).toThrow(InvalidChangeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('scope feed', () => {
  const snap = base as unknown as Snapshot;
  it('applies consecutive deltas and reports a gap in seq', () => {
    const feed = new ScopeFeed();
    expect(feed.onDelta({ scope: 'city', seq: 1, changes: [] })).toBe('waiting');
    feed.onSnapshot({ scope: 'city', seq: 5, snapshot: snap });
    expect(feed.onDelta({ scope: 'city', seq: 6, changes: [[['cases', 'accepted'], 7]] })).toBe('applied');
    expect(feed.state?.cases.accepted).toBe(7);
    expect(feed.onDelta({ scope: 'city', seq: 6, changes: [] })).toBe('stale');
    expect(feed.onDelta({ scope: 'city', seq: 8, changes: [] })).toBe('gap');
    expect(feed.onDelta({ scope: 'city', seq: 9, changes: [] })).toBe('waiting');
    feed.onSnapshot({ scope: 'city', seq: 9, snapshot: snap });
    expect(feed.onDelta({ scope: 'city', seq: 10, changes: [] })).toBe('applied');
  });
});
