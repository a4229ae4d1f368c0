import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { drained, getJson, startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { HallFeed, HALL_WINDOWS } from '../../support/hall-feed.ts';
import { aCall, sendFeed as send } from './hall-morning.ts';
import { cutOffText } from './screen-probe.ts';

const W5 = HALL_WINDOWS.find((w) => w.number === 5)!;
const W123 = HALL_WINDOWS.find((w) => w.number === 123)!;

describe('window LED (/screens/window/<code>)', () => {
  const prefix = testPrefix();
  const feed = new HallFeed(5);
  let hub: Hub;
  let browser: ScreenBrowser;
  let ticket: string;

  beforeAll(async () => {
    await prepareScreens();
    hub = await startTestHub(prefix);
    const now = Date.now();
    const call = aCall(feed, W5, now);
    ticket = call.ticket;
    await send(hub, [...call.events, feed.windowStatus(now - 4000, W123.code, 'paused')]);
    await drained(hub);
    browser = await launchScreenBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows the window, its department, the staff on duty and the number being served on a monitor', async () => {
    const snap = await getJson(hub, `/api/v1/snapshot?scope=window:${W5.code}`);
    expect(snap.window).toMatchObject({ status: 'serving', ticket });
    const page = await browser.open(`${hub.url}/screens/window/${W5.code}`, { width: 1920, height: 1080 });
    await page.waitForSelector(`[data-testid="window-ticket"]:text("${ticket}")`);
    expect(await page.textContent('[data-testid="window-name"]')).toBe('5号窗口');
    expect(await page.textContent('[data-testid="window-dept"]')).toBe('不动产登记中心');
    expect(await page.textContent('[data-testid="window-staff"]')).toMatch(/^工作人员：\S+$/);
    expect(await cutOffText(page)).toEqual([]);
    await browser.screenshot(page, 'window-1920x1080');
    expect(browser.errors.get(page)).toEqual([]);
    await page.close();
  });

  it('reads on 640x160 and 320x64 LED strips, and takes the short form /screens/window/<number>', async () => {
    for (const [width, height] of [
      [640, 160],
      [320, 64],
    ] as const) {
      const page = await browser.open(`${hub.url}/screens/window/5`, { width, height });
      await page.waitForSelector(`[data-testid="window-ticket"]:text("${ticket}")`);
      expect(await page.getAttribute('.yg-viewport', 'data-variant')).toBe('strip');
      expect(await page.textContent('[data-testid="window-name"]')).toBe('5号窗口');
      expect(await cutOffText(page), `${width}x${height}`).toEqual([]);
      await browser.screenshot(page, `window-strip-${width}x${height}`);
      expect(browser.errors.get(page)).toEqual([]);
      await page.close();
    }
  });

  it('shows 暂停服务 for a paused window, and follows a status change live', async () => {
    const page = await browser.open(`${hub.url}/screens/window/${W123.code}`, { width: 640, height: 160 });
    await page.waitForSelector('[data-testid="window-status"]:text("暂停服务")');
    expect(await cutOffText(page)).toEqual([]);
    await browser.screenshot(page, 'window-strip-paused-640x160');
    await send(hub, [feed.windowStatus(Date.now(), W123.code, 'open')]);
    await page.waitForSelector('[data-testid="window-status"]:text("空闲")', { timeout: 2000 });
    await page.close();
  });
});
