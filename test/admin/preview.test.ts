/**
 * The 预警规则 section's preview in real Chromium against a real hub and Redis: an admin edits the
 * wait threshold (not saved), picks yesterday and sees the wait alert the edited rules would have
 * raised, beside none with the current ones. Screenshot: /tmp/shots/alerts-preview/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../server/hub.ts';
import { ensureWebBuild, WEB_DIST } from '../../scripts/ensure-web-build.ts';
import { ADMIN_PASSWORD, alertsDrained, signIn as apiSignIn, startAlertHub, TestClock } from '../alerts/alert-hub.ts';
import { animationsDone, launchScreenBrowser, prepareScreens, type ScreenBrowser } from '../helpers/browser.ts';
import { ev } from '../helpers/events.ts';
import { at, dayFromToday } from '../helpers/test-clock.ts';
import { drained, postEvents, testPrefix } from '../helpers/test-hub.ts';

const SHOTS = '/tmp/shots/alerts-preview';
const DAY = dayFromToday(-1);
let hub: Hub;
let browser: ScreenBrowser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await prepareScreens();
  if (!fs.existsSync(path.join(WEB_DIST, 'screens/admin/index.html'))) await ensureWebBuild({ force: true, log: () => undefined });
  hub = await startAlertHub(testPrefix(), new TestClock(at('10:00')));
  await apiSignIn(hub, 'admin', ADMIN_PASSWORD);
  const res = await postEvents(hub, 'queue', [ev.issued(at('10:00', DAY), 'A001'), ev.called(at('10:20', DAY), 'A001')]);
  expect(res.body.rejected).toEqual([]);
  await drained(hub);
  await alertsDrained(hub);
  browser = await launchScreenBrowser();
  page = await browser.open(`${hub.url}/screens/admin`, { width: 1366, height: 768 });
  await page.waitForSelector('[data-testid="signin"]');
  await page.fill('[data-testid="signin-username"]', 'admin');
  await page.fill('[data-testid="signin-password"]', ADMIN_PASSWORD);
  await page.click('[data-testid="signin-submit"]');
  await page.waitForSelector('.console nav');
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('预警规则 preview', () => {
  it('shows the wait alert the edited rules would have raised yesterday, and none with the current ones', async () => {
    await page.click('[data-testid="nav-alerts"]');
    await page.waitForSelector('[data-section="alerts"] [data-testid="version"]');
    await page.waitForSelector('[data-testid="preview-run"]');
    await page.fill('[data-testid="default-ticketWaitMinutes"]', '15');
    // the real-estate department has its own 40 minutes: edited too
    const override = page.locator('[data-testid="overrides-departments"] tr[data-key="yiyang.realestate"] [data-col="ticketWaitMinutes"]');
    await override.fill('15');
    await override.press('Tab');
    await page.fill('[data-testid="preview-date"]', DAY);
    await page.click('[data-testid="preview-run"]');
    await page.waitForSelector('[data-testid="preview"]');
    expect(await page.textContent('[data-testid="preview-new"]')).toBe('1');
    expect(await page.textContent('[data-testid="preview-current"]')).toBe('0');
    await page.click('[data-testid="preview"] summary');
    const item = await page.textContent('[data-testid="preview"] li');
    expect(item).toContain('等候超时');
    expect(item).toContain('A001');
    await page.locator('[data-testid="preview"]').scrollIntoViewIfNeeded();
    await animationsDone(page);
    await page.screenshot({ path: path.join(SHOTS, 'preview-1366x768.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('[data-testid="preview"]').scrollIntoViewIfNeeded();
    await animationsDone(page);
    await page.screenshot({ path: path.join(SHOTS, 'preview-1920x1080.png') });
    await page.setViewportSize({ width: 1366, height: 768 });
    // not saved: the section is as it was
    const res = await fetch(`${hub.url}/api/v1/admin/config/alerts`, { headers: { cookie: await apiSignIn(hub, 'admin', ADMIN_PASSWORD) } });
    expect(((await res.json()) as { defaults: { ticketWaitMinutes: number } }).defaults.ticketWaitMinutes).toBe(30);
  }, 120_000);

  it('names the days it can preview when the date is too old', async () => {
    await page.fill('[data-testid="preview-date"]', dayFromToday(-6));
    await page.click('[data-testid="preview-run"]');
    await page.waitForSelector('[data-testid="preview-error"]');
    const text = await page.textContent('[data-testid="preview-error"]');
    expect(text).toContain('无法预览该日');
    expect(text).toContain(dayFromToday(-2));
    await page.screenshot({ path: path.join(SHOTS, 'preview-old-date-1366x768.png') });
    expect(browser.errors.get(page)!.filter((e) => !e.includes('401') && !e.includes('400'))).toEqual([]);
  }, 60_000);
});
