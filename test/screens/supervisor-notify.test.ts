/**
 * The supervisor console's alert detail with its notifications and, for a bad review, the
 * follow-up form, in Chromium against a real hub, a real HTTP receiver and real Redis: a 1-star
 * review opens a follow-up alert, the hub tells two people through one group robot (one message)
 * and each by SMS (one gateway answers, one is unreachable); the detail lists the robot message as
 * sent to both, the reachable SMS as sent and the other as retrying with its error, on a desktop
 * and on a phone (no text below 14 px, nothing sideways). Then the form records the follow-up
 * and the alert resolves. Screenshots under /tmp/shots/notify-rest/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { postEvents, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { fitsPhone, openSignedIn } from './supervisor-session.ts';
import { allAlerts, settle, TestClock } from '../alerts/alert-hub.ts';
import { startHttpReceiver, type HttpReceiver } from '../notify/receivers.ts';
import { notifyFile, startNotifyHub } from '../notify/notify-hub.ts';

const SHOTS = '/tmp/shots/notify-rest';
const DAY = findDay(kindOfDay.workday);
const t = (time: string) => at(time, DAY);
const DEPT = 'yiyang.realestate';
const SUPERVISOR = { username: 'zhoujie', password: 'zhoujie-password', name: '周洁' };

/** The viewport with `selector` scrolled into view (the console scrolls inside its panels, not the page). */
async function shot(page: Page, name: string, selector?: string) {
  if (selector) await page.locator(selector).scrollIntoViewIfNeeded();
  await animationsDone(page);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, animations: 'disabled' });
}

describe('alert detail: deliveries and the bad-review follow-up (/screens/supervisor)', () => {
  const clock = new TestClock(t('10:00'));
  let hub: Hub;
  let http: HttpReceiver;
  let browser: Browser;
  let alertId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    http = await startHttpReceiver();
    hub = await startNotifyHub(
      testPrefix(),
      clock,
      notifyFile({
        channels: {
          'wecom-dept': { type: 'wecom', url: `${http.url}/wecom?key=k` },
          sms: { type: 'sms', url: `${http.url}/sms/send?to={phone}`, body: '{"content":"{text}"}', okPattern: '"OK"' },
          // a gateway nobody answers at: its message is retried, with the error shown
          'sms-backup': { type: 'sms', url: 'http://127.0.0.1:9/sms', body: '{"content":"{text}"}' },
        },
        contacts: {
          zhang: { name: '张科长', phone: '13800000001', wecom: 'ZhangKe', channels: ['wecom-dept', 'sms'] },
          li: { name: '李主任', phone: '13800000002', wecom: 'LiZhuRen', channels: ['wecom-dept', 'sms-backup'] },
        },
        routes: [{ depts: [DEPT], rules: ['review'], contacts: ['zhang', 'li'], escalate: false }],
        batchYellowSeconds: 0,
      }),
    );
    await hub.auth.users.create({ ...SUPERVISOR, role: 'supervisor', depts: [DEPT] });
    const { status } = await postEvents(hub, 'rating', [ev.rating(t('09:40'), 1, 'yiyang.w001', DEPT)]);
    expect(status).toBe(202);
    await settle(hub);
    alertId = (await allAlerts(hub)).find((a) => a.rule === 'review')!.id;
    await hub.notify.tick();
    await waitFor('the robot message and the SMS', () => http.on('/wecom').length === 1 && http.on('/sms/send').length === 1);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await http?.close();
  });

  it('lists who was told through which channel and how it went, on a desktop', async () => {
    // one message to the group robot, mentioning both
    expect(http.on('/wecom')[0]!.json.markdown.content).toMatch(/<@ZhangKe> <@LiZhuRen>/);
    const { context: desk, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: false, errors, link: `/screens/supervisor?alert=${alertId}` });
    await page.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${alertId}"]`);
    await page.waitForSelector('[data-testid="delivery-log"][data-loaded="true"]');
    const rows = await page.$$eval('[data-testid="delivery-row"]', (els) =>
      els.map((el) => ({ channel: el.getAttribute('data-channel'), state: el.getAttribute('data-state'), text: el.textContent ?? '' })),
    );
    expect(rows.map((r) => [r.channel, r.state]).sort()).toEqual([
      ['sms', 'sent'],
      ['sms-backup', 'retry'],
      ['wecom-dept', 'sent'],
    ]);
    const robot = rows.find((r) => r.channel === 'wecom-dept')!;
    expect(robot.text).toContain('张科长、李主任');
    expect(robot.text).toContain('已发送');
    expect(robot.text).toContain('尝试 1 次');
    expect(rows.find((r) => r.channel === 'sms')!.text).toContain('张科长');
    const retry = rows.find((r) => r.channel === 'sms-backup')!;
    expect(retry.text).toContain('重试中');
    expect(retry.text).toContain('最近错误');
    // the follow-up form of a bad review
    await page.waitForSelector('[data-testid="review-follow-up"]');
    await shot(page, 'detail-desktop-1920');
    await shot(page, 'detail-desktop-1920-deliveries', '[data-testid="delivery-log"]');
    await desk.close();
  });

  it('fits a phone, and the form records the follow-up and resolves the alert', async () => {
    const { context: phone, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: true, errors, link: `/screens/supervisor?alert=${alertId}` });
    await page.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${alertId}"]`);
    await page.waitForSelector('[data-testid="delivery-log"][data-loaded="true"]');
    await page.waitForSelector('[data-testid="delivery-row"]');
    await fitsPhone(page, 'detail with deliveries and the follow-up form');
    await shot(page, 'detail-phone-390');
    await shot(page, 'detail-phone-390-deliveries', '[data-testid="delivery-log"]');

    // no result chosen: nothing is sent
    await page.tap('[data-testid="follow-up-submit"]');
    await page.waitForSelector('.follow-up .missing');
    await page.tap('[data-testid="follow-up-result"][data-value="已联系-已整改"]');
    await page.tap('[data-testid="follow-up-star"][data-value="4"]');
    await page.fill('[data-testid="follow-up-note"]', '已电话致歉，窗口已调整叫号提示');
    await fitsPhone(page, 'the form filled in');
    await shot(page, 'follow-up-filled-phone-390', '[data-testid="follow-up-submit"]');
    clock.set(t('11:00'));
    await page.tap('[data-testid="follow-up-submit"]');
    await waitFor('the alert resolved', async () => (await hub.alerts.store.get(alertId))!.state === 'resolved');
    const followUp = JSON.parse((await hub.redis.get(`${hub.keys.prefix}reviews:fu:${(await hub.alerts.store.get(alertId))!.subject.slice(7)}`))!);
    expect(followUp).toMatchObject({ by: SUPERVISOR.username, result: '已联系-已整改', rerating: 4, note: '已电话致歉，窗口已调整叫号提示', inTime: true });
    // the console leaves the resolved alert and says so
    await page.waitForFunction(() => document.body.textContent?.includes('已登记回访结果'));
    await waitFor('the detail closed', async () => (await page.locator(`[data-testid="alert-detail"][data-alert-id="${alertId}"]`).count()) === 0);
    await phone.close();
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
