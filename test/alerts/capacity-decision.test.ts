/**
 * The capacity rule's decision (server/alerts/capacity.ts, pure): when a department's prompt opens,
 * updates, clears (hysteresis, a drained queue, the rule switched off) and stays quiet (office
 * hours, a queue under the threshold), and the service time that leans on the recent days early in
 * the day. The same rule end to end with real hubs: capacity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CapacityDetail } from '../../common/alerts.ts';
import type { CapacitySettings } from '../../server/alerts/alert-config.ts';
import { decideCapacity, DEFAULT_SERVICE_MINUTES, serviceMinutesOf, type DeptQueue } from '../../server/alerts/capacity.ts';

const NOW = 1_000_000;
const ON: CapacitySettings = { enabled: true, waitMinutes: 30, hysteresis: 0.2 };
/** 12 waiting at 2 windows, 10-minute services, nobody arriving: 60 minutes expected. */
const QUEUE: DeptQueue = { waiting: 12, openWindows: 2, closedWindows: 4, serviceMinutes: 10, arrivalsPerMinute: 0 };
const opened = (q: DeptQueue): CapacityDetail => {
  const d = decideCapacity(q, ON, null, true, NOW);
  if (d.do !== 'open') throw new Error(`expected open, got ${d.do}`);
  return d.detail;
};

describe('the capacity decision', () => {
  it('opens in office hours when the expected wait reaches the threshold, with the windows to open', () => {
    expect(opened(QUEUE)).toEqual({
      at: NOW,
      waiting: 12,
      openWindows: 2,
      closedWindows: 4,
      serviceMinutes: 10,
      arrivalsPerHour: 0,
      expectedWaitMinutes: 60,
      thresholdMinutes: 30,
      windowsToOpen: 3,
    });
    // exactly at the threshold: 12 × 10 / 4 = 30
    expect(decideCapacity({ ...QUEUE, openWindows: 4 }, ON, null, true, NOW).do).toBe('open');
    // under it, out of office hours, switched off, or nobody waiting: nothing
    expect(decideCapacity({ ...QUEUE, openWindows: 5 }, ON, null, true, NOW)).toEqual({ do: 'none' });
    expect(decideCapacity(QUEUE, ON, null, false, NOW)).toEqual({ do: 'none' });
    expect(decideCapacity(QUEUE, { ...ON, enabled: false }, null, true, NOW)).toEqual({ do: 'none' });
    expect(decideCapacity({ ...QUEUE, waiting: 0, arrivalsPerMinute: 2 }, ON, null, true, NOW)).toEqual({ do: 'none' });
  });

  it('says when the arrivals outrun the open windows: no finite wait', () => {
    const d = opened({ ...QUEUE, waiting: 3, arrivalsPerMinute: 0.5 });
    expect(d.expectedWaitMinutes).toBeNull();
    expect(d.windowsToOpen).toBeGreaterThan(3); // 5 Erlangs need more than 5 windows
  });

  it('clears under the threshold less the hysteresis, when the queue drains, or when switched off; an open one clears also out of office hours', () => {
    const shown = opened(QUEUE);
    // 24 minutes (5 windows) is not under 30 × 0.8: it stays, with new figures
    const at5 = decideCapacity({ ...QUEUE, openWindows: 5, closedWindows: 1 }, ON, shown, true, NOW + 1);
    expect(at5).toMatchObject({ do: 'update', detail: { openWindows: 5, expectedWaitMinutes: 24, windowsToOpen: 0 } });
    expect(decideCapacity({ ...QUEUE, openWindows: 6, closedWindows: 0 }, ON, shown, true, NOW)).toEqual({ do: 'close', reason: 'wait-under-threshold' });
    expect(decideCapacity({ ...QUEUE, waiting: 0 }, ON, shown, false, NOW)).toEqual({ do: 'close', reason: 'queue-drained' });
    expect(decideCapacity(QUEUE, { ...ON, enabled: false }, shown, true, NOW)).toEqual({ do: 'close', reason: 'rule-disabled' });
    // the same figures (the wait to the minute): nothing to push
    expect(decideCapacity(QUEUE, ON, shown, true, NOW + 60_000)).toEqual({ do: 'none' });
  });

  it('takes the service time from today, leaning on the recent days while few services are done', () => {
    // nothing measured anywhere: the default
    expect(serviceMinutesOf(0, 0, 0, 0)).toBe(DEFAULT_SERVICE_MINUTES);
    // no service yet today: the recent mean (6 minutes)
    expect(serviceMinutesOf(0, 0, 360 * 100, 100)).toBe(6);
    // 5 services of 12 minutes today against a recent 6: halfway
    expect(serviceMinutesOf(5 * 720, 5, 360 * 100, 100)).toBe(9);
    // 95 services of 12 minutes: today's, nearly
    expect(serviceMinutesOf(95 * 720, 95, 360 * 100, 100)).toBeCloseTo(11.7, 6);
  });
});
