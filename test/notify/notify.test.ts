/**
 * Notifications with real receivers: an HTTP server for the webhook, WeCom, DingTalk and SMS
 * formats, an SMTP server for email; escalation by level, batching, a receiver down for two
 * minutes, a restart with a pending outbox, and the admin API.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { addUser, api, ADMIN_PASSWORD, signIn, TestClock } from '../alerts/alert-hub.ts';
import { mailSubject, mailText, startSmtpReceiver } from './receivers.ts';
import { notifyFile } from './notify-hub.ts';
import { openWaits as openWaitsOf, stoppedAfterEach } from './notify-fixtures.ts';

const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.agri';

const { hubOf, receiver, later } = stoppedAfterEach();
/** One waiting ticket per name, issued at 09:00; at 09:30 their wait alerts open. */
const openWaits = (hub: Hub, clock: TestClock, tickets: string[]) => openWaitsOf(hub, clock, { day: DAY, dept: DEPT }, tickets);

const webhookOnly = (url: string, extra: Record<string, unknown> = {}) => ({
  channels: { hook: { type: 'webhook', url: `${url}/hook`, secret: 'hook-secret' } },
  contacts: {
    zhang: { name: '张科长', phone: '13800000001', channels: ['hook'] },
    li: { name: '李主任', phone: '13800000002', channels: ['hook'] },
    wang: { name: '王局长', phone: '13800000003', channels: ['hook'] },
  },
  routes: [{ depts: [DEPT], contacts: ['zhang'] }],
  batchYellowSeconds: 0,
  ...extra,
});

describe('channels, with real receivers', () => {
  it('sends the webhook, WeCom, DingTalk, SMS and email formats, signed as each receiver checks', async () => {
    const http = await receiver();
    const smtp = await startSmtpReceiver();
    later(() => smtp.close());
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(
      testPrefix(),
      clock,
      notifyFile({
        channels: {
          hook: { type: 'webhook', url: `${http.url}/hook`, secret: 'hook-secret' },
          wecom: { type: 'wecom', url: `${http.url}/wecom?key=robot-key` },
          ding: { type: 'dingtalk', url: `${http.url}/ding?access_token=tok`, secret: 'SEC-ding' },
          sms: {
            type: 'sms',
            url: `${http.url}/sms/send?to={phone}`,
            headers: { 'x-api-key': 'k1' },
            body: '{"mobile":"{phone}","content":"{text}"}',
            okPattern: '"OK"',
          },
          mail: { type: 'email', host: '127.0.0.1', port: smtp.port, from: '阳光政务 <yg@example.gov.cn>' },
        },
        contacts: {
          zhang: { name: '张科长', phone: '13800000001', email: 'zhang@example.gov.cn', wecom: 'ZhangKe', channels: ['hook', 'wecom', 'ding', 'sms', 'mail'] },
        },
        routes: [{ depts: [DEPT], rules: ['wait'], contacts: ['zhang'] }],
        batchYellowSeconds: 0,
      }),
    );
    await openWaits(hub, clock, ['A001']);
    await hub.notify.tick();
    await waitFor('four HTTP messages and a mail', () => http.received.length === 4 && smtp.mails.length === 1);

    const [hook] = http.on('/hook');
    expect(hook!.headers['x-yg-signature']).toBe(`sha256=${crypto.createHmac('sha256', 'hook-secret').update(hook!.body).digest('hex')}`);
    const msg = hook!.json;
    expect(msg).toMatchObject({ rule: 'wait', severity: 'yellow', level: 1, center: 'yiyang', dept: DEPT, window: null, contact: 'zhang' });
    expect(msg.alertId).toMatch(/\S/);
    expect(msg.link).toBe(`https://yg.example.gov.cn/screens/supervisor?alert=${encodeURIComponent(msg.alertId)}`);
    expect(msg.text).toMatch(/^【黄牌·等候超时】益阳.*号票 A001 已等候 30 分钟未叫号/);
    expect(msg.text).not.toMatch(/\n/);

    const [wecom] = http.on('/wecom');
    expect(wecom!.url.searchParams.get('key')).toBe('robot-key');
    expect(wecom!.json.msgtype).toBe('markdown');
    expect(wecom!.json.markdown.content).toContain(msg.text);
    expect(wecom!.json.markdown.content).toContain(`(${msg.link})`);
    expect(wecom!.json.markdown.content).toContain('<@ZhangKe>');

    const [ding] = http.on('/ding');
    const ts = ding!.url.searchParams.get('timestamp')!;
    // the robot's check: HMAC-SHA256 of "timestamp\nsecret", base64 (URLSearchParams already undid the url-encoding)
    expect(ding!.url.searchParams.get('sign')).toBe(crypto.createHmac('sha256', 'SEC-ding').update(`${ts}\nSEC-ding`).digest('base64'));
    expect(ding!.url.search).toContain(`sign=${encodeURIComponent(ding!.url.searchParams.get('sign')!)}`);
    expect(ding!.json).toMatchObject({ msgtype: 'markdown', markdown: { title: msg.subject }, at: { atMobiles: ['13800000001'] } });
    expect(ding!.json.markdown.text).toContain(msg.text);

    const [sms] = http.on('/sms/send');
    expect(sms!.url.searchParams.get('to')).toBe('13800000001');
    expect(sms!.headers['x-api-key']).toBe('k1');
    expect(sms!.json).toEqual({ mobile: '13800000001', content: `${msg.text} ${msg.link}` });

    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['zhang@example.gov.cn']);
    expect(mailSubject(mail.raw)).toBe(msg.subject);
    expect(mailText(mail.raw)).toContain(msg.text);
    expect(mailText(mail.raw)).toContain(msg.link);

    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const log = await api(hub, 'GET', `/api/v1/alerts/${encodeURIComponent(msg.alertId)}/deliveries`, { cookie: admin });
    expect(log.status).toBe(200);
    expect(log.body.deliveries.map((d: any) => [d.channel, d.state, d.attempts]).sort()).toEqual([
      ['ding', 'sent', 1],
      ['hook', 'sent', 1],
      ['mail', 'sent', 1],
      ['sms', 'sent', 1],
      ['wecom', 'sent', 1],
    ]);
    expect(log.body.log.filter((e: any) => e.outcome === 'sent')).toHaveLength(5);
  });

  it("answers a channel test with the receiver's result", async () => {
    const http = await receiver();
    const clock = new TestClock(t('09:00'));
    const hub = await hubOf(testPrefix(), clock, notifyFile(webhookOnly(http.url)));
    const admin = await signIn(hub, 'admin', ADMIN_PASSWORD);
    const ok = await api(hub, 'POST', '/api/v1/admin/notify/channels/hook/test', { cookie: admin, body: {} });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, channel: 'hook', status: 200 });
    expect(http.on('/hook')[0]!.json).toMatchObject({ test: true, alertId: 'test' });
    http.up = false;
    expect((await api(hub, 'POST', '/api/v1/admin/notify/channels/hook/test', { cookie: admin, body: {} })).body).toMatchObject({ ok: false, status: 503 });
    expect((await api(hub, 'POST', '/api/v1/admin/notify/channels/nope/test', { cookie: admin, body: {} })).status).toBe(404);
    const supervisor = await addUser(hub, 'sup1', 'supervisor', [DEPT]);
    expect((await api(hub, 'POST', '/api/v1/admin/notify/channels/hook/test', { cookie: supervisor, body: {} })).status).toBe(403);
  });
});
