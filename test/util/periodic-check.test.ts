/**
 * The periodic checks of the report schedule and of yesterday's checkpoints
 * (server/util/periodic-check.ts), on real timers: none before the first wait, then one every
 * interval; a failing check is reported and the next comes at its time; stop() ends them.
 */
import { describe, expect, it } from 'vitest';
import { startPeriodicCheck } from '../../server/util/periodic-check.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('startPeriodicCheck', () => {
  it('checks after the first wait, then every interval, reports a failing check and goes on, and stops', async () => {
    let checks = 0;
    const errors: string[] = [];
    const started = performance.now();
    let firstAt = 0;
    const periodic = startPeriodicCheck({
      check: async () => {
        checks++;
        if (checks === 1) firstAt = performance.now() - started;
        if (checks === 2) throw new Error('the second check fails');
      },
      firstMs: 200,
      everyMs: 20,
      onError: (err) => errors.push((err as Error).message),
    });
    await waitFor('four checks', () => checks >= 4);
    await periodic.stop();
    const after = checks;
    expect(firstAt).toBeGreaterThanOrEqual(190);
    expect(errors).toEqual(['the second check fails']);
    // stopped: no check after stop() came back
    await new Promise((r) => setTimeout(r, 100));
    expect(checks).toBe(after);
  });
});
