/**
 * Escalation by level, batching, and delivery that survives: a receiver down for two minutes (by
 * the hubs' clock) gets the message afterwards, once, with two hubs sharing the outbox and one of
 * them restarted meanwhile; the admin configuration applies on every hub and is audited.
 */
import { describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { allAlerts, api, ADMIN_PASSWORD, signIn, TestClock } from '../alerts/alert-hub.ts';
import type { HttpReceiver } from './receivers.ts';
import { notifyFile } from './notify-hub.ts';
import { openWaits as openWaitsOf, stoppedAfterEach } from './notify-fixtures.ts';

const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.agri';

const { hubOf, receiver } = stoppedAfterEach();
const openWaits = (hub: Hub, clock: TestClock, tickets: string[]) => openWaitsOf(hub, clock, { day: DAY, dept: DEPT }, tickets);
const contacts = {
  zhang: { name: '张科长', channels: ['hook'] },
  li: { name: '李主任', channels: ['hook'] },
  wang: { name: '王局长', channels: ['hook'] },
};
const told = (r: HttpReceiver) => r.on('/hook').map((x) => [x.json.contact, x.json.level]);

describe('escalation', () => {
  it("tells the next level's new people when nobody acknowledges within the level's minutes, and stops at the acknowledgement", async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: { hook: { type: 'webhook', url: `${http.url}/hook` } },
        contacts,
        // zhang is named by the route and on the roster's level 1: told once
        roster: [
          { center: 'yiyang', dept: DEPT, level: 1, contacts: ['zhang'] },
          { center: 'yiyang', dept: DEPT, level: 2, contacts: ['li', 'zhang'] },
          { center: 'yiyang', level: 3, contacts: ['wang'], from: '08:00', to: '18:00' },
        ],
        routes: [{ depts: [DEPT], contacts: ['zhang'] }],
        levels: [
          { name: '窗口负责人', minutes: 0.5 },
          { name: '科室负责人', minutes: 1.5 },
          { name: '中心效能监察', minutes: 10 },
        ],
        batchYellowSeconds: 0,
      }),
    );
    await openWaits(hub, clock, ['B001']);
    await hub.notify.tick();
    await waitFor('level 1', () => http.received.length === 1);
    clock.advance(29_000);
    await hub.notify.tick();
    expect(told(http)).toEqual([['zhang', 1]]);
    clock.advance(1_000); // 0.5 minutes
    await hub.notify.tick();
    await waitFor('level 2', () => http.received.length === 2);
    expect(told(http)).toEqual([
      ['zhang', 1],
      ['li', 2],
    ]);
    expect(http.received[1]!.json.text).toContain('已升级至科室负责人');

    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const [alert] = await allAlerts(hub);
    expect((await api(hub, 'POST', `/api/v1/alerts/${alert!.id}/ack`, { cookie: admin, body: {} })).status).toBe(200);
    clock.advance(30 * 60_000);
    await hub.notify.tick();
    expect(await hub.redis.zcard(`${hub.keys.prefix}notify:esc`)).toBe(0);
    expect(told(http)).toEqual([
      ['zhang', 1],
      ['li', 2],
    ]);
  });

  it("goes on to level 3 while still unacknowledged, and a person's 上报 moves the chain at once", async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: { hook: { type: 'webhook', url: `${http.url}/hook` } },
        contacts,
        roster: [
          { center: 'yiyang', dept: DEPT, level: 2, contacts: ['li'] },
          { center: 'yiyang', level: 3, contacts: ['wang'] },
        ],
        routes: [{ depts: [DEPT], contacts: ['zhang'] }],
        levels: [
          { name: '窗口负责人', minutes: 60 },
          { name: '科室负责人', minutes: 60 },
          { name: '中心效能监察', minutes: 60 },
        ],
        batchYellowSeconds: 0,
      }),
    );
    await openWaits(hub, clock, ['B002']);
    await hub.notify.tick();
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const [alert] = await allAlerts(hub);
    expect((await api(hub, 'POST', `/api/v1/alerts/${alert!.id}/escalate`, { cookie: admin, body: { level: 0 } })).status).toBe(200);
    await hub.notify.tick();
    await waitFor('level 2 after 上报', () => http.received.length === 2);
    clock.advance(60 * 60_000);
    await hub.notify.tick();
    await waitFor('level 3', () => http.received.length === 3);
    expect(told(http)).toEqual([
      ['zhang', 1],
      ['li', 2],
      ['wang', 3],
    ]);
  });
});

describe('batching and rate limits', () => {
  it('sends the yellow cards of one department within a minute as one message', async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: { hook: { type: 'webhook', url: `${http.url}/hook` } },
        contacts,
        routes: [{ depts: [DEPT], contacts: ['zhang'], escalate: false }],
      }),
    );
    await openWaits(hub, clock, ['C001', 'C002', 'C003']);
    await hub.notify.tick();
    expect(http.received).toHaveLength(0); // the batch window is still open
    clock.advance(60_000);
    await hub.notify.tick();
    await waitFor('one batched message', () => http.received.length === 1);
    expect(http.received[0]!.json.alerts).toHaveLength(3);
    expect(http.received[0]!.json.text).toContain('新增 3 张黄牌');
  });

  it('keeps a channel to its messages a minute', async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: { hook: { type: 'webhook', url: `${http.url}/hook`, perMinute: 2 } },
        contacts,
        routes: [{ depts: [DEPT], contacts: ['zhang'], escalate: false }],
        batchYellowSeconds: 0,
      }),
    );
    await openWaits(hub, clock, ['D001', 'D002', 'D003']);
    await hub.notify.tick();
    await waitFor('two messages', () => http.received.length === 2);
    await hub.notify.tick();
    expect(http.received).toHaveLength(2);
    clock.advance(60_000);
    await hub.notify.tick();
    await waitFor('the third, next minute', () => http.received.length === 3);
  });
});

describe('delivery that survives', () => {
  it('delivers to a receiver down for two minutes afterwards, once, across two hubs and a restart', async () => {
    const http = await receiver();
    http.up = false;
    const clock = new TestClock(t('09:00'));
    const prefix = testPrefix();
    const file = notifyFile({
      channels: { hook: { type: 'webhook', url: `${http.url}/hook`, secret: 's' } },
      contacts,
      routes: [{ depts: [DEPT], contacts: ['zhang'], escalate: false }],
      batchYellowSeconds: 0,
    });
    const tuning = { retryDelayMs: () => 20_000 };
    const a = await hubOf(prefix, clock, file, tuning);
    let b = await hubOf(prefix, clock, file, tuning);
    await openWaits(a, clock, ['E001']);
    const downUntil = clock.t + 120_000;
    // two minutes by the hubs' clock, both hubs working; one restarts in the middle
    for (let step = 0; clock.t < downUntil; step++) {
      await Promise.all([a.notify.tick(), b.notify.tick()]);
      if (step === 3) {
        await b.stop();
        b = await hubOf(prefix, clock, file, tuning);
      }
      clock.advance(10_000);
    }
    http.up = true;
    for (let i = 0; i < 6; i++) {
      await Promise.all([a.notify.tick(), b.notify.tick(), a.notify.tick()]);
      clock.advance(10_000);
    }
    expect(http.on('/hook')).toHaveLength(1);
    const [alert] = await allAlerts(a);
    const admin = await signIn(a, 'admin', ADMIN_PASSWORD);
    const { body } = await api(b, 'GET', `/api/v1/alerts/${alert!.id}/deliveries`, { cookie: admin });
    // a webhook is a group destination: its one delivery lists the contacts it was for
    expect(body.deliveries).toEqual([
      expect.objectContaining({ contact: '*', contacts: ['zhang'], name: '张科长', channel: 'hook', state: 'sent', attempts: 7 }),
    ]);
    expect(body.log.map((e: any) => e.outcome)).toEqual(['queued', 'retry', 'retry', 'retry', 'retry', 'retry', 'retry', 'sent']);
    expect(body.log[1].detail).toContain('503');
  });

  it('gives up after 24 hours of failures', async () => {
    const http = await receiver();
    http.up = false;
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: { hook: { type: 'webhook', url: `${http.url}/hook` } },
        contacts,
        routes: [{ depts: [DEPT], contacts: ['zhang'], escalate: false }],
        batchYellowSeconds: 0,
      }),
    );
    await openWaits(hub, clock, ['F001']);
    for (let i = 0; i < 40; i++) {
      await hub.notify.tick();
      clock.advance(3_600_000);
    }
    const [alert] = await allAlerts(hub);
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const { body } = await api(hub, 'GET', `/api/v1/alerts/${alert!.id}/deliveries`, { cookie: admin });
    expect(body.deliveries[0].state).toBe('gave-up');
    expect(body.log.at(-1).outcome).toBe('gave-up');
    expect(await hub.redis.zcard(`${hub.keys.prefix}notify:due`)).toBe(0);
  });
});

describe('the notify configuration API', () => {
  it('validates, stores, applies on every hub, masks secrets and audits the change', async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const prefix = testPrefix();
    const file = notifyFile({ channels: { hook: { type: 'webhook', url: `${http.url}/old`, secret: 'top-secret' } }, contacts: { zhang: contacts.zhang } });
    const a = await hubOf(prefix, clock, file);
    const b = await hubOf(prefix, clock, file);
    const admin = await signIn(a, 'admin', ADMIN_PASSWORD);
    // the config API (docs/admin.md): GET answers the bare section, PUT answers its new version
    const got = await api(a, 'GET', '/api/v1/admin/config/notify', { cookie: admin });
    expect(got.body.channels.hook.secret).toBe('******');
    const bad = await api(a, 'PUT', '/api/v1/admin/config/notify', { cookie: admin, body: { ...got.body, routes: [{ contacts: ['nobody'] }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('unknown contact');
    const next = {
      ...got.body,
      channels: { hook: { ...got.body.channels.hook, url: `${http.url}/new` } },
      routes: [{ depts: [DEPT], contacts: ['zhang'] }],
    };
    const put = await api(a, 'PUT', '/api/v1/admin/config/notify', { cookie: admin, body: next });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ version: 2 });
    await b.notify.tick();
    expect(b.notify.config.current().channels.hook).toMatchObject({ url: `${http.url}/new`, secret: 'top-secret' });
    expect(b.notify.config.current().routes).toHaveLength(1);
    const audit = await api(a, 'GET', '/api/v1/audit?action=config.notify-changed', { cookie: admin });
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0].detail.before.channels.hook).toMatchObject({ url: `${http.url}/old`, secret: '******' });
    expect(audit.body.entries[0].detail.after.routes).toHaveLength(1);
    expect(JSON.stringify(audit.body.entries[0])).not.toContain('top-secret');
  });
});
