import { describe, expect, it } from 'vitest';
import { createAppendGate, StoreBusyError, StoreTimeoutError } from '../../server/ingest/append-gate.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('the ingest append gate', () => {
  it('gives the append a deadline before its own timeout, so a late start takes nothing', async () => {
    const gate = createAppendGate({ timeoutMs: 300, graceMs: 100 });
    let deadlineSeen = 0;
    const started = Date.now();
    await gate.run(async (deadline) => {
      deadlineSeen = deadline;
      return 1;
    });
    expect(deadlineSeen - started).toBeGreaterThanOrEqual(195);
    expect(deadlineSeen - started).toBeLessThanOrEqual(210);
  });

  it('answers a timeout when Redis does not reply, and still counts the append until it settles', async () => {
    const gate = createAppendGate({ timeoutMs: 100, graceMs: 20 });
    let release!: () => void;
    const hanging = gate.run(
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    await expect(hanging).rejects.toBeInstanceOf(StoreTimeoutError);
    expect(gate.inFlight()).toBe(1);
    release();
    await waitFor('the append to settle', () => gate.inFlight() === 0);
  });

  it('takes a reply that is already there when the timer fires', async () => {
    const gate = createAppendGate({ timeoutMs: 50, graceMs: 10 });
    // the reply is read in the same loop turn as the timer expires, after it (as a busy hub reads its
    // socket): this timer is the situation under test, not a wait
    const result = gate.run(() => new Promise<string>((r) => setTimeout(() => setImmediate(() => r('stored')), 50)));
    await expect(result).resolves.toBe('stored');
  });

  it('refuses at once when too many batches already wait for Redis', async () => {
    const gate = createAppendGate({ timeoutMs: 1000, maxInFlight: 2 });
    const never = () => new Promise<void>(() => undefined);
    void gate.run(never).catch(() => undefined);
    void gate.run(never).catch(() => undefined);
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(StoreBusyError);
  });
});
