/**
 * The engine with several hub processes and restarts, the lifecycle through the API (concurrent
 * acknowledge, the required note), role scoping, and live alerts on the `/alerts` namespace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { AlertMessage } from '../../common/alerts.ts';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { drained, postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { addUser, alertCounts, alertsDrained, allAlerts, api, settle, startAlertHub, TestClock } from './alert-hub.ts';

const hubs: Hub[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const h of hubs.splice(0)) await h.stop();
});
async function hubAt(prefix: string, clock: TestClock): Promise<Hub> {
  const hub = await startAlertHub(prefix, clock);
  hubs.push(hub);
  return hub;
}
// A working day relative to today (with YG_TEST_TODAY=makeup, today: a Saturday worked), at the office's opening.
const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const waits = (hub: Hub) => allAlerts(hub).then((l) => l.filter((a) => a.rule === 'wait'));

describe('the engine with several hub processes', () => {
  it('fires each alert exactly once with two hub processes sharing the stream', async () => {
    const prefix = testPrefix();
    const clock = new TestClock(t('09:00'));
    const [a, b] = [await hubAt(prefix, clock), await hubAt(prefix, clock)];
    const tickets = Array.from({ length: 60 }, (_, i) => ev.issued(t('09:00'), `G${String(i).padStart(3, '0')}`, 'yiyang.agri'));
    // half through each hub, in several batches, so both engines read some
    for (let i = 0; i < 60; i += 10) await postEvents(i % 20 === 0 ? a : b, 'queue', tickets.slice(i, i + 10));
    await drained(a);
    await alertsDrained(a);
    clock.set(t('09:30'));
    await Promise.all([a.alerts.engine!.tick(), b.alerts.engine!.tick(), a.alerts.engine!.tick(), b.alerts.engine!.tick()]);
    // a sleep on purpose: for 200 ms the engines' own interval ticks (every 50 ms) run too, and
    // nothing more may fire; the check below is that nothing happened in that time
    await new Promise((r) => setTimeout(r, 200));
    const alerts = await waits(a);
    expect(alerts).toHaveLength(60);
    expect(new Set(alerts.map((x) => x.ticket)).size).toBe(60);
    expect(await alertCounts(a, 'dept:yiyang.agri')).toEqual({ open: 60, yellow: 60, red: 0 });
    expect(a.alerts.engine!.stats.fired + b.alerts.engine!.stats.fired).toBe(60);
  });

  it('fires an alert that fell due while the hub was down when it comes back', async () => {
    const prefix = testPrefix();
    const clock = new TestClock(t('09:00'));
    const first = await hubAt(prefix, clock);
    await postEvents(first, 'queue', [ev.issued(t('09:00'), 'G001', 'yiyang.agri')]);
    await settle(first);
    await first.stop();
    hubs.splice(hubs.indexOf(first), 1);
    clock.set(t('10:00'));
    const second = await hubAt(prefix, clock);
    await settle(second);
    expect((await waits(second)).map((x) => [x.ticket, x.state, x.openedAt])).toEqual([['G001', 'open', clock.t]]);
  });

  it('skips an alert stream entry it cannot read and goes on with the next', async () => {
    const prefix = testPrefix();
    const clock = new TestClock(t('09:00'));
    const hub = await hubAt(prefix, clock);
    await hub.redis.xadd(hub.keys.alertStream, '*', 'e', JSON.stringify(ev.issued(t('09:00'), 'G006', 'yiyang.agri')));
    await hub.redis.xadd(hub.keys.alertStream, '*', 'r', '{"e": broken');
    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'G007', 'yiyang.agri')]);
    await drained(hub);
    await alertsDrained(hub);
    clock.set(t('09:30'));
    await hub.alerts.engine!.tick();
    expect((await waits(hub)).map((x) => [x.ticket, x.state])).toEqual([['G007', 'open']]);
  });
});

describe('acting on alerts', () => {
  it('takes the first of two simultaneous acknowledgements and answers the second with 409', async () => {
    const clock = new TestClock(t('09:00'));
    const hub = await hubAt(testPrefix(), clock);
    const [zhang, li] = [await addUser(hub, 'zhang', 'supervisor', ['yiyang.agri']), await addUser(hub, 'li', 'supervisor', ['yiyang.agri'])];
    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'G001', 'yiyang.agri')]);
    clock.set(t('09:31'));
    await settle(hub);
    const [alert] = await waits(hub);
    const answers = await Promise.all([
      api(hub, 'POST', `/api/v1/alerts/${alert!.id}/ack`, { cookie: zhang }),
      api(hub, 'POST', `/api/v1/alerts/${alert!.id}/ack`, { cookie: li }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = answers.find((r) => r.status === 200)!.body.alert.history.at(-1).by;
    const loser = answers.find((r) => r.status === 409)!;
    expect(loser.body).toMatchObject({ ok: false, code: 'already-acknowledged', error: `already acknowledged by ${winner}`, alert: { state: 'acknowledged' } });
    const stored = (await hub.alerts.store.get(alert!.id))!;
    expect(stored.history.filter((s) => s.action === 'acknowledged')).toHaveLength(1);

    // resolving needs a note; then it is done and a second resolve gets 409
    expect((await api(hub, 'POST', `/api/v1/alerts/${alert!.id}/resolve`, { cookie: li, body: { note: '  ' } })).status).toBe(400);
    const resolved = await api(hub, 'POST', `/api/v1/alerts/${alert!.id}/resolve`, { cookie: li, body: { note: '已叫号，群众已办理' } });
    expect(resolved.body).toMatchObject({ ok: true, alert: { state: 'resolved' } });
    expect(resolved.body.alert.history.at(-1)).toMatchObject({ action: 'resolved', by: 'li', note: '已叫号，群众已办理', at: clock.t });
    expect(await api(hub, 'POST', `/api/v1/alerts/${alert!.id}/resolve`, { cookie: zhang, body: { note: 'x' } })).toMatchObject({
      status: 409,
      body: { code: 'already-resolved', alert: { state: 'resolved' } },
    });
    expect(await alertCounts(hub, 'dept:yiyang.agri')).toEqual({ open: 0, yellow: 0, red: 0 });
    // the audit trail has both steps, with who and from where
    const admin = await addUser(hub, 'root', 'admin');
    const audit = await api(hub, 'GET', `/api/v1/audit?target=${alert!.id}`, { cookie: admin });
    expect(audit.body.entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['alert.resolved', 'li'],
      ['alert.acknowledged', winner],
    ]);
    expect(audit.body.entries[0]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), dept: 'yiyang.agri', detail: { note: '已叫号，群众已办理' } });
  });

  it('escalates once when two people escalate the level they both saw', async () => {
    const clock = new TestClock(t('09:00'));
    const hub = await hubAt(testPrefix(), clock);
    const leader = await addUser(hub, 'wang', 'leader');
    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'G001', 'yiyang.agri')]);
    clock.set(t('09:31'));
    await settle(hub);
    const [alert] = await waits(hub);
    const [r1, r2] = await Promise.all([0, 0].map(() => api(hub, 'POST', `/api/v1/alerts/${alert!.id}/escalate`, { cookie: leader, body: { level: 0 } })));
    expect([r1!.status, r2!.status].sort()).toEqual([200, 409]);
    expect([r1!, r2!].find((r) => r.status === 409)!.body).toMatchObject({ ok: false, code: 'level-changed', alert: { level: 1 } });
    expect((await hub.alerts.store.get(alert!.id))!.level).toBe(1);
  });

  it('lets a supervisor see and act on the alerts of their departments only', async () => {
    const clock = new TestClock(t('09:00'));
    const hub = await hubAt(testPrefix(), clock);
    const agri = await addUser(hub, 'agri-sup', 'supervisor', ['yiyang.agri']);
    const leader = await addUser(hub, 'leader1', 'leader');
    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'G001', 'yiyang.agri'), ev.issued(t('09:00'), 'M001', 'yiyang.market')]);
    clock.set(t('09:31'));
    await settle(hub);
    const market = (await waits(hub)).find((a) => a.dept === 'yiyang.market')!;
    expect((await api(hub, 'POST', `/api/v1/alerts/${market.id}/ack`, { cookie: agri })).status).toBe(403);
    expect((await api(hub, 'GET', `/api/v1/alerts/${market.id}`, { cookie: agri })).status).toBe(403);
    expect((await api(hub, 'GET', '/api/v1/alerts?dept=yiyang.market', { cookie: agri })).status).toBe(403);
    const mine = await api(hub, 'GET', '/api/v1/alerts?state=active', { cookie: agri });
    expect(mine.body.alerts.map((a: { dept: string }) => a.dept)).toEqual(['yiyang.agri']);
    const all = await api(hub, 'GET', '/api/v1/alerts?state=open', { cookie: leader });
    expect(all.body.alerts.map((a: { dept: string | null }) => a.dept).sort()).toEqual(expect.arrayContaining(['yiyang.agri', 'yiyang.market']));
    expect((await api(hub, 'GET', '/api/v1/alerts')).status).toBe(401);
    // supervisors read the audit of their own departments' alert actions only
    expect((await api(hub, 'GET', '/api/v1/audit?action=signin', { cookie: agri })).status).toBe(403);
  });
});

describe('live alerts on /alerts', () => {
  it('pushes alerts to the supervisors of their department and to leaders, and refuses a socket without a session', async () => {
    const clock = new TestClock(t('09:00'));
    const hub = await hubAt(testPrefix(), clock);
    const cookies = {
      agri: await addUser(hub, 'agri-sup', 'supervisor', ['yiyang.agri']),
      market: await addUser(hub, 'market-sup', 'supervisor', ['yiyang.market']),
      leader: await addUser(hub, 'boss', 'leader'),
    };
    const received: Record<string, AlertMessage[]> = { agri: [], market: [], leader: [] };
    const byWho: Record<string, Socket> = {};
    for (const [who, cookie] of Object.entries(cookies)) {
      const s = connect(`${hub.url}/alerts`, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
      sockets.push(s);
      byWho[who] = s;
      s.on('alert', (m: AlertMessage) => received[who]!.push(m));
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    }
    const anonymous = connect(`${hub.url}/alerts`, { transports: ['websocket'], reconnection: false });
    sockets.push(anonymous);
    const refused = await new Promise<Error>((resolve) => anonymous.once('connect_error', resolve));
    expect(refused.message).toMatch(/sign/);

    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'G001', 'yiyang.agri')]);
    clock.set(t('09:31'));
    await settle(hub);
    const opened = (list: AlertMessage[]) => list.filter((m) => m.change === 'opened' && m.alert.rule === 'wait').map((m) => m.alert.ticket);
    await waitFor('the alert at the agri supervisor and the leader', () => opened(received.agri!).length > 0 && opened(received.leader!).length > 0);
    // one emit went to every room: anything it sent the market supervisor arrives before the answer to a ping on that socket
    await new Promise((resolve) => byWho.market!.emit('ping', resolve));
    expect(opened(received.agri!)).toEqual(['G001']);
    expect(opened(received.leader!)).toEqual(['G001']);
    expect(received.market).toEqual([]);
  });
});
