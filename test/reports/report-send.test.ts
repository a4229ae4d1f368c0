/**
 * Scheduled reports sent through the notification channels (docs/reports.md, "Sending"): real
 * hubs with the schedule on, real Redis, a real HTTP receiver. The day's 日报 reaches the webhook
 * contact once with its figures and the link to the kept PDF, even with two hubs scheduling; a
 * receiver that fails once gets it on the retry; a `reports` rule naming an unknown contact is
 * refused with its path.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeptReport, Report } from '../../common/report.ts';
import { startHub, type Hub } from '../../server/hub.ts';
import { createLogger } from '../../server/observability/logger.ts';
import { api } from '../alerts/alert-hub.ts';
import { getAs, signedIn } from '../cockpit/cockpit-session.ts';
import { ev } from '../helpers/events.ts';
import { TODAY, at, fixedClock } from '../helpers/test-clock.ts';
import { drained, postEvents, redisPort, startTestHub, testConfig, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { notifyFile } from '../notify/notify-hub.ts';
import { startHttpReceiver, type HttpReceiver } from '../notify/receivers.ts';

const PUBLIC_URL = 'https://yg.example.gov.cn';
const now = fixedClock('18:30');
const CITY_DAILY = `daily~city~${TODAY}`;

const notifyConfig = (url: string) => ({
  channels: { hook: { type: 'webhook', url } },
  contacts: { zhang: { name: '张主任', channels: ['hook'] } },
  reports: [{ kinds: ['daily'], scopes: ['city'], contacts: ['zhang'] }],
});

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.stop();
});

async function scheduleHub(prefix: string, file: string): Promise<Hub> {
  const hub = await startHub({
    config: testConfig(prefix, { REPORT_SCHEDULE: 'on', NOTIFY_FILE: file, PUBLIC_URL }),
    redisTarget: { kind: 'url', url: `redis://127.0.0.1:${redisPort()}` },
    log: createLogger('silent'),
    now,
    aggregator: { idleMs: 50 },
    // the test's receiver fails once: the retry comes in a moment, not in 10 s
    reportSendRetryMs: [100, 200],
  });
  started.push(hub);
  return hub;
}

/** The kept city 日报 once its sending is recorded. */
async function keptWhenSent(hub: Hub, cookie: string): Promise<KeptReport> {
  return waitFor(
    'the city daily report sent',
    async () => (await getAs<{ reports: KeptReport[] }>(hub, '/api/v1/reports?kind=daily&scope=city', cookie)).body.reports.find((r) => r.sent),
    30_000,
  );
}

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);

describe('sending scheduled reports', () => {
  it('sends the day’s city 日报 once to the webhook contact, with its figures and link, with two hubs scheduling', async () => {
    const receiver: HttpReceiver = await startHttpReceiver();
    started.push({ stop: () => receiver.close() });
    const prefix = testPrefix();
    const file = notifyFile(notifyConfig(`${receiver.url}/reports`));
    // the day's events first, on a hub that schedules nothing (the first hub seeds the notify section)
    const feeder = await startTestHub(prefix, { now, env: { NOTIFY_FILE: file } });
    started.push(feeder);
    const posted = await postEvents(feeder, 'rating', [ev.rating(at('09:00'), 5), ev.rating(at('09:30'), 2), ev.rating(at('10:00'), 4)]);
    expect(posted.status).toBe(202);
    await drained(feeder, 30_000);

    const [a, b] = await Promise.all([scheduleHub(prefix, file), scheduleHub(prefix, file)]);
    const leader = await signedIn(a, 'mayor', 'leader');
    const kept = await keptWhenSent(a, leader);
    // the run is done on Redis: whichever hub checks again makes and sends nothing
    expect(await a.redis.exists(`${prefix}reports:lock:daily:${TODAY}:done`)).toBe(1);

    expect(receiver.on('/reports')).toHaveLength(1);
    const msg = receiver.on('/reports')[0]!.json;
    const report = (await getAs<Report>(b, kept.links.json, leader)).body;
    expect(report.figures.ratings.total).toBe(3);
    const link = `${PUBLIC_URL}/api/v1/reports/kept/${encodeURIComponent(CITY_DAILY)}?format=pdf`;
    expect(msg.text).toBe(
      `【阳光政务】益阳市政务服务日报（全市）${TODAY}：受理 ${report.figures.cases.accepted} 件，办结 ${report.figures.cases.completed} 件，` +
        `按时办结率 ${percent(report.figures.cases.onTimeRate)}，满意率 ${percent(report.figures.ratings.satisfactionRate)}；查看：${link}`,
    );
    expect(msg).toMatchObject({ link, report: CITY_DAILY, contacts: [{ contact: 'zhang', name: '张主任' }] });
    // a report is not an alert: none of an alert's fields go out
    for (const field of ['alertId', 'rule', 'severity', 'level']) expect(msg).not.toHaveProperty(field);
    expect(kept.sent).toEqual([{ channel: 'hook', contacts: ['zhang'], ok: true, attempts: 1, at: new Date(now()).toISOString() }]);

    // the other hub lists the same record; no other report of the run (centers, last month's 月报) was for anyone
    const all = await getAs<{ reports: KeptReport[] }>(b, '/api/v1/reports', leader);
    expect(all.body.reports.filter((r) => r.sent).map((r) => r.id)).toEqual([CITY_DAILY]);
    expect(receiver.received).toHaveLength(1);
  }, 90_000);

  it('sends again after a receiver failed once, and records the attempts', async () => {
    let calls = 0;
    const bodies: string[] = [];
    const flaky = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.writeHead(503).end('busy');
          return;
        }
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((ok) => flaky.listen(0, '127.0.0.1', ok));
    started.push({
      stop: () =>
        new Promise<void>((done) => {
          flaky.closeAllConnections();
          flaky.close(() => done());
        }),
    });
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`;
    const hub = await scheduleHub(testPrefix(), notifyFile(notifyConfig(url)));
    const leader = await signedIn(hub, 'mayor', 'leader');
    const kept = await keptWhenSent(hub, leader);
    expect(calls).toBe(2);
    expect(bodies).toHaveLength(1);
    expect((JSON.parse(bodies[0]!) as { report: string }).report).toBe(CITY_DAILY);
    expect(kept.sent).toMatchObject([{ channel: 'hook', contacts: ['zhang'], ok: true, attempts: 2 }]);
  }, 60_000);

  it('refuses a reports rule naming an unknown contact or channel, with its path', async () => {
    const receiver = await startHttpReceiver();
    started.push({ stop: () => receiver.close() });
    const hub = await startTestHub(testPrefix(), { now, env: { NOTIFY_FILE: notifyFile(notifyConfig(`${receiver.url}/reports`)) } });
    started.push(hub);
    const admin = await signedIn(hub, 'root', 'admin');
    const got = await api(hub, 'GET', '/api/v1/admin/config/notify', { cookie: admin });
    expect(got.body.reports).toEqual([{ kinds: ['daily'], scopes: ['city'], contacts: ['zhang'] }]);
    const unknownContact = await api(hub, 'PUT', '/api/v1/admin/config/notify', {
      cookie: admin,
      body: {
        ...got.body,
        reports: [
          { kinds: ['daily'], scopes: ['city'], contacts: ['zhang'] },
          { kinds: ['monthly'], scopes: ['city'], contacts: ['nobody'] },
        ],
      },
    });
    expect(unknownContact.status).toBe(400);
    expect(unknownContact.body).toMatchObject({ field: 'reports.1.contacts' });
    expect(unknownContact.body.error).toContain('unknown contact "nobody"');
    const unknownChannel = await api(hub, 'PUT', '/api/v1/admin/config/notify', {
      cookie: admin,
      body: { ...got.body, reports: [{ kinds: ['daily'], scopes: ['center:heshan'], contacts: ['zhang'], channels: ['fax'] }] },
    });
    expect(unknownChannel.status).toBe(400);
    expect(unknownChannel.body).toMatchObject({ field: 'reports.0.channels' });
    const badScope = await api(hub, 'PUT', '/api/v1/admin/config/notify', {
      cookie: admin,
      body: { ...got.body, reports: [{ kinds: ['weekly'], scopes: ['city'], contacts: ['zhang'] }] },
    });
    expect(badScope.status).toBe(400);
    expect(badScope.body.field).toBe('reports.0.kinds.0');
    const ok = await api(hub, 'PUT', '/api/v1/admin/config/notify', {
      cookie: admin,
      body: { ...got.body, reports: [{ kinds: ['daily', 'monthly'], scopes: ['city', 'center:heshan'], contacts: ['zhang'], channels: ['hook'] }] },
    });
    expect(ok.status).toBe(200);
  }, 60_000);
});
