/**
 * Group robots and webhooks are one destination: an alert routed to several people who all use the
 * same robot goes to that robot once per level, mentioning each of them; SMS stays one per person.
 * Real HTTP receiver, real hub, real Redis.
 */
import { describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { allAlerts, api, ADMIN_PASSWORD, settle, signIn, TestClock } from '../alerts/alert-hub.ts';
import { notifyFile, startNotifyHub } from './notify-hub.ts';
import { stoppedAfterEach } from './notify-fixtures.ts';

const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.agri';

const { receiver, later } = stoppedAfterEach();

describe('group robots', () => {
  it('sends one message per robot and level for two contacts on it, mentioning both; SMS stays per person', async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub: Hub = await startNotifyHub(
      testPrefix(),
      clock,
      notifyFile({
        channels: {
          wecom: { type: 'wecom', url: `${http.url}/wecom?key=k` },
          ding: { type: 'dingtalk', url: `${http.url}/ding?access_token=t` },
          hook: { type: 'webhook', url: `${http.url}/hook` },
          sms: { type: 'sms', url: `${http.url}/sms/send?to={phone}`, body: '{"content":"{text}"}' },
        },
        contacts: {
          zhang: { name: '张科长', phone: '13800000001', wecom: 'ZhangKe', dingtalk: 'ding-zhang', channels: ['wecom', 'ding', 'hook', 'sms'] },
          li: { name: '李主任', phone: '13800000002', wecom: 'LiZhuRen', channels: ['wecom', 'ding', 'hook', 'sms'] },
          wang: { name: '王局长', phone: '13800000003', wecom: 'WangJu', channels: ['wecom'] },
        },
        roster: [{ center: 'yiyang', level: 2, contacts: ['wang'] }],
        routes: [{ depts: [DEPT], contacts: ['zhang', 'li'] }],
        levels: [
          { name: '窗口负责人', minutes: 1 },
          { name: '科室负责人', minutes: 10 },
        ],
        batchYellowSeconds: 0,
      }),
    );
    later(() => hub.stop());
    await postEvents(hub, 'queue', [ev.issued(t('09:00'), 'R001', DEPT)]);
    await settle(hub);
    clock.set(t('09:30'));
    await settle(hub);
    await hub.notify.tick();
    // one per robot and webhook, two text messages
    await waitFor('level 1 sent', () => http.received.length === 5);
    expect(http.on('/wecom')).toHaveLength(1);
    expect(http.on('/ding')).toHaveLength(1);
    expect(http.on('/hook')).toHaveLength(1);
    expect(http.on('/sms/send').map((r) => r.url.searchParams.get('to'))).toEqual(expect.arrayContaining(['13800000001', '13800000002']));
    expect(http.on('/sms/send')).toHaveLength(2);

    const wecom = http.on('/wecom')[0]!.json.markdown.content as string;
    expect(wecom).toContain('<@ZhangKe>');
    expect(wecom).toContain('<@LiZhuRen>');
    const ding = http.on('/ding')[0]!.json;
    expect(ding.at.atMobiles).toEqual(['13800000001', '13800000002']);
    expect(ding.at.atUserIds).toEqual(['ding-zhang']);
    expect(ding.markdown.text).toContain('@13800000001');
    expect(ding.markdown.text).toContain('@ding-zhang');
    expect(http.on('/hook')[0]!.json.contacts).toEqual([
      { contact: 'zhang', name: '张科长' },
      { contact: 'li', name: '李主任' },
    ]);

    // the outbox holds the robot once per (alert, level, channel), listing its contacts
    const [alert] = await allAlerts(hub);
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const { body } = await api(hub, 'GET', `/api/v1/alerts/${alert!.id}/deliveries`, { cookie: admin });
    const byChannel = (ch: string) => body.deliveries.filter((d: any) => d.channel === ch);
    expect(byChannel('wecom')).toEqual([
      expect.objectContaining({ delivery: `${alert!.id}|1|*|wecom`, level: 1, contact: '*', contacts: ['zhang', 'li'], name: '张科长、李主任', state: 'sent' }),
    ]);
    expect(
      byChannel('sms')
        .map((d: any) => d.contact)
        .sort(),
    ).toEqual(['li', 'zhang']);
    expect(body.log.filter((e: any) => e.channel === 'wecom' && e.outcome === 'sent')).toHaveLength(1);

    // level 2: the robot again, once, for the new person only
    clock.advance(60_000);
    await hub.notify.tick();
    await waitFor('level 2 on the robot', () => http.on('/wecom').length === 2);
    const second = http.on('/wecom')[1]!.json.markdown.content as string;
    expect(second).toContain('<@WangJu>');
    expect(second).not.toContain('<@ZhangKe>');
    expect(http.received).toHaveLength(6);
  });
});
