/**
 * The capacity prompts (增开窗口建议) in the supervisor console, in real Chromium against a real hub:
 * 医疗保障局 has 12 waiting at 2 of its 6 windows (60 minutes expected: open 3 more) and 人力资源和社会保障局
 * 20 tickets in a quarter hour at 1 window (the queue only grows). The console shows a card per
 * department above the list, "医疗保障局 预计等待 60 分钟，建议增开 3 个窗口", the figures behind it in the
 * detail, 确认 on the card; desktop (1920x1080) and phone (390x844) screenshots in /tmp/shots/capacity/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { ev } from '../helpers/events.ts';
import { at, findDay, instant, kindOfDay } from '../helpers/test-clock.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { drained, postAccepted } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openSignedIn, startConsoleHub } from './supervisor-session.ts';

const SUPERVISOR = { username: 'qianli', password: 'qianli-password', name: '钱立' };
const SHOTS = '/tmp/shots/capacity';
const DAY = findDay(kindOfDay.workday);
const MEDICARE = ['yiyang.w043', 'yiyang.w044'];
let clock = instant('08:40', DAY);

const card = (page: Page, dept: string) => page.locator(`[data-testid="capacity-card"][data-dept="${dept}"]`);
const text = async (page: Page, dept: string) => (await card(page, dept).locator('[data-testid="capacity-line"]').innerText()).replace(/\s+/g, ' ').trim();
// the card comes with the alerts; its department's name with the catalog, which may come after
// (until then it shows the code): wait for the name before reading the line
const cardWithName = (page: Page, dept: string, name: string) =>
  waitFor(`the ${dept} card with its name`, async () => (await card(page, dept).count()) > 0 && (await text(page, dept)).startsWith(name));

describe('capacity prompts in the supervisor console', () => {
  let hub: Hub;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startConsoleHub(SUPERVISOR, ['yiyang.medicare', 'yiyang.hrss'], { now: () => clock, alerts: { tickMs: 100, capacityEveryMs: 0 } });
    // 08:40: 医疗保障局 opens 2 windows and issues 12 tickets
    await postAccepted(
      hub,
      'window',
      MEDICARE.map((w) => ev.windowStatus(at('08:40', DAY), 'open', w, 'yiyang.medicare')),
    );
    await postAccepted(
      hub,
      'queue',
      Array.from({ length: 12 }, (_, i) => ev.issued(at('08:40', DAY), `D${String(i + 1).padStart(3, '0')}`, 'yiyang.medicare')),
    );
    await drained(hub);
    // 09:14: 人社 has one window open and 20 tickets issued in a burst
    clock = instant('09:14', DAY);
    await postAccepted(hub, 'window', [ev.windowStatus(at('09:14', DAY), 'open', 'yiyang.w023', 'yiyang.hrss')]);
    await postAccepted(
      hub,
      'queue',
      Array.from({ length: 20 }, (_, i) => ev.issued(at('09:14', DAY), `R${String(i + 1).padStart(3, '0')}`, 'yiyang.hrss')),
    );
    await drained(hub);
    clock = instant('09:15', DAY);
    await waitFor('both prompts with 09:15 figures', async () => {
      const list = await hub.alerts.store.list({ states: ['open'], rule: 'capacity', depts: null });
      return list.length === 2 && list.every((a) => a.capacity?.at === clock);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows a card per department saying how many windows to open, its figures in the detail, and acknowledges from the card (1920x1080)', async () => {
    const { context, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: false, at: clock, errors });
    await cardWithName(page, 'yiyang.medicare', '医疗保障局');
    expect(await text(page, 'yiyang.medicare')).toBe('医疗保障局 预计等待 60 分钟，建议增开 3 个窗口');
    const hrss = await text(page, 'yiyang.hrss');
    expect(hrss).toMatch(/^人力资源和社会保障局 排队持续增长，建议增开 \d+ 个窗口/);
    // the queue that only grows comes first
    expect(await page.locator('[data-testid="capacity-card"]').first().getAttribute('data-dept')).toBe('yiyang.hrss');
    // in the list too, marked 提示 (advice), not a card colour
    const row = page.locator('[data-testid="alert-row"][data-rule="capacity"]').first();
    expect(await row.locator('.card').innerText()).toBe('提示');
    await card(page, 'yiyang.medicare').click();
    const inputs = page.locator('[data-testid="capacity-inputs"]');
    await inputs.waitFor();
    expect((await inputs.innerText()).replace(/\s+/g, '')).toContain('等候12人，在岗窗口2个（另有4个可开），平均办理10分钟，近30分钟取号0人/小时；阈值30分钟');
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/console-1920x1080.png`, animations: 'disabled' });
    await card(page, 'yiyang.medicare').locator('[data-testid="capacity-ack"]').click();
    await waitFor('acknowledged', async () => (await card(page, 'yiyang.medicare').getAttribute('class'))?.includes('acknowledged') === true);
    expect(await card(page, 'yiyang.medicare').locator('[data-testid="capacity-ack"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the cards on a phone (390x844) without sideways scrolling', async () => {
    const { context, page } = await openSignedIn(browser, hub, SUPERVISOR, { touch: true, at: clock, errors });
    await cardWithName(page, 'yiyang.medicare', '医疗保障局');
    expect(await text(page, 'yiyang.medicare')).toBe('医疗保障局 预计等待 60 分钟，建议增开 3 个窗口');
    const over = await page.evaluate(
      () =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="capacity-cards"] *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
          .length,
    );
    expect(over).toBe(0);
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/console-390x844.png`, animations: 'disabled' });
    await card(page, 'yiyang.hrss').tap();
    await page.waitForSelector('[data-testid="capacity-inputs"]');
    await animationsDone(page);
    await page.screenshot({ path: `${SHOTS}/console-390x844-detail.png`, animations: 'disabled' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
