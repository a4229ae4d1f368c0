/**
 * The background loop of the aggregator, the archive writer, the uploader and the alert engine's
 * reader (server/util/background-loop.ts), on real timers: the waits are long next to what the
 * assertions allow, so a loaded machine does not blur them.
 */
import { describe, expect, it } from 'vitest';
import { createBackgroundLoop } from '../../server/util/background-loop.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A promise settled from outside: a step that runs until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const noErrors = (err: unknown): never => {
  throw new Error(`unexpected step failure: ${String(err)}`);
};

describe('createBackgroundLoop', () => {
  it('waits what the step asks between steps, and stop() cuts a long wait short', async () => {
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        steps++;
        return 60_000;
      },
      onError: noErrors,
    });
    loop.start();
    await waitFor('the first step', () => steps === 1);
    expect(loop.running).toBe(true);
    const started = performance.now();
    await loop.stop();
    // the wait was a minute: a stop that waited for it would have timed this test out
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(steps).toBe(1);
    expect(loop.running).toBe(false);
  });

  it('stop() returns only after the step under way finished, and starts no step nor wait after it', async () => {
    const events: string[] = [];
    const release = gate();
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        steps++;
        events.push('step started');
        await release.opened;
        events.push('step ended');
        // asks for a long wait: stopped meanwhile, the loop must not take it
        return 60_000;
      },
      onError: noErrors,
    });
    loop.start();
    await waitFor('the step to run', () => steps === 1);
    const stopped = loop.stop().then(() => events.push('stop returned'));
    expect(loop.running).toBe(false);
    // the step holds: stop() must still be waiting for it
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['step started']);
    release.open();
    await stopped;
    expect(events).toEqual(['step started', 'step ended', 'stop returned']);
    expect(steps).toBe(1);
  });

  it('reports a throwing step and tries again after the wait onError answers', async () => {
    const stepAt: number[] = [];
    const reported: unknown[] = [];
    const loop = createBackgroundLoop({
      step: async () => {
        stepAt.push(performance.now());
        if (stepAt.length === 1) throw new Error('Redis went away');
        return 60_000;
      },
      onError: (err) => {
        reported.push(err);
        return 300;
      },
    });
    loop.start();
    try {
      await waitFor('the step tried again', () => stepAt.length === 2);
      expect(reported).toHaveLength(1);
      expect((reported[0] as Error).message).toBe('Redis went away');
      // a timer never fires early (a millisecond of rounding allowed)
      expect(stepAt[1]! - stepAt[0]!).toBeGreaterThanOrEqual(299);
    } finally {
      await loop.stop();
    }
  });

  it('goes on at once after a step that asks for no wait', async () => {
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => (++steps < 5 ? 0 : 60_000),
      onError: noErrors,
    });
    loop.start();
    await waitFor('five steps without waiting', () => steps === 5, 5_000);
    await loop.stop();
    expect(steps).toBe(5);
  });

  it("ends when the step or onError answers 'stop'; a start after that runs it again", async () => {
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        steps++;
        if (steps === 2) throw new Error('refused');
        return 'stop';
      },
      onError: () => 'stop',
    });
    loop.start();
    await waitFor('the loop ended by its step', () => steps === 1 && !loop.running);
    loop.start();
    await waitFor('the loop ended by onError', () => steps === 2 && !loop.running);
    await loop.stop(); // an ended loop stops at once
    expect(steps).toBe(2);
  });

  it('does not report a step that fails because it was stopped', async () => {
    const release = gate();
    const reported: unknown[] = [];
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        steps++;
        await release.opened;
        throw new Error('connection closed by stop');
      },
      onError: (err) => {
        reported.push(err);
        return 0;
      },
    });
    loop.start();
    await waitFor('the step to run', () => steps === 1);
    const stopped = loop.stop();
    release.open();
    await stopped;
    expect(reported).toEqual([]);
    expect(steps).toBe(1);
  });

  it('runs one step at a time: a second start() while running does nothing', async () => {
    let inStep = 0;
    let most = 0;
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        steps++;
        most = Math.max(most, ++inStep);
        await new Promise((r) => setImmediate(r));
        inStep--;
        return 0;
      },
      onError: noErrors,
    });
    loop.start();
    loop.start();
    await waitFor('some steps', () => steps >= 20, 5_000);
    loop.start();
    await loop.stop();
    expect(most).toBe(1);
  });

  it('starts a new run only after the step of a stopped one ended, when start() does not wait for stop()', async () => {
    const events: string[] = [];
    const release = gate();
    let steps = 0;
    const loop = createBackgroundLoop({
      step: async () => {
        const n = ++steps;
        events.push(`step ${n} started`);
        if (n === 1) await release.opened;
        events.push(`step ${n} ended`);
        return 60_000;
      },
      onError: noErrors,
    });
    loop.start();
    await waitFor('the first step', () => steps === 1);
    const stopped = loop.stop();
    loop.start();
    expect(loop.running).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(steps).toBe(1);
    release.open();
    await stopped;
    await waitFor("the second run's first step", () => steps === 2);
    await loop.stop();
    expect(events).toEqual(['step 1 started', 'step 1 ended', 'step 2 started', 'step 2 ended']);
  });
});
