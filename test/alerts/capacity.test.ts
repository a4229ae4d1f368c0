/**
 * The capacity rule (增开窗口建议, docs/alerts.md#capacity) against a real Redis and real hubs: a
 * queue that builds up at few open windows raises one alert saying how many windows to open; its
 * figures follow the windows; it clears with hysteresis when enough windows open and when the queue
 * drains; a second hub does not raise it twice; nothing in the lunch break or on a day off; nothing
 * from a backfill until the queue's sources report live; and no public wall (the hall's screen
 * token) ever sees it.
 *
 * The numbers: 医疗保障局 (yiyang.medicare, 6 windows w043-w048, wait threshold 30 minutes) with no
 * service measured yet (the default 10 minutes) and nobody arriving in the last half hour: 12
 * waiting at 2 windows wait 12 × 10 / 2 = 60 minutes; under 30 needs 5 windows (24 minutes), 3
 * more. At 5 the wait (24) is not under 30 × (1 − 20%) = 24, so it stays; at 6 (20) it clears.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/alerts.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at as iso, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { drained, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { notifyFile, startNotifyHub } from '../notify/notify-hub.ts';
import { startHttpReceiver } from '../notify/receivers.ts';
import { alertCounts, alertsDrained, allAlerts, settle, startAlertHub, TestClock } from './alert-hub.ts';

const DEPT = 'yiyang.medicare';
const WINDOWS = ['yiyang.w043', 'yiyang.w044', 'yiyang.w045', 'yiyang.w046', 'yiyang.w047', 'yiyang.w048'];
const HALL_TOKEN = 'hall-capacity-token-01';
/** The engine ticks only when the test says (settle), and looks at the queues at every tick. */
const TUNING = { tickMs: 3_600_000, capacityEveryMs: 0 };
const WORKDAY = dayIndexOfDate(findDay(kindOfDay.workday));
const DAY_OFF = dayIndexOfDate(findDay(kindOfDay.dayOff, -1));
const t = (time: string, day = WORKDAY) => iso(time, dateOfDayIndex(day));
const tickets = Array.from({ length: 12 }, (_, i) => `D${String(i + 1).padStart(3, '0')}`);

const hubs: Hub[] = [];
let clock: TestClock;
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.stop();
});

async function start(time: string, count = 1): Promise<Hub[]> {
  clock = new TestClock(time);
  const prefix = testPrefix();
  for (let i = 0; i < count; i++) hubs.push(await startAlertHub(prefix, clock, { SCREEN_TOKENS: `hall=${HALL_TOKEN}:center:yiyang` }, TUNING));
  return hubs;
}
async function post(hub: Hub, source: Parameters<typeof postEvents>[1], events: unknown[]): Promise<void> {
  const res = await postEvents(hub, source, events);
  expect(res.body.rejected).toEqual([]);
  await drained(hub);
  await alertsDrained(hub);
}
const windowsTo = (status: string, codes: string[], at: string) => codes.map((w) => ev.windowStatus(at, status, w, DEPT));
async function capacityAlerts(hub: Hub): Promise<Alert[]> {
  return (await allAlerts(hub)).filter((a) => a.rule === 'capacity');
}
const lastStep = (a: Alert) => a.history[a.history.length - 1]!;

describe('capacity alerts (增开窗口建议)', () => {
  it('says how many windows to open, follows the windows, clears with hysteresis and when the queue drains, once across two hubs', async () => {
    const [hub, second] = await start(t('08:40'), 2);
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(0, 2), t('08:40')));
    await post(
      hub!,
      'queue',
      tickets.map((n) => ev.issued(t('08:40'), n, DEPT)),
    );

    // 09:15: 12 waiting at 2 of 6 windows, nobody arriving since 08:45
    clock.set(t('09:15'));
    await settle(hub!);
    await settle(second!);
    await settle(hub!);
    let list = await capacityAlerts(hub!);
    expect(list).toHaveLength(1);
    const [first] = list;
    expect(first).toMatchObject({ rule: 'capacity', severity: 'yellow', state: 'open', center: 'yiyang', dept: DEPT, subject: `capacity:${DEPT}` });
    expect(first!.capacity).toEqual({
      at: Date.parse(t('09:15')),
      waiting: 12,
      openWindows: 2,
      closedWindows: 4,
      serviceMinutes: 10,
      arrivalsPerHour: 0,
      expectedWaitMinutes: 60,
      thresholdMinutes: 30,
      windowsToOpen: 3,
    });
    expect(first!.scopes).toEqual([`dept:${DEPT}`, 'center:yiyang', 'city']);

    // never counted for a wall: the counts (the snapshot's `alerts`) hold the 12 wait cards, not the prompt
    const unresolvedCards = (await allAlerts(hub!)).filter((a) => a.dept === DEPT && a.rule !== 'capacity' && a.state === 'open').length;
    expect(unresolvedCards).toBe(12);
    expect((await alertCounts(hub!, `dept:${DEPT}`)).open).toBe(12);
    // the hall's screen token: no alert API, and a snapshot that says nothing of it
    const auth = { authorization: `Bearer ${HALL_TOKEN}` };
    expect((await fetch(`${hub!.url}/api/v1/alerts?rule=capacity`, { headers: auth })).status).toBe(401);
    for (const scope of ['center:yiyang', `dept:${DEPT}`]) {
      const res = await fetch(`${hub!.url}/api/v1/snapshot?scope=${scope}`, { headers: auth });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toMatch(/capacity|增开/);
      expect(JSON.parse(text).alerts.open).toBe(12);
    }

    // 3 more windows: 24 minutes, not under 24 (30 less 20%): it stays, and says so
    clock.set(t('09:16'));
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(2, 5), t('09:16')));
    await settle(second!);
    await settle(hub!);
    list = await capacityAlerts(hub!);
    expect(list).toHaveLength(1);
    expect(list[0]!.state).toBe('open');
    expect(list[0]!.capacity).toMatchObject({ openWindows: 5, closedWindows: 1, expectedWaitMinutes: 24, windowsToOpen: 0 });

    // the sixth: 20 minutes, under 24: closed
    clock.set(t('09:17'));
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(5), t('09:17')));
    await settle(hub!);
    await settle(second!);
    list = await capacityAlerts(hub!);
    expect(list).toHaveLength(1);
    expect(list[0]!.state).toBe('closed');
    expect(lastStep(list[0]!)).toMatchObject({ action: 'closed', by: 'system', reason: 'wait-under-threshold' });

    // four go to lunch early: 60 minutes again, a new prompt (one, whichever hub looks first)
    clock.set(t('09:18'));
    await post(hub!, 'window', windowsTo('paused', WINDOWS.slice(2), t('09:18')));
    await settle(second!);
    await settle(hub!);
    list = await capacityAlerts(hub!);
    expect(list.map((a) => a.state)).toEqual(['closed', 'open']);
    expect(list[1]!.capacity).toMatchObject({ waiting: 12, openWindows: 2, windowsToOpen: 3 });

    // everybody called: the queue drained
    clock.set(t('09:19'));
    await post(
      hub!,
      'queue',
      tickets.map((n, i) => ev.called(t('09:19'), n, WINDOWS[i % 2]!)),
    );
    await settle(hub!);
    await settle(second!);
    list = await capacityAlerts(hub!);
    expect(list.map((a) => a.state)).toEqual(['closed', 'closed']);
    expect(lastStep(list[1]!)).toMatchObject({ reason: 'queue-drained' });
  });

  it('is routed like any alert: a route for the rule sends its advice to the contact, once', async () => {
    const receiver = await startHttpReceiver();
    try {
      clock = new TestClock(t('08:40'));
      const file = notifyFile({
        channels: { hook: { type: 'webhook', url: `${receiver.url}/hook` } },
        contacts: { zhang: { name: '张科长', phone: '13800000001', channels: ['hook'] } },
        routes: [{ rules: ['capacity'], contacts: ['zhang'] }],
        batchYellowSeconds: 0,
      });
      const hub = await startNotifyHub(testPrefix(), clock, file);
      hubs.push(hub);
      await post(hub, 'window', windowsTo('open', WINDOWS.slice(0, 2), t('08:40')));
      await post(
        hub,
        'queue',
        tickets.map((n) => ev.issued(t('08:40'), n, DEPT)),
      );
      clock.set(t('09:15'));
      await waitFor('the capacity alert', async () => (await capacityAlerts(hub)).some((a) => a.capacity?.at === clock.t));
      await hub.notify.tick();
      await waitFor('its message', () => receiver.on('/hook').length > 0);
      await hub.notify.tick();
      const sent = receiver.on('/hook').map((r) => r.json);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ rule: 'capacity', dept: DEPT, contact: 'zhang' });
      expect(sent[0].text).toContain('【提示·增开窗口建议】益阳市政务服务中心 医疗保障局：预计等待 60 分钟，建议增开 3 个窗口');
    } finally {
      await receiver.close();
    }
  });

  it('keeps to office hours: nothing over lunch or on a day off, the prompt when the afternoon starts', async () => {
    const [hub] = await start(t('12:01'));
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(0, 1), t('12:01')));
    await post(
      hub!,
      'queue',
      tickets.map((n) => ev.issued(t('12:01'), n, DEPT)),
    );
    clock.set(t('12:40'));
    await settle(hub!);
    expect(await capacityAlerts(hub!)).toEqual([]);
    // 14:00: 12 waiting at 1 window: 120 minutes; 5 windows bring it to 24
    clock.set(t('14:00'));
    await settle(hub!);
    const list = await capacityAlerts(hub!);
    expect(list).toHaveLength(1);
    expect(list[0]!.capacity).toMatchObject({ waiting: 12, openWindows: 1, expectedWaitMinutes: 120, windowsToOpen: 4 });
  });

  it('raises nothing on a day off', async () => {
    const [hub] = await start(t('10:00', DAY_OFF));
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(0, 1), t('10:00', DAY_OFF)));
    await post(
      hub!,
      'queue',
      tickets.map((n) => ev.issued(t('10:00', DAY_OFF), n, DEPT)),
    );
    clock.set(t('10:40', DAY_OFF));
    await settle(hub!);
    expect(await capacityAlerts(hub!)).toEqual([]);
  });

  it('waits for the queue sources to report live: a backfill of the morning raises nothing until they do', async () => {
    const [hub] = await start(t('11:00'));
    // the morning sent at 11:00: two hours behind, a replay
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(0, 2), t('09:00')));
    await post(
      hub!,
      'queue',
      tickets.map((n) => ev.issued(t('09:00'), n, DEPT)),
    );
    await settle(hub!);
    expect(await capacityAlerts(hub!)).toEqual([]);
    // paused, but only as far as 09:00: still nothing
    clock.set(t('11:05'));
    await settle(hub!);
    expect(await capacityAlerts(hub!)).toEqual([]);
    // both sources report live again: the 12 still waiting at 2 windows are a real queue
    await post(hub!, 'window', windowsTo('open', WINDOWS.slice(0, 2), t('11:05')));
    await post(hub!, 'queue', [ev.issued(t('11:05'), 'B001')]);
    await settle(hub!);
    const list = (await capacityAlerts(hub!)).filter((a) => a.dept === DEPT);
    expect(list).toHaveLength(1);
    expect(list[0]!.capacity).toMatchObject({ waiting: 12, openWindows: 2, windowsToOpen: 3 });
    // (B001 waits at 不动产登记 with no window open there: that queue gets its own prompt)
  });
});
