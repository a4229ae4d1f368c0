import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, createWorkCalendar, workingDaysBetween } from '../../common/calendar.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, fixedClock, kindOfDay, testCalendar } from '../helpers/test-clock.ts';
import { drained, getJson, postEvents, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const dept = 'yiyang.market';
const item = 'yiyang.market.food';
const snapshot = (hub: Hub, date: string) => getJson(hub, `/api/v1/snapshot?scope=dept:${dept}&date=${date}`);

// The days of the story, chosen from the hub's calendar relative to today. The due date is the
// nearest make-up workday (调休, a weekend day worked) on or before today; when the calendar has none
// within a year (a year whose schedule is not published yet), the workday before the last workday on
// or before today, and the make-up rule is then proven on the calendar functions below.
const makeUps = testCalendar.exceptions();
const isMakeUp = (day: number) => makeUps.get(day) === true;
const previousWorkday = (day: number) => {
  let d = day - 1;
  while (!testCalendar.isWorkday(d)) d -= 1;
  return d;
};
const dueDay = (() => {
  try {
    return { day: dayIndexOfDate(findDay(isMakeUp)), makeUp: true };
  } catch {
    return { day: previousWorkday(dayIndexOfDate(findDay(kindOfDay.workday))), makeUp: false };
  }
})();
const DUE = dueDay.day; // 3 working days after ACCEPTED
const W2 = previousWorkday(DUE);
const W1 = previousWorkday(W2);
const ACCEPTED = previousWorkday(W1);
const NEXT = addWorkingDays(testCalendar, DUE, 1); // the hub's today
const [accepted, w1, w2, due, next] = [ACCEPTED, W1, W2, DUE, NEXT].map(dateOfDayIndex) as [string, string, string, string, string];
const t = (date: string, time = '10:00') => at(time, date);

describe('case deadlines on the Chinese public-holiday calendar', () => {
  let hub: Hub;
  beforeAll(async () => {
    // the story's working days are consecutive, whatever days off lie between them
    expect([addWorkingDays(testCalendar, ACCEPTED, 1), addWorkingDays(testCalendar, ACCEPTED, 2), addWorkingDays(testCalendar, ACCEPTED, 3)]).toEqual([
      W1,
      W2,
      DUE,
    ]);
    hub = await startTestHub(testPrefix(), { now: fixedClock('15:00', next) });
    const a = (id: string, date: string, days: number) => ev.accepted(t(date), id, days, dept, item);
    const res = await postEvents(hub, 'cases', [
      // due on DUE (a make-up workday when the calendar has one): the 3 working days after ACCEPTED are W1, W2 and DUE
      a('early', accepted, 3),
      a('ontime', accepted, 3),
      a('late', accepted, 3),
      // suspended on W1 (a working day), resumed on W2: the due date moves one working day, to NEXT
      a('paused', accepted, 3),
      // due on W1, still open on NEXT: overdue now
      a('open-overdue', accepted, 1),
      // 即办件: due the day it is accepted
      a('instant', w2, 0),
      // due far ahead, still open
      a('open', next, 5),
    ]);
    expect(res.body.rejected).toEqual([]);
    await postEvents(hub, 'cases', [
      ev.suspended(t(w1), 'paused'),
      ev.resumed(t(w2), 'paused'),
      ev.completed(t(w2), 'early'),
      ev.completed(t(w2, '16:00'), 'instant'),
      ev.completed(t(due), 'ontime'),
      ev.completed(t(next), 'late'),
      ev.completed(t(next, '11:00'), 'paused'),
    ]);
    await drained(hub);
  });
  afterAll(async () => {
    await hub.stop();
  });

  it('counts a completion before the due date as early and on time', async () => {
    const s = await snapshot(hub, w2);
    expect(s.cases).toMatchObject({ accepted: 1, completed: 2, completedEarly: 1, completedOnTime: 2, overdue: 0, earlyRate: 0.5, onTimeRate: 1 });
  });

  it(`counts a completion on the due date${dueDay.makeUp ? ', a make-up workday (调休),' : ''} as on time, not early`, async () => {
    expect(isMakeUp(DUE)).toBe(dueDay.makeUp);
    const s = await snapshot(hub, due);
    expect(s.cases).toMatchObject({ completed: 1, completedEarly: 0, completedOnTime: 1, overdue: 0, earlyRate: 0, onTimeRate: 1 });
  });

  it('moves the due date by the working days a case was suspended, and counts open cases past their deadline as overdue', async () => {
    const s = await snapshot(hub, next);
    // "late" completed after its due date (overdue); "paused" completed on its moved due date (on time)
    expect(s.cases).toMatchObject({ accepted: 1, completed: 2, completedOnTime: 1, overdueOpen: 1, overdue: 2, onTimeRate: 0.5 });
    expect(s.cases.inProgress).toBe(2); // "open-overdue" and "open"
  });

  it('reconstructs the cases in progress at the end of a past day', async () => {
    const s = await snapshot(hub, accepted);
    expect(s.cases).toMatchObject({ accepted: 5, inProgress: 5, overdueOpen: 0, earlyRate: null });
  });

  it('ignores a repeated acceptance of the same case', async () => {
    await postEvents(hub, 'cases', [ev.accepted(t(next, '12:00'), 'open', 5, dept, item)]);
    await drained(hub);
    expect((await snapshot(hub, next)).cases.accepted).toBe(1);
  });

  it('counts a completion that arrives before its acceptance once the acceptance comes', async () => {
    await postEvents(hub, 'cases', [ev.completed(t(next, '14:00'), 'reordered')]);
    await drained(hub);
    expect((await snapshot(hub, next)).cases.completed).toBe(2);
    await postEvents(hub, 'cases', [ev.accepted(t(next, '09:00'), 'reordered', 0, dept, item)]);
    await drained(hub);
    const s = await snapshot(hub, next);
    expect(s.cases).toMatchObject({ accepted: 2, completed: 3, completedOnTime: 2, inProgress: 2 });
  });
});

// The rule itself on the calendar functions, with the published 2026 schedule (no Redis, no hub):
// National Day, Oct 1-7 off, and Saturday Oct 10 a make-up workday (调休).
describe('working-day deadlines around a holiday and a make-up workday', () => {
  const calendar = createWorkCalendar();
  const d = dayIndexOfDate;

  it('skips the holiday and counts the make-up Saturday as a working day', () => {
    expect(calendar.isWorkday(d('2026-10-10'))).toBe(true);
    expect(calendar.isWorkday(d('2026-10-05'))).toBe(false);
    expect(addWorkingDays(calendar, d('2026-09-30'), 1)).toBe(d('2026-10-08'));
    expect(addWorkingDays(calendar, d('2026-09-30'), 3)).toBe(d('2026-10-10'));
    expect(addWorkingDays(calendar, d('2026-10-09'), 0)).toBe(d('2026-10-09'));
  });

  it('moves a due date by the working days a case stood suspended', () => {
    expect(workingDaysBetween(calendar, d('2026-10-08'), d('2026-10-09'))).toBe(1);
    expect(workingDaysBetween(calendar, d('2026-09-30'), d('2026-10-08'))).toBe(1);
    expect(addWorkingDays(calendar, d('2026-10-10'), 1)).toBe(d('2026-10-12'));
  });
});
