/**
 * A hall wall shows a notice an admin PUTs without reloading (docs/admin.md, "Live on every hub"):
 * the hub that stores the change and the hub the wall is connected to are two hubs; the wall's
 * hub pushes `config` on /live and the hall refetches its notices (and the catalog). Real Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { TestClock } from '../alerts/alert-hub.ts';
import { ARTIFACTS, launchScreenBrowser, layoutSettled, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { testNow } from '../helpers/test-clock.ts';
import { testPrefix } from '../helpers/test-hub.ts';
import { adminCookie, getSection, putSection, startConfigHub } from './config-hub.ts';

describe('the hall wall and the hall section', () => {
  const prefix = testPrefix();
  const clock = new TestClock(new Date(testNow()).toISOString());
  let wallHub: Hub;
  let adminHub: Hub;
  let browser: ScreenBrowser;
  let page: Page;

  beforeAll(async () => {
    await prepareScreens();
    wallHub = await startConfigHub(prefix, clock);
    adminHub = await startConfigHub(prefix, clock, { AGGREGATOR: 'off' });
    browser = await launchScreenBrowser();
    page = await browser.open(`${wallHub.url}/screens/hall`, { width: 1920, height: 1080 });
    // notices go a page at a time (screens/hall/notice-pages.ts): a new first notice is shown at once
    await page.waitForSelector('[data-testid="notices"] [data-testid="notice-page"] .notice-tag');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await adminHub?.stop();
    await wallHub?.stop();
  });

  it('shows a new notice within 2 s of the PUT, on the same page (no reload)', async () => {
    // a mark on the page that a reload would lose
    await page.evaluate(() => ((window as unknown as { __sameHall: boolean }).__sameHall = true));
    const admin = await adminCookie(adminHub);
    const got = await getSection(adminHub, admin, 'hall');
    const text = '今日起不动产登记窗口延时服务至18:00';
    const t0 = Date.now();
    const put = await putSection(adminHub, admin, 'hall', { ...got.body, notices: [{ tag: '新公告', text }, ...got.body.notices] }, got.version!);
    expect(put.status).toBe(200);
    await page.waitForFunction((t) => document.querySelector('[data-testid="notices"]')?.textContent?.includes(t), text, { timeout: 5000 });
    const elapsed = Date.now() - t0;
    expect(await page.evaluate(() => (window as unknown as { __sameHall?: boolean }).__sameHall)).toBe(true);
    expect(elapsed).toBeLessThan(2000);
    await layoutSettled(page, { width: 1920, height: 1080 });
    const dir = path.join(ARTIFACTS, 'config');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'hall-new-notice.png') });
  });

  it('shows a window renumbered in the catalog without reloading (the catalog store refetches on the push)', async () => {
    const admin = await adminCookie(adminHub);
    const got = await getSection(adminHub, admin, 'catalog');
    const next = structuredClone(got.body);
    next.windows.find((w: { code: string }) => w.code === 'yiyang.w002').number = 0;
    expect((await putSection(adminHub, admin, 'catalog', next, got.version!)).status).toBe(200);
    await page.waitForFunction(() => document.querySelector('[data-testid="window-tile-yiyang.w002"] .tile-number')?.textContent?.trim() === '0', null, {
      timeout: 5000,
    });
    expect(await page.evaluate(() => (window as unknown as { __sameHall?: boolean }).__sameHall)).toBe(true);
  });
});
