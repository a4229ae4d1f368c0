/**
 * The usual day (常日) on the cockpit's hourly chart, on the wall (1920x1080) and on a phone
 * (390x844, isMobile): a real hub fed a month of the city (test/cockpit/cockpit-feed.ts), the hub
 * and the page clocks at 15:00 today. The badge says today's accepted cases so far against the
 * usual day so far, the same figure as computed from GET /api/v1/forecast and GET /api/v1/series;
 * the chart draws the rest of the day's expected curve. Screenshots: /tmp/shots/forecast/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forecast } from '../../common/forecast.ts';
import type { Series } from '../../common/series.ts';
import type { Hub } from '../../server/hub.ts';
import { usualDayDelta } from '../../screens/cockpit/model/usual-day.ts';
import { cockpitMonth, sendMonth } from '../cockpit/cockpit-feed.ts';
import { getAs, PASSWORD, signedIn, signInOnCockpit } from '../cockpit/cockpit-session.ts';
import { animationsDone, CHROMIUM, CHROMIUM_ARGS, prepareScreens } from '../helpers/browser.ts';
import { fixedClock, instant, TODAY } from '../helpers/test-clock.ts';
import { drained, startTestHub, testPrefix } from '../helpers/test-hub.ts';

const SHOTS = '/tmp/shots/forecast';
const NOW = instant('15:00');

describe('cockpit: today against the usual day (常日)', () => {
  let hub: Hub;
  let browser: Browser;
  let leader: string;
  const errors: string[] = [];

  /** The badge's text as the API's numbers give it. */
  const expectedText = async (scope: string): Promise<string> => {
    const f = await getAs<Forecast>(hub, `/api/v1/forecast?scope=${scope}&date=${TODAY}&metric=cases`, leader);
    expect(f.status).toBe(200);
    const s = await getAs<Series>(hub, `/api/v1/series?metric=cases.accepted&scope=${scope}&interval=hour&from=${TODAY}&to=${TODAY}`, leader);
    const delta = usualDayDelta(
      f.body,
      s.body.points.map((p) => p.v ?? 0),
      15,
      0,
    );
    return `受理${delta ? delta.text : '常日对比待开门后显示'}`;
  };

  const signIn = async (page: Page, tap: boolean) => {
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await signInOnCockpit(page, hub, { username: 'mayor', password: PASSWORD }, { at: NOW, touch: tap });
  };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await prepareScreens();
    hub = await startTestHub(testPrefix(), { now: fixedClock('15:00') });
    await sendMonth(hub, cockpitMonth(NOW, 30, 5));
    await drained(hub, 60_000);
    leader = await signedIn(hub, 'mayor', 'leader');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows 较常日 on the wall cockpit, as the API computes it, and the usual day in the legend', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'UTC' });
    const page = await context.newPage();
    await signIn(page, false);
    await page.waitForSelector('[data-cockpit-ready="1"]', { timeout: 60_000 });
    const badge = page.locator('[data-testid="chart-hourly"]').locator('xpath=..').locator('[data-testid="usual-day"] .figure');
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toBe(await expectedText('city'));
    expect(await page.locator('.legend').first().textContent()).toContain('常日受理');
    await animationsDone(page);
    await page.screenshot({ path: path.join(SHOTS, 'cockpit-1920x1080.png'), animations: 'disabled' });
    await context.close();
    expect(errors).toEqual([]);
  });

  it('shows it on the phone cockpit above the hourly trend', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    await signIn(page, true);
    await page.waitForSelector('[data-testid="cockpit-phone"][data-ready="1"]', { timeout: 30_000 });
    await page.locator('[data-testid="phone-drill"]').scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-testid="phone-trend"] canvas');
    const badge = page.locator('[data-testid="phone-trend"] [data-testid="usual-day"] .figure');
    await expect.poll(() => badge.textContent(), { timeout: 20_000 }).toBe(await expectedText('city'));
    const box = await page.locator('[data-testid="phone-trend"]').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await page.locator('[data-testid="phone-trend"]').scrollIntoViewIfNeeded();
    await animationsDone(page);
    await page.screenshot({ path: path.join(SHOTS, 'cockpit-phone-390x844.png'), animations: 'disabled' });
    await context.close();
    expect(errors).toEqual([]);
  });
});
