/**
 * Each rule fires at the right time, driven by a test clock, across a weekend, the make-up
 * workday of Sunday 2026-09-20 and the 2026 National Day holiday (Oct 1-7 off, Saturday Oct 10 a
 * make-up workday); and alerts close by themselves when their cause ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertRule } from '../../common/alerts.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { getJson, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { alertCounts, allAlerts, settle, startAlertHub, TestClock } from './alert-hub.ts';

const MIN = 60_000;
let hub: Hub | null = null;
let clock: TestClock;
afterEach(async () => { await hub?.stop(); hub = null; });

async function start(iso: string): Promise<Hub> {
  clock = new TestClock(iso);
  hub = await startAlertHub(testPrefix(), clock);
  return hub;
}
/** Moves the clock and lets the engine act. */
async function at(iso: string): Promise<void> {
  clock.set(iso);
  await settle(hub!);
}
async function ofRule(rule: AlertRule): Promise<Alert[]> {
  return (await allAlerts(hub!)).filter((a) => a.rule === rule);
}
async function post(source: Parameters<typeof postEvents>[1], events: unknown[]): Promise<void> {
  const res = await postEvents(hub!, source, events);
  expect(res.body.rejected).toEqual([]);
}

describe('case deadlines (yellow and red cards)', () => {
  it('gives a case accepted before National Day its yellow card on the make-up Saturday Oct 10 and its red card when that day ends', async () => {
    await start('2026-09-30T10:00:00+08:00');
    // 3 working days after Wed Sep 30: Oct 8, Oct 9, Oct 10 (make-up workday) → due Oct 10
    await post('cases', [ev.accepted('2026-09-30T10:00:00+08:00', 'C-ND', 3)]);
    await at('2026-10-07T12:00:00+08:00');
    await at('2026-10-09T23:59:59+08:00');
    expect(await ofRule('case-yellow')).toEqual([]);
    await at('2026-10-10T00:00:00+08:00');
    const [yellow] = await ofRule('case-yellow');
    expect(yellow).toMatchObject({ state: 'open', severity: 'yellow', case: 'C-ND', dept: 'yiyang.realestate', dueAt: Date.parse('2026-10-11T00:00:00+08:00') });
    await at('2026-10-10T23:59:59+08:00');
    expect(await ofRule('case-red')).toEqual([]);
    await at('2026-10-11T00:00:00+08:00');
    const [red] = await ofRule('case-red');
    expect(red).toMatchObject({ state: 'open', severity: 'red', case: 'C-ND' });
    // the red card supersedes the yellow one, which keeps its history
    const [closedYellow] = await ofRule('case-yellow');
    expect(closedYellow!.state).toBe('closed');
    // nobody acknowledged it during the day, so it also went up the levels
    expect(closedYellow!.history.map((s) => [s.action, s.reason ?? null])).toEqual([['opened', null], ['escalated', null], ['escalated', null], ['closed', 'superseded']]);
    expect(await alertCounts(hub!, 'dept:yiyang.realestate')).toEqual({ open: 1, yellow: 0, red: 1 });
    // each day's snapshot tells what was raised that day, whatever is open now
    const raised = async (date: string) => {
      const { alerts } = await getJson(hub!, `/api/v1/snapshot?scope=dept:yiyang.realestate&date=${date}`);
      return [alerts.raised, alerts.raisedYellow, alerts.raisedRed];
    };
    expect(await raised('2026-10-09')).toEqual([0, 0, 0]);
    expect(await raised('2026-10-10')).toEqual([1, 1, 0]);
    expect(await raised('2026-10-11')).toEqual([1, 0, 1]);
  });

  it('waits over a weekend: a one-day case accepted on Friday turns yellow on Monday and red when Monday ends', async () => {
    await start('2026-11-20T15:00:00+08:00');
    await post('cases', [ev.accepted('2026-11-20T15:00:00+08:00', 'C-WE', 1)]);
    await at('2026-11-22T23:59:00+08:00');
    expect(await allAlerts(hub!).then((l) => l.filter((a) => a.case))).toEqual([]);
    await at('2026-11-23T00:00:00+08:00');
    expect((await ofRule('case-yellow')).map((a) => a.case)).toEqual(['C-WE']);
    await at('2026-11-23T23:59:59+08:00');
    expect(await ofRule('case-red')).toEqual([]);
    await at('2026-11-24T00:00:00+08:00');
    expect((await ofRule('case-red')).map((a) => a.case)).toEqual(['C-WE']);
  });

  it('counts the make-up workday Sunday 2026-09-20 as a working day', async () => {
    await start('2026-09-18T10:00:00+08:00');
    await post('cases', [ev.accepted('2026-09-18T10:00:00+08:00', 'C-MU', 1)]);
    await at('2026-09-19T23:59:59+08:00');
    expect(await ofRule('case-yellow')).toEqual([]);
    await at('2026-09-20T00:00:00+08:00');
    expect(await ofRule('case-yellow')).toHaveLength(1);
    await at('2026-09-21T00:00:00+08:00');
    expect(await ofRule('case-red')).toHaveLength(1);
  });

  it('stops the clock while a case is suspended and moves the deadline by the working days it stood still', async () => {
    await start('2026-09-28T09:00:00+08:00');
    // due Wed Sep 30; suspended Tue Sep 29, resumed Fri Oct 9: Sep 29, Sep 30, Oct 8 stood still → due Oct 10... +3 working days from Sep 30
    await post('cases', [ev.accepted('2026-09-28T09:00:00+08:00', 'C-SU', 2)]);
    await at('2026-09-29T09:00:00+08:00');
    await post('cases', [ev.suspended('2026-09-29T09:00:00+08:00', 'C-SU')]);
    await at('2026-10-01T00:00:00+08:00');
    expect(await ofRule('case-red')).toEqual([]);
    await at('2026-10-09T09:00:00+08:00');
    await post('cases', [ev.resumed('2026-10-09T09:00:00+08:00', 'C-SU')]);
    await at('2026-10-09T09:00:01+08:00');
    expect(await ofRule('case-red')).toEqual([]);
    await at('2026-10-10T00:00:00+08:00');
    // the yellow card of the first due date was closed at suspension; the new one comes on Oct 10
    expect((await ofRule('case-yellow')).map((a) => a.state)).toEqual(['open']);
    await at('2026-10-11T00:00:01+08:00');
    expect((await ofRule('case-red')).map((a) => a.case)).toEqual(['C-SU']);
  });

  it('closes the cards of a case when it is completed, keeping who did what', async () => {
    await start('2026-11-23T09:00:00+08:00');
    await post('cases', [ev.accepted('2026-11-23T09:00:00+08:00', 'C-DONE', 0)]);
    await at('2026-11-24T00:00:01+08:00');
    expect((await ofRule('case-red')).map((a) => a.state)).toEqual(['open']);
    clock.set('2026-11-24T09:00:00+08:00');
    await post('cases', [ev.completed('2026-11-24T09:00:00+08:00', 'C-DONE')]);
    await at('2026-11-24T09:00:01+08:00');
    const [red] = await ofRule('case-red');
    expect(red!.state).toBe('closed');
    expect(red!.history.at(-1)).toMatchObject({ action: 'closed', by: 'system', reason: 'case-completed' });
    expect(await alertCounts(hub!, 'city')).toMatchObject({ red: 0 });
  });
});

describe('queue, service and windows', () => {
  it('raises a wait alert after 30 minutes, 40 for a department with its own threshold, and closes it when the ticket is called', async () => {
    await start('2026-11-23T09:00:00+08:00');
    await post('queue', [ev.issued('2026-11-23T09:00:00+08:00', 'G001', 'yiyang.agri'), ev.issued('2026-11-23T09:00:00+08:00', 'B001', 'yiyang.realestate')]);
    await at('2026-11-23T09:29:59+08:00');
    expect(await ofRule('wait')).toEqual([]);
    await at('2026-11-23T09:30:00+08:00');
    expect((await ofRule('wait')).map((a) => a.ticket)).toEqual(['G001']);
    await at('2026-11-23T09:40:00+08:00');
    expect((await ofRule('wait')).map((a) => a.ticket)).toEqual(['G001', 'B001']);
    await post('queue', [ev.called('2026-11-23T09:41:00+08:00', 'G001', 'yiyang.w020')]);
    await at('2026-11-23T09:41:00+08:00');
    const waits = await ofRule('wait');
    expect(waits.map((a) => [a.ticket, a.state])).toEqual([['G001', 'closed'], ['B001', 'open']]);
    expect(waits[0]!.history.at(-1)).toMatchObject({ reason: 'ticket-called' });
    // a ticket that is never called ends with its day
    await at('2026-11-24T00:00:00+08:00');
    expect((await ofRule('wait')).map((a) => a.state)).toEqual(['closed', 'closed']);
  });

  it('raises a service alert after 30 minutes of service and closes it when the service finishes', async () => {
    await start('2026-11-23T10:00:00+08:00');
    await post('window', [ev.started('2026-11-23T10:00:00+08:00', 'B007', 'yiyang.w003')]);
    await at('2026-11-23T10:29:59+08:00');
    expect(await ofRule('service')).toEqual([]);
    await at('2026-11-23T10:30:00+08:00');
    expect(await ofRule('service')).toMatchObject([{ window: 'yiyang.w003', dept: 'yiyang.realestate', ticket: 'B007', state: 'open' }]);
    await post('window', [ev.finished('2026-11-23T10:35:00+08:00', 'B007', 'yiyang.w003')]);
    await at('2026-11-23T10:35:00+08:00');
    expect((await ofRule('service')).map((a) => a.state)).toEqual(['closed']);
  });

  it('raises an unattended-window alert after 15 office minutes only while tickets of its department wait, not over lunch or the weekend', async () => {
    await start('2026-11-20T17:20:00+08:00');
    // closed Friday 17:20: 10 office minutes left that day, then the weekend
    await post('window', [ev.windowStatus('2026-11-20T17:20:00+08:00', 'closed', 'yiyang.w001')]);
    await post('queue', [ev.issued('2026-11-20T17:20:00+08:00', 'B100')]);
    await at('2026-11-21T10:00:00+08:00');
    await at('2026-11-22T10:00:00+08:00');
    expect(await ofRule('window')).toEqual([]);
    // Monday: a fresh 15 office minutes from 08:30, and someone waits from 08:31
    clock.set('2026-11-23T08:31:00+08:00');
    await post('queue', [ev.issued('2026-11-23T08:31:00+08:00', 'B001')]);
    await at('2026-11-23T08:44:59+08:00');
    expect(await ofRule('window')).toEqual([]);
    await at('2026-11-23T08:45:00+08:00');
    expect(await ofRule('window')).toMatchObject([{ window: 'yiyang.w001', severity: 'red', state: 'open' }]);
    await post('window', [ev.windowStatus('2026-11-23T08:50:00+08:00', 'open', 'yiyang.w001')]);
    await at('2026-11-23T08:50:00+08:00');
    expect((await ofRule('window')).map((a) => a.state)).toEqual(['closed']);

    // paused at 11:50 with people waiting: 10 minutes before lunch, 5 after it ends at 14:00
    clock.set('2026-11-23T11:50:00+08:00');
    await post('window', [ev.windowStatus('2026-11-23T11:50:00+08:00', 'paused', 'yiyang.w002')]);
    await at('2026-11-23T13:59:00+08:00');
    expect(await ofRule('window').then((l) => l.filter((a) => a.window === 'yiyang.w002'))).toEqual([]);
    await at('2026-11-23T14:05:00+08:00');
    expect(await ofRule('window').then((l) => l.filter((a) => a.window === 'yiyang.w002' && a.state === 'open'))).toHaveLength(1);
  });

  it('does not raise an unattended-window alert while nobody waits for its department', async () => {
    await start('2026-11-23T09:00:00+08:00');
    await post('window', [ev.windowStatus('2026-11-23T09:00:00+08:00', 'paused', 'yiyang.w030', 'yiyang.w030'.length ? 'yiyang.hrss' : '')]);
    await at('2026-11-23T10:00:00+08:00');
    expect(await ofRule('window')).toEqual([]);
  });
});

describe('bad reviews and silent sources', () => {
  it('opens a follow-up for a 2-star review due in 5 working days across National Day, which turns red and goes up a level when not resolved', async () => {
    await start('2026-09-30T11:00:00+08:00');
    await post('rating', [ev.rating('2026-09-30T11:00:00+08:00', 2, 'yiyang.w004'), ev.rating('2026-09-30T11:01:00+08:00', 3, 'yiyang.w004')]);
    await at('2026-09-30T11:01:00+08:00');
    const [review] = await ofRule('review');
    // Oct 8, 9, 10 (make-up), 12, 13 → due at the end of Oct 13
    expect(review).toMatchObject({ state: 'open', severity: 'yellow', score: 2, window: 'yiyang.w004', dueAt: Date.parse('2026-10-14T00:00:00+08:00') });
    expect(await ofRule('review')).toHaveLength(1);
    await hub!.alerts.store.act(review!.id, 'ack', { username: 'someone', ip: '' }, '');
    await at('2026-10-13T23:59:59+08:00');
    expect((await ofRule('review'))[0]!.severity).toBe('yellow');
    await at('2026-10-14T00:00:00+08:00');
    const [overdue] = await ofRule('review');
    expect(overdue).toMatchObject({ severity: 'red', level: 1, state: 'acknowledged' });
    expect(overdue!.history.map((s) => s.action)).toEqual(['opened', 'acknowledged', 'overdue', 'escalated']);
    expect(await alertCounts(hub!, 'window:yiyang.w004')).toEqual({ open: 1, yellow: 0, red: 1 });
  });

  it('raises a silent-source alert after 10 office minutes without a request, and closes it when the source is heard again', async () => {
    await start('2026-11-23T09:00:00+08:00');
    await post('fee', [ev.fee('2026-11-23T09:00:00+08:00', 10)]);
    await at('2026-11-23T09:09:59+08:00');
    expect(await ofRule('source')).toEqual([]);
    await at('2026-11-23T09:10:00+08:00');
    expect(await ofRule('source')).toMatchObject([{ source: 'fee', state: 'open', dept: null, scopes: ['city'] }]);
    await post('fee', [ev.fee('2026-11-23T09:12:00+08:00', 10)]);
    await at('2026-11-23T09:12:00+08:00');
    expect((await ofRule('source')).map((a) => [a.state, a.history.at(-1)?.reason])).toEqual([['closed', 'source-heard']]);
  });

  it('does not count the night or the weekend as silence', async () => {
    await start('2026-11-20T17:25:00+08:00');
    await post('fee', [ev.fee('2026-11-20T17:25:00+08:00', 10)]);
    await at('2026-11-21T11:00:00+08:00');
    await at('2026-11-23T08:39:59+08:00');
    expect(await ofRule('source')).toEqual([]);
    await at('2026-11-23T08:40:00+08:00');
    expect(await ofRule('source')).toHaveLength(1);
  });
});

describe('escalation', () => {
  it('goes up one level every 30 minutes while nobody acknowledges, up to level 2, and not after an acknowledgement', async () => {
    await start('2026-11-23T09:00:00+08:00');
    await post('queue', [ev.issued('2026-11-23T09:00:00+08:00', 'G001', 'yiyang.agri'), ev.issued('2026-11-23T09:00:00+08:00', 'G002', 'yiyang.agri')]);
    await at('2026-11-23T09:30:00+08:00');
    const [a1, a2] = await ofRule('wait');
    await hub!.alerts.store.act(a2!.id, 'ack', { username: 'zhang', ip: '' }, '');
    await at('2026-11-23T09:59:59+08:00');
    expect((await hub!.alerts.store.get(a1!.id))!.level).toBe(0);
    await at('2026-11-23T10:00:00+08:00');
    expect((await hub!.alerts.store.get(a1!.id))!.level).toBe(1);
    await at('2026-11-23T10:30:00+08:00');
    await at('2026-11-23T11:30:00+08:00');
    const top = (await hub!.alerts.store.get(a1!.id))!;
    expect(top.level).toBe(2);
    expect(top.history.filter((s) => s.action === 'escalated').map((s) => [s.level, s.by, s.at - Date.parse('2026-11-23T09:30:00+08:00')])).toEqual([[1, 'system', 30 * MIN], [2, 'system', 60 * MIN]]);
    expect((await hub!.alerts.store.get(a2!.id))!.level).toBe(0);
  });
});
