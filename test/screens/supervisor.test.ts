/**
 * The supervisor console in real Chromium against a real hub whose clock runs in real time from a
 * chosen instant: the overdue-case situation (3 cases past their deadline at midnight, 2 due the
 * next day) and the queue-surge situation (20 citizens at 人社 waiting since 09:30) raise alerts in
 * the console within 2 s of their due time; a click acknowledges (and the red sound stops), a note
 * resolves, and the audit trail shows both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { dateOfDayIndex, dayIndexOfDate } from '../../common/time.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday, findDay, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { drained, postAccepted } from '../helpers/test-hub.ts';
import { startConsoleHub } from './supervisor-session.ts';

const SUPERVISOR = { username: 'lixiao', password: 'lixiao-password', name: '李晓' };
/**
 * The days of the story, by the test clock's calendar: cases accepted on ACCEPTED (a working day)
 * with 1 and 2 promised working days fall due on DUE1 and DUE2, two working days in a row after a
 * day off (as a Friday's cases fall due on Monday and Tuesday). So the red cards (DUE1 over) and
 * the yellow ones (DUE2 has begun) come at the same midnight, and the queue surge is on DUE2, a
 * working day. DUE2 is the last such day before today.
 */
const DUE2 = findDay((d) => kindOfDay.workday(d) && kindOfDay.workday(d - 1) && kindOfDay.dayOff(d - 2), -1, dayFromToday(-1));
const DUE1 = dateOfDayIndex(dayIndexOfDate(DUE2) - 1);
const ACCEPTED = findDay(kindOfDay.workday, -1, dateOfDayIndex(dayIndexOfDate(DUE1) - 1));
let offset = 0;
/**
 * The hub's clock: real time, shifted so that the interesting instants come a few seconds after we
 * ask. The page does not read its own date: the console takes the hub's time from /api/v1/alerts
 * (`now`) and the alerts' times and keeps the offset (screens/supervisor/stores/alerts.ts).
 */
const hubNow = () => Date.now() + offset;
const runFrom = (iso: string) => {
  offset = Date.parse(iso) - Date.now();
};
/** The real time at which the hub's clock shows `iso`. */
const realAt = (iso: string) => Date.parse(iso) - offset;

const rows = (page: Page, rule: string) => page.locator(`[data-testid="alert-row"][data-rule="${rule}"]`);

/** Waits until `count` rows of a rule are shown and returns when (real ms) that happened. */
async function shownAt(page: Page, rule: string, count: number): Promise<number> {
  await page.waitForFunction(([r, n]) => document.querySelectorAll(`[data-testid="alert-row"][data-rule="${r}"]`).length >= (n as number), [rule, count], {
    polling: 50,
    timeout: 15_000,
  });
  return Date.now();
}

describe('supervisor console (/screens/supervisor)', () => {
  let hub: Hub;
  let browser: ScreenBrowser;
  let page: Page;

  beforeAll(async () => {
    await prepareScreens();
    runFrom(at('22:00', DUE1));
    hub = await startConsoleHub(SUPERVISOR, ['yiyang.realestate', 'yiyang.hrss'], { now: hubNow, alerts: { tickMs: 250 } });
    browser = await launchScreenBrowser(['--autoplay-policy=no-user-gesture-required']);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('says in Chinese that the server cannot be reached when the sign-in request fails, and lets the user try again', async () => {
    const p = await browser.open(`${hub.url}/screens/supervisor`, { width: 1920, height: 1080 });
    await p.waitForSelector('[data-testid="signin"]');
    await p.route('**/api/v1/session', (route) => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue()));
    await p.fill('[data-testid="signin-username"]', SUPERVISOR.username);
    await p.fill('[data-testid="signin-password"]', SUPERVISOR.password);
    await p.click('[data-testid="signin-submit"]');
    await expect.poll(() => p.textContent('[data-testid="signin-error"]')).toBe('无法连接服务器，请稍后再试');
    expect(await p.textContent('[data-testid="signin-submit"]')).toBe('登录');
    expect(await p.isEnabled('[data-testid="signin-submit"]')).toBe(true);
    await p.close();
  });

  it("asks for a sign-in, then shows the console of the supervisor's departments", async () => {
    page = await browser.open(`${hub.url}/screens/supervisor`, { width: 1920, height: 1080 });
    await page.waitForSelector('[data-testid="signin"]');
    await browser.screenshot(page, 'supervisor-signin');
    await page.fill('[data-testid="signin-username"]', SUPERVISOR.username);
    await page.fill('[data-testid="signin-password"]', 'wrong-password');
    await page.click('[data-testid="signin-submit"]');
    await expect.poll(() => page.textContent('[data-testid="signin-error"]')).toBe('用户名或密码不正确');
    await page.fill('[data-testid="signin-password"]', SUPERVISOR.password);
    await page.click('[data-testid="signin-submit"]');
    await page.waitForSelector('.console .conn.on');
    expect(await page.textContent('.user')).toContain('李晓');
  });

  it('raises the red and yellow cards of the overdue-case situation within 2 s of midnight', async () => {
    // accepted on ACCEPTED: 1 working day → due DUE1 (red at 00:00 of DUE2); 2 → due DUE2 (yellow at 00:00 of DUE2)
    await postAccepted(hub, 'cases', [
      ...['BDC-0001', 'BDC-0002', 'BDC-0003'].map((c) => ev.accepted(at('09:00', ACCEPTED), c, 1, 'yiyang.realestate', 'yiyang.realestate.mortgage')),
      ...['BDC-0004', 'BDC-0005'].map((c) => ev.accepted(at('09:30', ACCEPTED), c, 2, 'yiyang.realestate', 'yiyang.realestate.mortgage')),
      // the approval system reports up to now (a case of another department, due weeks ahead), so
      // the cards follow the clock; cases it reported only days late would wait for it (docs/alerts.md#event-time)
      ev.accepted(at('22:00', DUE1), 'SCJ-LIVE', 20, 'yiyang.market', 'yiyang.market.food'),
    ]);
    await drained(hub);
    runFrom(at('23:59:57', DUE1));
    const due = realAt(at('00:00', DUE2));
    const redAt = await shownAt(page, 'case-red', 3);
    const yellowAt = await shownAt(page, 'case-yellow', 2);
    expect(redAt - due).toBeLessThan(2000);
    expect(yellowAt - due).toBeLessThan(2000);
    expect(await page.getAttribute('.console', 'data-sound')).toBe('red');
    expect(await page.textContent('[data-testid="count-red"]')).toBe('3');
    await animationsDone(page);
    await browser.screenshot(page, 'supervisor-overdue-case');
  });

  it('raises wait alerts for the queue-surge situation within 2 s of their 30 minutes', async () => {
    runFrom(at('09:59:50', DUE2));
    await postAccepted(hub, 'queue', [
      ...Array.from({ length: 20 }, (_, i) => ev.issued(at('09:30', DUE2), `D${String(i + 1).padStart(3, '0')}`, 'yiyang.hrss')),
      // the queue machine reports up to now (a ticket of another department, just issued), as a live one does
      ev.issued(at('09:59:50', DUE2), 'M001', 'yiyang.market'),
    ]);
    await drained(hub);
    const due = realAt(at('10:00', DUE2));
    const shown = await shownAt(page, 'wait', 20);
    expect(shown - due).toBeLessThan(2000);
    expect(shown).toBeGreaterThanOrEqual(due - 50);
    await animationsDone(page);
    await browser.screenshot(page, 'supervisor-queue-surge');
  });

  it('acknowledges with a click (the red sound stops), resolves with a note, and shows both in the audit trail', async () => {
    const red = rows(page, 'case-red');
    const ids = await red.evaluateAll((els) => els.map((e) => e.getAttribute('data-alert-id')!));
    for (const id of ids) await page.click(`[data-alert-id="${id}"] [data-testid="ack"]`);
    await expect.poll(() => red.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    // the red cards are acknowledged: only the yellow sound is left
    expect(await page.getAttribute('.console', 'data-sound')).toBe('yellow');

    const target = ids[0]!;
    await page.click(`[data-testid="alert-row"][data-alert-id="${target}"]`);
    await page.waitForSelector(`[data-testid="alert-detail"][data-alert-id="${target}"]`);
    await page.click('[data-testid="detail-resolve"]');
    await page.waitForSelector('text=请填写处置说明后再办结');
    await page.fill('[data-testid="resolve-note"]', '已督促不动产登记中心当日办结，并向申请人致歉');
    await browser.screenshot(page, 'supervisor-resolve');
    await page.click('[data-testid="detail-resolve"]');
    await page.waitForSelector(`[data-testid="alert-row"][data-alert-id="${target}"]`, { state: 'detached' });
    expect(await page.textContent('[data-testid="count-red"]')).toBe('2');

    await page.click('[data-testid="tab-audit"]');
    await page.waitForSelector('[data-testid="audit-row"]');
    const audit = await page.$$eval('[data-testid="audit-row"]', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
    const forTarget = audit.filter((r) => r[3] === target);
    expect(forTarget.map((r) => [r[1], r[2]])).toEqual([
      ['lixiao', '办结预警'],
      ['lixiao', '确认预警'],
    ]);
    expect(forTarget[0]![5]).toBe('已督促不动产登记中心当日办结，并向申请人致歉');
    await browser.screenshot(page, 'supervisor-audit');

    await page.click('[data-testid="tab-history"]');
    await page.waitForSelector('[data-testid="history-table"] >> text=已督促不动产登记中心当日办结');
    await browser.screenshot(page, 'supervisor-history');
    await page.click('[data-testid="tab-windows"]');
    await page.waitForSelector('[data-testid="window-tile"]');
    await browser.screenshot(page, 'supervisor-windows');
    // the 401s of "not signed in yet" and of the wrong password are the only failed requests
    const unexpected = browser.errors.get(page)!.filter((e) => !/status of 401/.test(e));
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });

  it('words a refused action by its code: someone else acknowledged first', async () => {
    await page.click('[data-testid="tab-live"]');
    const yellow = rows(page, 'case-yellow');
    await yellow.first().waitFor();
    const id = (await yellow.first().getAttribute('data-alert-id'))!;
    // another supervisor's acknowledgement lands between the click and its request
    await page.route('**/api/v1/alerts/*/ack', async (route) => {
      await hub.alerts.store.act(id, 'ack', { username: 'wangwu', ip: '127.0.0.1' }, '');
      await route.continue();
    });
    try {
      await page.click(`[data-alert-id="${id}"] [data-testid="ack"]`);
      await page.waitForSelector('[data-testid="notice"] >> text=操作未完成：该预警已由 wangwu 确认');
    } finally {
      await page.unroute('**/api/v1/alerts/*/ack');
    }
  });
});
