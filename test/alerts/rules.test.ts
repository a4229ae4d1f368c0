/**
 * Each rule fires at the right time, driven by a test clock, across a weekend, a make-up workday
 * (调休) and a public holiday; and alerts close by themselves when their cause ends. The days are
 * chosen from the hub's calendar relative to today (test/helpers/test-clock.ts); the holiday
 * arithmetic itself is pinned on the pure functions with the published 2026 schedule at the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertRule } from '../../common/alerts.ts';
import { addWorkingDays, createWorkCalendar, workingDaysBetween } from '../../common/calendar.ts';
import type { YgEvent } from '../../common/events.ts';
import { dateOfDayIndex, dayIndexOfDate, weekdayOf } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { loadAlertConfig } from '../../server/alerts/alert-config.ts';
import { opsOfEvent } from '../../server/alerts/event-ops.ts';
import { loadCatalog } from '../../server/catalog/load-catalog.ts';
import { ev } from '../helpers/events.ts';
import { at as iso, findDay, kindOfDay, midnightOf, testCalendar, TODAY_INDEX } from '../helpers/test-clock.ts';
import { getJson, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { alertCounts, allAlerts, settle, startAlertHub, TestClock } from './alert-hub.ts';

const MIN = 60_000;
let hub: Hub | null = null;
let clock: TestClock;
afterEach(async () => {
  await hub?.stop();
  hub = null;
});

async function start(time: string): Promise<Hub> {
  clock = new TestClock(time);
  hub = await startAlertHub(testPrefix(), clock);
  return hub;
}
/** Moves the clock and lets the engine act. */
async function at(time: string): Promise<void> {
  clock.set(time);
  await settle(hub!);
}
async function ofRule(rule: AlertRule): Promise<Alert[]> {
  return (await allAlerts(hub!)).filter((a) => a.rule === rule);
}
async function post(source: Parameters<typeof postEvents>[1], events: unknown[]): Promise<void> {
  const res = await postEvents(hub!, source, events);
  expect(res.body.rejected).toEqual([]);
}

// ---- The days of the stories, from the hub's calendar relative to today ----

const date = dateOfDayIndex;
/** An event time on a day index. */
const t = (time: string, day: number) => iso(time, date(day));
const isWorkday = (day: number) => testCalendar.isWorkday(day);
const exceptions = testCalendar.exceptions();
const isMakeUp = (day: number) => exceptions.get(day) === true;
const isHoliday = (day: number) => exceptions.get(day) === false;
const previousWorkday = (day: number) => {
  let d = day - 1;
  while (!isWorkday(d)) d -= 1;
  return d;
};

/**
 * The latest day on or before today of a kind the calendar has only on some days (a holiday, a
 * make-up workday): within the year before today, else in the years before that. The calendar's
 * published schedules cover the past years, so such a day is found however far today is moved
 * ahead (a year whose schedule is not published yet has neither). The hub's clock then stands on
 * that day, and it computes every expiry from its clock, so such a day is as good as today.
 */
function latestDay(test: (day: number) => boolean): number {
  const earliest = Math.min(...exceptions.keys());
  for (let from = TODAY_INDEX; from >= earliest; from -= 367) {
    try {
      return dayIndexOfDate(findDay(test, -1, date(from)));
    } catch {
      // none in this year: look in the one before
    }
  }
  throw new Error('the holiday calendar has no such day before today');
}

/**
 * A public holiday and the make-up workday after it, e.g. National Day 2026: Wed Sep 30 the last
 * workday before it, Oct 1-7 off, Thu Oct 8 and Fri Oct 9 workdays, Sat Oct 10 a make-up workday.
 * `makeUp` comes one to five workdays after the days off (ending on `lastOff`), which hold a
 * holiday on a weekday; `before` is the last workday before them.
 */
interface HolidayStory {
  before: number;
  lastOff: number;
  makeUp: number;
}
function holidayStory(makeUp: number): HolidayStory | null {
  if (!isMakeUp(makeUp) || !isWorkday(makeUp - 1)) return null;
  let d = makeUp - 1;
  while (isWorkday(d)) if (--d < makeUp - 6) return null;
  const lastOff = d;
  let holiday = false;
  while (!isWorkday(d)) if (isHoliday(d--)) holiday = true;
  return holiday ? { before: d, lastOff, makeUp } : null;
}
const HOLIDAY = holidayStory(latestDay((day) => holidayStory(day) !== null))!;

/** A make-up workday after a day off (Sun 2026-09-20, after Sat Sep 19), and the last workday before it. */
const MAKE_UP = latestDay((day) => isMakeUp(day) && !isWorkday(day - 1));
const BEFORE_MAKE_UP = previousWorkday(MAKE_UP);

/** A working Friday, a weekend off, a working Monday. */
const FRIDAY = dayIndexOfDate(findDay((day) => weekdayOf(day) === 5 && isWorkday(day) && !isWorkday(day + 1) && !isWorkday(day + 2) && isWorkday(day + 3)));
const MONDAY = FRIDAY + 3;

/** A working day (with YG_TEST_TODAY=makeup, today: a Saturday worked). */
const WORKDAY = dayIndexOfDate(findDay(kindOfDay.workday));

describe('case deadlines (yellow and red cards)', () => {
  it('gives a case accepted before a public holiday its yellow card on the make-up workday after it and its red card when that day ends', async () => {
    const { before, lastOff, makeUp } = HOLIDAY;
    // the working days after `before` up to the make-up day: the holiday's days do not count (2026: Oct 8, 9, 10)
    const promised = workingDaysBetween(testCalendar, before + 1, makeUp + 1);
    expect(addWorkingDays(testCalendar, before, promised)).toBe(makeUp);
    await start(t('10:00', before));
    await post('cases', [ev.accepted(t('10:00', before), 'C-ND', promised)]);
    await at(t('12:00', lastOff));
    await at(t('23:59:59', makeUp - 1));
    expect(await ofRule('case-yellow')).toEqual([]);
    await at(t('00:00', makeUp));
    const [yellow] = await ofRule('case-yellow');
    expect(yellow).toMatchObject({ state: 'open', severity: 'yellow', case: 'C-ND', dept: 'yiyang.realestate', dueAt: midnightOf(date(makeUp + 1)) });
    await at(t('23:59:59', makeUp));
    expect(await ofRule('case-red')).toEqual([]);
    await at(t('00:00', makeUp + 1));
    const [red] = await ofRule('case-red');
    expect(red).toMatchObject({ state: 'open', severity: 'red', case: 'C-ND' });
    // the red card supersedes the yellow one, which keeps its history
    const [closedYellow] = await ofRule('case-yellow');
    expect(closedYellow!.state).toBe('closed');
    // nobody acknowledged it during the day, so it also went up the levels
    expect(closedYellow!.history.map((s) => [s.action, s.reason ?? null])).toEqual([
      ['opened', null],
      ['escalated', null],
      ['escalated', null],
      ['closed', 'superseded'],
    ]);
    expect(await alertCounts(hub!, 'dept:yiyang.realestate')).toEqual({ open: 1, yellow: 0, red: 1 });
    // each day's snapshot tells what was raised that day, whatever is open now
    const raised = async (day: number) => {
      const { alerts } = await getJson(hub!, `/api/v1/snapshot?scope=dept:yiyang.realestate&date=${date(day)}`);
      return [alerts.raised, alerts.raisedYellow, alerts.raisedRed];
    };
    expect(await raised(makeUp - 1)).toEqual([0, 0, 0]);
    expect(await raised(makeUp)).toEqual([1, 1, 0]);
    expect(await raised(makeUp + 1)).toEqual([1, 0, 1]);
  });

  it('waits over a weekend: a one-day case accepted on Friday turns yellow on Monday and red when Monday ends', async () => {
    await start(t('15:00', FRIDAY));
    await post('cases', [ev.accepted(t('15:00', FRIDAY), 'C-WE', 1)]);
    await at(t('23:59', MONDAY - 1));
    expect(await allAlerts(hub!).then((l) => l.filter((a) => a.case))).toEqual([]);
    await at(t('00:00', MONDAY));
    expect((await ofRule('case-yellow')).map((a) => a.case)).toEqual(['C-WE']);
    await at(t('23:59:59', MONDAY));
    expect(await ofRule('case-red')).toEqual([]);
    await at(t('00:00', MONDAY + 1));
    expect((await ofRule('case-red')).map((a) => a.case)).toEqual(['C-WE']);
  });

  it('counts a make-up workday on a weekend as a working day', async () => {
    // a one-day case accepted on the last workday before the make-up day is due on it (2026: Fri Sep 18 → Sun Sep 20)
    await start(t('10:00', BEFORE_MAKE_UP));
    await post('cases', [ev.accepted(t('10:00', BEFORE_MAKE_UP), 'C-MU', 1)]);
    await at(t('23:59:59', MAKE_UP - 1));
    expect(await ofRule('case-yellow')).toEqual([]);
    await at(t('00:00', MAKE_UP));
    expect(await ofRule('case-yellow')).toHaveLength(1);
    await at(t('00:00', MAKE_UP + 1));
    expect(await ofRule('case-red')).toHaveLength(1);
  });

  it('stops the clock while a case is suspended and moves the deadline by the working days it stood still', async () => {
    const { before, makeUp } = HOLIDAY;
    // due on the last workday before the holiday; suspended the working day before that, resumed
    // on the last workday before the make-up day (2026: accepted Mon Sep 28, due Wed Sep 30,
    // suspended Tue Sep 29, resumed Fri Oct 9: Sep 29, Sep 30 and Oct 8 stood still → due Sat Oct 10)
    const suspendedOn = previousWorkday(before);
    const acceptedOn = previousWorkday(suspendedOn);
    const resumedOn = previousWorkday(makeUp);
    expect(addWorkingDays(testCalendar, acceptedOn, 2)).toBe(before);
    const due = addWorkingDays(testCalendar, before, workingDaysBetween(testCalendar, suspendedOn, resumedOn));
    expect(due).toBeGreaterThan(resumedOn);
    await start(t('09:00', acceptedOn));
    await post('cases', [ev.accepted(t('09:00', acceptedOn), 'C-SU', 2)]);
    await at(t('09:00', suspendedOn));
    await post('cases', [ev.suspended(t('09:00', suspendedOn), 'C-SU')]);
    await at(t('00:00', before + 1));
    expect(await ofRule('case-red')).toEqual([]);
    await at(t('09:00', resumedOn));
    await post('cases', [ev.resumed(t('09:00', resumedOn), 'C-SU')]);
    await at(t('09:00:01', resumedOn));
    expect(await ofRule('case-red')).toEqual([]);
    await at(t('00:00', due));
    // the yellow card of the first due date was closed at suspension; the new one comes on the new due day
    expect((await ofRule('case-yellow')).map((a) => a.state)).toEqual(['open']);
    await at(t('00:00:01', due + 1));
    expect((await ofRule('case-red')).map((a) => a.case)).toEqual(['C-SU']);
  });

  it('closes the cards of a case when it is completed, keeping who did what', async () => {
    await start(t('09:00', WORKDAY));
    await post('cases', [ev.accepted(t('09:00', WORKDAY), 'C-DONE', 0)]);
    await at(t('00:00:01', WORKDAY + 1));
    expect((await ofRule('case-red')).map((a) => a.state)).toEqual(['open']);
    clock.set(t('09:00', WORKDAY + 1));
    await post('cases', [ev.completed(t('09:00', WORKDAY + 1), 'C-DONE')]);
    await at(t('09:00:01', WORKDAY + 1));
    const [red] = await ofRule('case-red');
    expect(red!.state).toBe('closed');
    expect(red!.history.at(-1)).toMatchObject({ action: 'closed', by: 'system', reason: 'case-completed' });
    expect(await alertCounts(hub!, 'city')).toMatchObject({ red: 0 });
  });
});

describe('queue, service and windows', () => {
  it('raises a wait alert after 30 minutes, 40 for a department with its own threshold, and closes it when the ticket is called', async () => {
    const d = WORKDAY;
    await start(t('09:00', d));
    await post('queue', [ev.issued(t('09:00', d), 'G001', 'yiyang.agri'), ev.issued(t('09:00', d), 'B001', 'yiyang.realestate')]);
    await at(t('09:29:59', d));
    expect(await ofRule('wait')).toEqual([]);
    await at(t('09:30', d));
    expect((await ofRule('wait')).map((a) => a.ticket)).toEqual(['G001']);
    await at(t('09:40', d));
    expect((await ofRule('wait')).map((a) => a.ticket)).toEqual(['G001', 'B001']);
    await post('queue', [ev.called(t('09:41', d), 'G001', 'yiyang.w020')]);
    await at(t('09:41', d));
    const waits = await ofRule('wait');
    expect(waits.map((a) => [a.ticket, a.state])).toEqual([
      ['G001', 'closed'],
      ['B001', 'open'],
    ]);
    expect(waits[0]!.history.at(-1)).toMatchObject({ reason: 'ticket-called' });
    // a ticket that is never called ends with its day
    await at(t('00:00', d + 1));
    expect((await ofRule('wait')).map((a) => a.state)).toEqual(['closed', 'closed']);
  });

  it('raises a service alert after 30 minutes of service and closes it when the service finishes', async () => {
    const d = WORKDAY;
    await start(t('10:00', d));
    await post('window', [ev.started(t('10:00', d), 'B007', 'yiyang.w003')]);
    await at(t('10:29:59', d));
    expect(await ofRule('service')).toEqual([]);
    await at(t('10:30', d));
    expect(await ofRule('service')).toMatchObject([{ window: 'yiyang.w003', dept: 'yiyang.realestate', ticket: 'B007', state: 'open' }]);
    await post('window', [ev.finished(t('10:35', d), 'B007', 'yiyang.w003')]);
    await at(t('10:35', d));
    expect((await ofRule('service')).map((a) => a.state)).toEqual(['closed']);
  });

  it('raises an unattended-window alert after 15 office minutes only while tickets of its department wait, not over lunch or the weekend', async () => {
    await start(t('17:20', FRIDAY));
    // closed Friday 17:20: 10 office minutes left that day, then the weekend
    await post('window', [ev.windowStatus(t('17:20', FRIDAY), 'closed', 'yiyang.w001')]);
    await post('queue', [ev.issued(t('17:20', FRIDAY), 'B100')]);
    await at(t('10:00', FRIDAY + 1));
    await at(t('10:00', FRIDAY + 2));
    expect(await ofRule('window')).toEqual([]);
    // Monday: a fresh 15 office minutes from 08:30, and someone waits from 08:31
    clock.set(t('08:31', MONDAY));
    await post('queue', [ev.issued(t('08:31', MONDAY), 'B001')]);
    await at(t('08:44:59', MONDAY));
    expect(await ofRule('window')).toEqual([]);
    await at(t('08:45', MONDAY));
    expect(await ofRule('window')).toMatchObject([{ window: 'yiyang.w001', severity: 'red', state: 'open' }]);
    await post('window', [ev.windowStatus(t('08:50', MONDAY), 'open', 'yiyang.w001')]);
    await at(t('08:50', MONDAY));
    expect((await ofRule('window')).map((a) => a.state)).toEqual(['closed']);

    // paused at 11:50 with people waiting: 10 minutes before lunch, 5 after it ends at 14:00
    clock.set(t('11:50', MONDAY));
    await post('window', [ev.windowStatus(t('11:50', MONDAY), 'paused', 'yiyang.w002')]);
    await at(t('13:59', MONDAY));
    expect(await ofRule('window').then((l) => l.filter((a) => a.window === 'yiyang.w002'))).toEqual([]);
    await at(t('14:05', MONDAY));
    expect(await ofRule('window').then((l) => l.filter((a) => a.window === 'yiyang.w002' && a.state === 'open'))).toHaveLength(1);
  });

  it('does not raise an unattended-window alert while nobody waits for its department', async () => {
    const d = WORKDAY;
    await start(t('09:00', d));
    await post('window', [ev.windowStatus(t('09:00', d), 'paused', 'yiyang.w030', 'yiyang.w030'.length ? 'yiyang.hrss' : '')]);
    await at(t('10:00', d));
    expect(await ofRule('window')).toEqual([]);
  });
});

describe('bad reviews and silent sources', () => {
  it('opens a follow-up for a 2-star review due in 5 working days across a public holiday, which turns red and goes up a level when not resolved', async () => {
    const { before } = HOLIDAY;
    // 5 working days after the last workday before the holiday (2026: Oct 8, 9, 10 (make-up), 12, 13 → due at the end of Oct 13)
    const dueDay = addWorkingDays(testCalendar, before, 5);
    await start(t('11:00', before));
    await post('rating', [ev.rating(t('11:00', before), 2, 'yiyang.w004'), ev.rating(t('11:01', before), 3, 'yiyang.w004')]);
    await at(t('11:01', before));
    const [review] = await ofRule('review');
    expect(review).toMatchObject({ state: 'open', severity: 'yellow', score: 2, window: 'yiyang.w004', dueAt: midnightOf(date(dueDay + 1)) });
    expect(await ofRule('review')).toHaveLength(1);
    await hub!.alerts.store.act(review!.id, 'ack', { username: 'someone', ip: '' }, '');
    await at(t('23:59:59', dueDay));
    expect((await ofRule('review'))[0]!.severity).toBe('yellow');
    await at(t('00:00', dueDay + 1));
    const [overdue] = await ofRule('review');
    expect(overdue).toMatchObject({ severity: 'red', level: 1, state: 'acknowledged' });
    expect(overdue!.history.map((s) => s.action)).toEqual(['opened', 'acknowledged', 'overdue', 'escalated']);
    expect(await alertCounts(hub!, 'window:yiyang.w004')).toEqual({ open: 1, yellow: 0, red: 1 });
  });

  it('raises a silent-source alert after 10 office minutes without a request, and closes it when the source is heard again', async () => {
    const d = WORKDAY;
    await start(t('09:00', d));
    await post('fee', [ev.fee(t('09:00', d), 10)]);
    await at(t('09:09:59', d));
    expect(await ofRule('source')).toEqual([]);
    await at(t('09:10', d));
    expect(await ofRule('source')).toMatchObject([{ source: 'fee', state: 'open', dept: null, scopes: ['city'] }]);
    await post('fee', [ev.fee(t('09:12', d), 10)]);
    await at(t('09:12', d));
    expect((await ofRule('source')).map((a) => [a.state, a.history.at(-1)?.reason])).toEqual([['closed', 'source-heard']]);
  });

  it('does not count the night or the weekend as silence', async () => {
    await start(t('17:25', FRIDAY));
    await post('fee', [ev.fee(t('17:25', FRIDAY), 10)]);
    await at(t('11:00', FRIDAY + 1));
    await at(t('08:39:59', MONDAY));
    expect(await ofRule('source')).toEqual([]);
    await at(t('08:40', MONDAY));
    expect(await ofRule('source')).toHaveLength(1);
  });
});

describe('escalation', () => {
  it('goes up one level every 30 minutes while nobody acknowledges, up to level 2, and not after an acknowledgement', async () => {
    const d = WORKDAY;
    await start(t('09:00', d));
    await post('queue', [ev.issued(t('09:00', d), 'G001', 'yiyang.agri'), ev.issued(t('09:00', d), 'G002', 'yiyang.agri')]);
    await at(t('09:30', d));
    const [a1, a2] = await ofRule('wait');
    await hub!.alerts.store.act(a2!.id, 'ack', { username: 'zhang', ip: '' }, '');
    await at(t('09:59:59', d));
    expect((await hub!.alerts.store.get(a1!.id))!.level).toBe(0);
    await at(t('10:00', d));
    expect((await hub!.alerts.store.get(a1!.id))!.level).toBe(1);
    await at(t('10:30', d));
    await at(t('11:30', d));
    const top = (await hub!.alerts.store.get(a1!.id))!;
    expect(top.level).toBe(2);
    expect(top.history.filter((s) => s.action === 'escalated').map((s) => [s.level, s.by, s.at - Date.parse(t('09:30', d))])).toEqual([
      [1, 'system', 30 * MIN],
      [2, 'system', 60 * MIN],
    ]);
    expect((await hub!.alerts.store.get(a2!.id))!.level).toBe(0);
  });
});

// The deadline arithmetic behind the stories above, on the pure functions with the published 2026
// schedule (no Redis, no hub): National Day, Oct 1-7 off, Sunday Sep 20 and Saturday Oct 10 make-up
// workdays (调休).
describe('deadlines around National Day 2026, on the calendar and the rule functions', () => {
  const calendar = createWorkCalendar();
  const d = dayIndexOfDate;

  it('a 3-day case accepted on Sep 30 is due on the make-up Saturday Oct 10', () => {
    expect(calendar.isWorkday(d('2026-10-10'))).toBe(true);
    expect(calendar.isWorkday(d('2026-10-05'))).toBe(false);
    expect(addWorkingDays(calendar, d('2026-09-30'), 3)).toBe(d('2026-10-10'));
  });

  it('a one-day case accepted on Friday Sep 18 is due on the make-up Sunday Sep 20', () => {
    expect(addWorkingDays(calendar, d('2026-09-18'), 1)).toBe(d('2026-09-20'));
  });

  it('a 2-day case accepted Sep 28, suspended Sep 29 and resumed Oct 9 is due on Oct 10', () => {
    expect(addWorkingDays(calendar, d('2026-09-28'), 2)).toBe(d('2026-09-30'));
    expect(workingDaysBetween(calendar, d('2026-09-29'), d('2026-10-09'))).toBe(3); // Sep 29, Sep 30, Oct 8
    expect(addWorkingDays(calendar, d('2026-09-30'), 3)).toBe(d('2026-10-10'));
  });

  it('a 2-star review on Sep 30 is due at the end of Oct 13, and a 3-star one opens nothing', () => {
    const catalog = loadCatalog('config/catalog');
    const config = loadAlertConfig('config/alerts.json', catalog);
    const ctx = { config, catalog, office: { calendar, periods: config.officeHours } };
    const review = (score: number) => opsOfEvent(ev.rating('2026-09-30T11:00:00+08:00', score, 'yiyang.w004') as YgEvent, ctx);
    // Oct 8, 9, 10 (make-up), 12, 13
    expect(review(2)).toMatchObject([{ op: 'open', spec: { rule: 'review', severity: 'yellow', score: 2, dueAt: Date.parse('2026-10-14T00:00:00+08:00') } }]);
    expect(review(3)).toEqual([]);
  });
});
