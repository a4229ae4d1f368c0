/**
 * The console's 播放列表 section in Chromium against a real hub (docs/screens.md#playlists): it
 * loads the seeded lists, adds a list with its pages and a schedule, assigns a screen that
 * reported to the fleet, saves through the config API, shows the hub's refusal at the row, and
 * fits a desk and a tablet without horizontal scroll.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Hub } from '../../server/hub.ts';
import { signInFrom } from '../auth/auth-test-hub.ts';
import { animationsDone, launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { testNow } from '../helpers/test-clock.ts';
import { startTestHub, testPrefix } from '../helpers/test-hub.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN_PASSWORD = 'admin-playlists-pass-01';
const SHOTS = '/tmp/shots/playlists';
const DESK = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };

let hub: Hub;
let browser: ScreenBrowser;
let page: Page;
let cookie: string;

const section = async () => (await (await fetch(`${hub.url}/api/v1/admin/config/playlists`, { headers: { cookie } })).json()) as any;
const noHorizontalScroll = (p: Page) =>
  p.evaluate(() => {
    const main = document.querySelector('.main');
    return document.documentElement.scrollWidth <= window.innerWidth && (!main || main.scrollWidth <= main.clientWidth);
  });
async function shot(name: string) {
  await animationsDone(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await prepareScreens();
  hub = await startTestHub(testPrefix(), { now: testNow, env: { ADMIN_PASSWORD } });
  cookie = (await signInFrom(hub, 'admin', ADMIN_PASSWORD)).cookie!;
  browser = await launchScreenBrowser();
  // a screen that reported, so the console offers it
  await browser.open(`${hub.url}/screens/hall?screen=lobby-1&reportEvery=1`, { width: 1280, height: 720 });
  await waitFor('lobby-1 on the fleet board', async () => {
    const res = await fetch(`${hub.url}/api/v1/screens`, { headers: { cookie } });
    return ((await res.json()) as { screens: { id: string }[] }).screens.some((s) => s.id === 'lobby-1');
  });
  page = await browser.open(`${hub.url}/screens/admin#playlists`, DESK);
  await page.waitForSelector('[data-testid="signin"]');
  await page.fill('[data-testid="signin-username"]', 'admin');
  await page.fill('[data-testid="signin-password"]', ADMIN_PASSWORD);
  await page.click('[data-testid="signin-submit"]');
  await page.waitForSelector('.console nav');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('console: 播放列表', () => {
  it('shows the seeded lists and the nav entry', async () => {
    await page.click('[data-testid="nav-playlists"]');
    await page.waitForSelector('[data-section="playlists"] [data-testid="version"]');
    expect(await page.locator('[data-testid="playlist-tab"]').allTextContents()).toEqual([
      expect.stringContaining('大厅白天'),
      expect.stringContaining('闭厅公告'),
    ]);
    expect(await page.inputValue('[data-testid="playlist-id"]')).toBe('hall-day');
    await page.waitForSelector('[data-testid="assign-screen"]:has-text("lobby-1")');
    await shot('console-1366x768');
    expect(await noHorizontalScroll(page)).toBe(true);
  });

  it('adds a list with pages and a schedule, assigns a reported screen, and saves it', async () => {
    await page.click('[data-testid="add-playlist"]');
    await page.fill('[data-testid="playlist-name"]', '窗口轮播');
    const items = page.locator('[data-testid="table-playlist-items"]');
    await items.locator('[data-testid="row"]').first().locator('[data-col="path"]').fill('/screens/window/yiyang.w003');
    await items.locator('[data-testid="row"]').first().locator('[data-col="seconds"]').fill('20');
    await items.locator('[data-testid="add-row"]').click();
    await items.locator('[data-testid="row"]').last().locator('[data-col="path"]').fill('/screens/hall');
    await items.locator('[data-testid="row"]').last().locator('[data-col="seconds"]').fill('40');
    await page.selectOption('[data-testid="mode-closed"]', 'ref');
    await page.selectOption('[data-testid="ref-closed"]', 'hall-closed');
    await page.selectOption('[data-testid="mode-holiday"]', 'own');
    await page.locator('[data-testid="table-holiday-items"] [data-col="seconds"]').first().fill('600');
    await page.click('[data-testid="assign-screen"]:has-text("lobby-1")');
    await page.locator('[data-testid="table-assign-screens"] [data-testid="row"]').last().locator('[data-col="playlist"]').selectOption('list-3');
    await page.click('[data-testid="save"]');
    await page.waitForSelector('[data-testid="toast"]:has-text("已保存")');
    const s = await section();
    expect(s.playlists['list-3']).toEqual({
      name: '窗口轮播',
      items: [
        { path: '/screens/window/yiyang.w003', seconds: 20 },
        { path: '/screens/hall', seconds: 40 },
      ],
      schedule: { closed: 'hall-closed', holiday: [{ path: '/screens/hall', seconds: 600 }] },
    });
    expect(s.assignments.screens).toEqual({ 'lobby-1': 'list-3' });
    // the seeded lists are kept as they were
    expect(s.playlists['hall-day'].schedule).toEqual({ closed: 'hall-closed' });
  });

  it('shows the hub’s refusal at the row: a page off /screens/ and 0 seconds', async () => {
    const row = page.locator('[data-testid="table-playlist-items"] [data-testid="row"]').first();
    await row.locator('[data-col="path"]').fill('https://example.com/');
    await row.locator('[data-col="seconds"]').fill('0');
    await page.click('[data-testid="save"]');
    await page.waitForSelector('[data-testid="save-error"]');
    await page.waitForSelector('[data-testid="table-playlist-items"] [data-testid="field-error"][data-path="playlists.list-3.items.0"]');
    await shot('console-refused');
    await page.click('[data-testid="revert"]');
    expect((await section()).playlists['list-3'].items[0].path).toBe('/screens/window/yiyang.w003');
  });

  it('fits a tablet without horizontal scroll', async () => {
    await page.setViewportSize(TABLET);
    await waitFor('the tablet layout without horizontal scroll', () => noHorizontalScroll(page), 5000);
    await shot('console-768x1024');
    await page.setViewportSize(DESK);
    expect(browser.errors.get(page)!.filter((e) => !e.includes('401') && !e.includes('400'))).toEqual([]);
  });
});
