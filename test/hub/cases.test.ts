import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

// 2026 National Day: Oct 1-7 off, Saturday Oct 10 a make-up workday (调休).
const NOW = Date.parse('2026-10-12T15:00:00+08:00');
const t = (date: string, time = '10:00') => `${date}T${time}:00+08:00`;
const dept = 'yiyang.market';
const item = 'yiyang.market.food';
const snapshot = (hub: Hub, date: string) => getJson(hub, `/api/v1/snapshot?scope=dept:${dept}&date=${date}`);

describe('case deadlines on the Chinese public-holiday calendar', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub(testPrefix(), { now: () => NOW });
    const a = (id: string, date: string, days: number) => ev.accepted(t(date), id, days, dept, item);
    const res = await postEvents(hub, 'cases', [
      // due 2026-10-10: 3 working days after Sep 30 are Oct 8, Oct 9 and the make-up Saturday Oct 10
      a('early', '2026-09-30', 3), a('ontime', '2026-09-30', 3), a('late', '2026-09-30', 3),
      // suspended on Oct 8 (a working day), resumed Oct 9: the due date moves one working day, to Mon Oct 12
      a('paused', '2026-09-30', 3),
      // due Oct 8, still open on Oct 12: overdue now
      a('open-overdue', '2026-09-30', 1),
      // 即办件: due the day it is accepted
      a('instant', '2026-10-09', 0),
      // due far ahead, still open
      a('open', '2026-10-12', 5),
    ]);
    expect(res.body.rejected).toEqual([]);
    await postEvents(hub, 'cases', [
      ev.suspended(t('2026-10-08'), 'paused'), ev.resumed(t('2026-10-09'), 'paused'),
      ev.completed(t('2026-10-09'), 'early'), ev.completed(t('2026-10-09', '16:00'), 'instant'),
      ev.completed(t('2026-10-10'), 'ontime'),
      ev.completed(t('2026-10-12'), 'late'), ev.completed(t('2026-10-12', '11:00'), 'paused'),
    ]);
    await drained(hub);
  });
  afterAll(async () => { await hub.stop(); });

  it('counts a completion before the due date as early and on time', async () => {
    const s = await snapshot(hub, '2026-10-09');
    expect(s.cases).toMatchObject({ accepted: 1, completed: 2, completedEarly: 1, completedOnTime: 2, overdue: 0, earlyRate: 0.5, onTimeRate: 1 });
  });

  it('counts a completion on the make-up Saturday that is the due date as on time, not early', async () => {
    const s = await snapshot(hub, '2026-10-10');
    expect(s.cases).toMatchObject({ completed: 1, completedEarly: 0, completedOnTime: 1, overdue: 0, earlyRate: 0, onTimeRate: 1 });
  });

  it('moves the due date by the working days a case was suspended, and counts open cases past their deadline as overdue', async () => {
    const s = await snapshot(hub, '2026-10-12');
    // "late" completed after its due date (overdue); "paused" completed on its moved due date (on time)
    expect(s.cases).toMatchObject({ accepted: 1, completed: 2, completedOnTime: 1, overdueOpen: 1, overdue: 2, onTimeRate: 0.5 });
    expect(s.cases.inProgress).toBe(2); // "open-overdue" and "open"
  });

  it('reconstructs the cases in progress at the end of a past day', async () => {
    const s = await snapshot(hub, '2026-09-30');
    expect(s.cases).toMatchObject({ accepted: 5, inProgress: 5, overdueOpen: 0, earlyRate: null });
  });

  it('ignores a repeated acceptance of the same case', async () => {
    await postEvents(hub, 'cases', [ev.accepted(t('2026-10-12', '12:00'), 'open', 5, dept, item)]);
    await drained(hub);
    expect((await snapshot(hub, '2026-10-12')).cases.accepted).toBe(1);
  });

  it('counts a completion that arrives before its acceptance once the acceptance comes', async () => {
    await postEvents(hub, 'cases', [ev.completed(t('2026-10-12', '14:00'), 'reordered')]);
    await drained(hub);
    expect((await snapshot(hub, '2026-10-12')).cases.completed).toBe(2);
    await postEvents(hub, 'cases', [ev.accepted(t('2026-10-12', '09:00'), 'reordered', 0, dept, item)]);
    await drained(hub);
    const s = await snapshot(hub, '2026-10-12');
    expect(s.cases).toMatchObject({ accepted: 2, completed: 3, completedOnTime: 2, inProgress: 2 });
  });
});
